"""The change feed's event for an assessment: pseudonymised by construction.

Only what aggregation may hold goes in (ARCHITECTURE.md "Services own their data"): a keyed
HMAC person key, age band, sex, ethnic category and group, IMD decile, organisation and team
codes, instrument and episode, dates, answers and scores. Never a name, NHS number, date of
birth, postcode or free text — the builder is given only the fields it may copy.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.scoring.feed.pseudonymise import age_band, person_key
from services.scoring.people.ethnicity import ethnic_category_from_code, ethnic_group

FEED_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class FeedSubject:
    """The identifiable inputs, used here only to derive pseudonymous fields."""

    nhs_number: str | None
    local_id: str | None
    birth_date: date
    sex: str
    ethnic_category: str | None
    imd_decile: int | None
    imd_vintage: str | None


@dataclass(frozen=True)
class FeedAssessment:
    assessment_id: str
    revision: int
    organisation_code: str
    commissioner_code: str | None
    team_code: str
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


def feed_payload(
    secret: bytes, event: str, subject: FeedSubject, assessment: FeedAssessment
) -> dict[str, Any]:
    category = (
        ethnic_category_from_code(subject.ethnic_category) if subject.ethnic_category else None
    )
    return {
        "schema_version": FEED_SCHEMA_VERSION,
        "event": event,
        "assessment_key": assessment_key(secret, assessment.assessment_id),
        "revision": assessment.revision,
        "person_key": person_key(
            secret,
            nhs_number=subject.nhs_number,
            local_id=subject.local_id,
            organisation_code=assessment.organisation_code,
        ),
        "age_band": age_band(subject.birth_date, assessment.assessed_on),
        "sex": subject.sex,
        "ethnic_category": category.value if category else None,
        "ethnic_group": ethnic_group(category).value if category else None,
        "imd_decile": subject.imd_decile,
        "imd_vintage": subject.imd_vintage,
        "organisation_code": assessment.organisation_code,
        "commissioner_code": assessment.commissioner_code,
        "team_code": assessment.team_code,
        "instrument": assessment.instrument,
        "variant": assessment.variant,
        "instrument_version": assessment.instrument_version,
        "episode_type": assessment.episode_type,
        "assessed_on": assessment.assessed_on.isoformat(),
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "answers": assessment.answers,
        "scores": assessment.scores,
    }
