"""The change feed's event for an assessment: pseudonymised by construction.

Only what aggregation may hold goes in (ARCHITECTURE.md "Services own their data"): a keyed
HMAC person key, age band, sex, ethnic category and group, IMD decile, organisation and team
codes, instrument and episode, dates, answers and scores. Never a name, NHS number, date of
birth, postcode or free text — the builders are given only the fields they may copy.

An event is stored in three parts (decision 0013): the assessment's part (``stored_payload``),
the context as of the change (``FeedContext``: codes, age in years, sex, ethnicity, IMD) and
the person's id. The person key is made when the feed is read, from the person's identifiers,
so the write of a submit needs nothing it has to read first.
"""

import hashlib
import hmac
import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from services.scoring.feed.pseudonymise import age_band_of, age_in_years, person_key
from services.scoring.people.ethnicity import (
    EthnicCategory,
    UnknownEthnicCategory,
    ethnic_category_from_code,
    ethnic_group,
)

FEED_SCHEMA_VERSION = 1
log = logging.getLogger("equitas.feed")


@dataclass(frozen=True)
class FeedContext:
    """Who the person was and which team assessed them, as of the change: stored with the
    event (``feed_event.context``) and published pseudonymised (``feed_payload``). No
    identifier: age in completed years, not the date of birth. The person's identifiers
    are read when the feed is read, only to make the person key (decision 0013)."""

    organisation_code: str
    commissioner_code: str | None
    team_code: str
    age_years: int | None
    """None when the assessment predates the person's (since corrected) date of birth."""
    sex: str
    ethnic_category: str | None
    imd_decile: int | None
    imd_vintage: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def feed_context(
    *,
    birth_date: date,
    assessed_on: date,
    sex: str,
    ethnic_category: str | None,
    imd_decile: int | None,
    imd_vintage: str | None,
    organisation_code: str,
    commissioner_code: str | None,
    team_code: str,
) -> FeedContext:
    return FeedContext(
        organisation_code=organisation_code,
        commissioner_code=commissioner_code,
        team_code=team_code,
        # New assessments cannot predate the person, but a date of birth corrected later
        # (an EPR update) can overtake an older one: its changes still reach the feed.
        age_years=age_in_years(birth_date, assessed_on) if assessed_on >= birth_date else None,
        sex=sex,
        ethnic_category=ethnic_category,
        imd_decile=imd_decile,
        imd_vintage=imd_vintage,
    )


@dataclass(frozen=True)
class FeedAssessment:
    assessment_id: str
    revision: int
    instrument: str
    variant: str
    instrument_version: str
    episode_type: str
    assessed_on: date
    submitted_at: datetime | None
    answers: dict[str, dict[str, Any]]
    scores: dict[str, Any] | None


def assessment_key(secret: bytes, assessment_id: str) -> str:
    """A stable pseudonym for the assessment, so amendments replace earlier revisions."""
    digest = hmac.new(secret, f"assessment:{assessment_id}".encode(), hashlib.sha256)
    return "ak_" + digest.hexdigest()


def stored_payload(secret: bytes, event: str, assessment: FeedAssessment) -> dict[str, Any]:
    """What an event stores about the assessment (``feed_event.payload``): everything it
    publishes except what ``FeedContext`` holds."""
    return {
        "schema_version": FEED_SCHEMA_VERSION,
        "event": event,
        "assessment_key": assessment_key(secret, assessment.assessment_id),
        "revision": assessment.revision,
        "instrument": assessment.instrument,
        "variant": assessment.variant,
        "instrument_version": assessment.instrument_version,
        "episode_type": assessment.episode_type,
        "assessed_on": assessment.assessed_on.isoformat(),
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "answers": assessment.answers,
        "scores": assessment.scores,
    }


_HEAD = ("schema_version", "event", "assessment_key", "revision")


def feed_payload(
    secret: bytes,
    stored: dict[str, Any],
    context: dict[str, Any],
    *,
    nhs_number: str | None,
    local_id: str | None,
) -> dict[str, Any]:
    """The event as the feed publishes it: the stored payload with the person's
    pseudonymised fields (keyed from their identifiers, read for this) and the team's codes."""
    category = _category(context["ethnic_category"])
    head = {key: stored[key] for key in _HEAD}
    return {
        **head,
        # A person always has one identifier (the API requires it); were the record gone,
        # the event would still flow, keyed to no one, rather than stop the feed.
        "person_key": person_key(
            secret,
            nhs_number=nhs_number,
            local_id=local_id,
            organisation_code=context["organisation_code"],
        )
        if nhs_number or local_id
        else None,
        "age_band": None if context["age_years"] is None else age_band_of(context["age_years"]),
        "sex": context["sex"],
        "ethnic_category": category.value if category else None,
        "ethnic_group": ethnic_group(category).value if category else None,
        "imd_decile": context["imd_decile"],
        "imd_vintage": context["imd_vintage"],
        "organisation_code": context["organisation_code"],
        "commissioner_code": context["commissioner_code"],
        "team_code": context["team_code"],
        **{key: value for key, value in stored.items() if key not in head},
    }


def _category(code: str | None) -> EthnicCategory | None:
    """The category of a stored code. Codes are checked when written; one that a later
    mapping no longer knows is published as unknown rather than stopping the feed."""
    if not code:
        return None
    try:
        return ethnic_category_from_code(code)
    except UnknownEthnicCategory:
        log.warning("feed: unknown stored ethnic category", extra={"code": code})
        return None
