"""The rows of a batch of demo people: each person, their caseload entry and their HEF
history as submitted assessments with revision 1 and the change-feed event, shaped as the
API would have written them. Pure (no I/O) and picklable, so worker processes build batches
while the seed loads the previous one (see ``seed``).
"""

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from functools import cache
from typing import Any

import orjson

from services.scoring.assessments.service import answers_with_values
from services.scoring.demo_data.assessments import generate_assessments
from services.scoring.demo_data.organisations import DemoDataError
from services.scoring.demo_data.person import SyntheticPerson
from services.scoring.feed.payload import FeedAssessment, feed_context, stored_payload
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import score
from services.scoring.instruments.registry import builtin_definitions, semver_key

AUTHOR = "demo-data"
EVENT = "assessment.submitted"
# Ids are UUIDv5 of this namespace, the seed and the local id: the same seed, the same ids.
ID_NAMESPACE = uuid.UUID("0f3c1d52-3d1e-4b7a-9c55-5d8f2b6e7a10")

# -- rows ------------------------------------------------------------------------------

PERSON_COLUMNS = (
    "id", "organisation_id", "nhs_number", "nhs_number_verification_status", "local_id",
    "given_name", "family_name", "birth_date", "sex", "ethnic_category", "postcode",
    "lsoa_code", "imd_decile", "imd_vintage", "imd_status", "gp_practice_ods",
    "interpreter_required", "language", "source", "version", "created_at", "updated_at",
)  # fmt: skip
CASELOAD_COLUMNS = ("person_id", "team_id", "added_at")
ASSESSMENT_COLUMNS = (
    "id", "person_id", "team_id", "instrument", "variant", "instrument_version",
    "episode_type", "assessed_on", "status", "revision", "version", "responses",
    "free_text_flags", "scores", "created_by", "updated_by", "created_at", "updated_at",
    "submitted_at",
)  # fmt: skip
REVISION_COLUMNS = (
    "assessment_id", "revision", "instrument_version", "episode_type", "assessed_on",
    "responses", "scores", "submitted_by", "submitted_at",
)  # fmt: skip
FEED_COLUMNS = ("event_type", "occurred_at", "payload", "person_id", "context")

Row = tuple[Any, ...]


@dataclass
class Batch:
    people: list[Row] = field(default_factory=list)
    caseload: list[Row] = field(default_factory=list)
    assessments: list[Row] = field(default_factory=list)
    revisions: list[Row] = field(default_factory=list)
    feed: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class BuildContext:
    """What every batch needs; small and picklable, so worker processes can build too."""

    seed: int
    secret: bytes
    as_of: date
    now: datetime
    months_min: int
    months_max: int
    organisation_ids: dict[str, uuid.UUID]  # trust ODS code -> organisation id
    commissioners: dict[str, str | None]  # trust ODS code -> ICB ODS code
    team_ids: dict[str, uuid.UUID]


@cache
def hef_definition() -> InstrumentDefinition:
    """The latest built-in HEF standard definition (what the API scores with by default)."""
    versions = [d for d in builtin_definitions() if d.key[:2] == ("hef", "standard")]
    if not versions:
        raise DemoDataError("no built-in HEF standard definition")
    return max(versions, key=lambda d: semver_key(d.version))


@cache
def hef_item_ids() -> tuple[str, ...]:
    return tuple(item.id for section in hef_definition().sections for item in section.items)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise DemoDataError("unreachable: every month has 28 days")  # pragma: no cover


def demo_person_id(seed: int, local_id: str) -> uuid.UUID:
    """A demo person's id: the same seed, the same ids (how a rerun knows who is in)."""
    return uuid.uuid5(ID_NAMESPACE, f"{seed}:person:{local_id}")


def json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def build_batch(ctx: BuildContext, people: Sequence[SyntheticPerson]) -> Batch:
    """Rows for a batch of people and their HEF histories (pure: no I/O)."""
    defn = hef_definition()
    items = hef_item_ids()
    instrument, variant, version = defn.key
    batch = Batch()
    for person in people:
        local_id = person.local_id
        rng = random.Random(f"{ctx.seed}:timing:{local_id}")
        months = rng.randint(ctx.months_min, ctx.months_max)
        history = generate_assessments(
            ctx.seed, person, items, months_before(ctx.as_of, months), months
        )
        person_id = demo_person_id(ctx.seed, local_id)
        team_id = ctx.team_ids[person.team_code]
        organisation_code = person.trust_code
        # Recorded on the day of the referral assessment, before it.
        created_at = datetime.combine(history[0].assessed_on, clock(8), UTC) + timedelta(
            seconds=rng.randrange(7200)
        )
        created_at = min(created_at, ctx.now)
        batch.people.append(
            (
                person_id,
                ctx.organisation_ids[organisation_code],
                person.nhs_number,
                person.nhs_number_verification if person.nhs_number else None,
                local_id,
                person.given_name,
                person.family_name,
                person.birth_date,
                person.sex.value,
                person.ethnic_category.value,
                person.postcode,
                person.lsoa_code,
                person.imd_decile,
                person.imd_vintage,
                person.imd_status,
                person.gp_practice_code,
                person.interpreter_required,
                person.language,
                "manual",
                1,
                created_at,
                created_at,
            )
        )
        batch.caseload.append((person_id, team_id, created_at))
        for synthetic in history:
            assessment_id = uuid.uuid5(
                ID_NAMESPACE, f"{ctx.seed}:assessment:{local_id}:{synthetic.sequence}"
            )
            # Submitted during the working day it was assessed on (UTC, like the API).
            submitted_at = datetime.combine(synthetic.assessed_on, clock(10), UTC) + timedelta(
                seconds=rng.randrange(6 * 3600)
            )
            submitted_at = min(max(submitted_at, created_at), ctx.now)
            ratings = synthetic.ratings
            scores = score(defn, ratings).as_dict()
            episode_type = synthetic.point.value
            payload = stored_payload(
                ctx.secret,
                EVENT,
                FeedAssessment(
                    assessment_id=str(assessment_id),
                    revision=1,
                    instrument=instrument,
                    variant=variant,
                    instrument_version=version,
                    episode_type=episode_type,
                    assessed_on=synthetic.assessed_on,
                    submitted_at=submitted_at,
                    answers=answers_with_values(defn, ratings),
                    scores=scores,
                ),
            )
            context = feed_context(
                birth_date=person.birth_date,
                assessed_on=synthetic.assessed_on,
                sex=person.sex.value,
                ethnic_category=person.ethnic_category.value,
                imd_decile=person.imd_decile,
                imd_vintage=person.imd_vintage,
                organisation_code=organisation_code,
                commissioner_code=ctx.commissioners[organisation_code],
                team_code=person.team_code,
            )
            responses_json, scores_json = json_text(ratings), json_text(scores)
            batch.assessments.append(
                (
                    assessment_id,
                    person_id,
                    team_id,
                    instrument,
                    variant,
                    version,
                    episode_type,
                    synthetic.assessed_on,
                    "submitted",
                    1,  # revision: submitted once
                    2,  # version: created (1), then submitted (2), as the API counts
                    responses_json,
                    "[]",
                    scores_json,
                    AUTHOR,
                    AUTHOR,
                    submitted_at,
                    submitted_at,
                    submitted_at,
                )
            )
            batch.revisions.append(
                (
                    assessment_id,
                    1,
                    version,
                    episode_type,
                    synthetic.assessed_on,
                    responses_json,
                    scores_json,
                    AUTHOR,
                    submitted_at,
                )
            )
            batch.feed.append(
                (EVENT, submitted_at, json_text(payload), person_id, json_text(context.as_dict()))
            )
    return batch
