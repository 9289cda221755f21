"""The assessment lifecycle: draft -> submitted (scored, immutable) -> amended (a new
revision). Every change the feed must know about writes its event in the same transaction."""

import uuid
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import orjson
from fastapi import Request
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.common.auth import Principal
from services.common.direct import FromSource, detached
from services.common.errors import Conflict, FieldProblem, InvalidInput, NotFound
from services.common.etag import check_if_match
from services.scoring.app_state import catalogue_of, feed_secret
from services.scoring.assessments.models import Assessment, AssessmentRevision
from services.scoring.assessments.schemas import AssessmentRead, FreeTextFlagRead
from services.scoring.audit.models import AuditEvent
from services.scoring.audit.service import audit_event
from services.scoring.db.base import utcnow
from services.scoring.feed.models import FeedEvent
from services.scoring.feed.payload import FeedAssessment, FeedContext, stored_payload
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import check_responses, score_checked
from services.scoring.instruments.questionnaire import ResponseStatus, to_questionnaire_response
from services.scoring.organisations.models import Organisation, Team
from services.scoring.people.access import person_visible_to
from services.scoring.people.free_text import flag_free_text
from services.scoring.people.models import Person


class Loaded:
    """An assessment with the person and team it belongs to."""

    def __init__(
        self, assessment: Assessment, person: Person, team: Team, organisation: Organisation
    ) -> None:
        self.assessment = assessment
        self.person = person
        self.team = team
        self.organisation = organisation


def with_context(assessment_id: uuid.UUID) -> Select[Assessment, Person, Team, Organisation]:
    """An assessment with the person, team and organisation it belongs to (a ``Loaded``)."""
    return (
        select(Assessment, Person, Team, Organisation)
        .join(Person, col(Person.id) == col(Assessment.person_id))
        .join(Team, col(Team.id) == col(Assessment.team_id))
        .join(Organisation, col(Organisation.id) == col(Team.organisation_id))
        .where(col(Assessment.id) == assessment_id)
    )


async def load_assessment(
    session: AsyncSession,
    principal: Principal,
    assessment_id: uuid.UUID,
    *,
    include_deleted: bool = False,
    for_update: bool = False,
) -> Loaded:
    query = with_context(assessment_id).where(person_visible_to(principal))
    if not include_deleted:
        query = query.where(col(Assessment.deleted_at).is_(None))
    if for_update:
        # Serialise concurrent writers on this row so the If-Match check cannot race.
        query = query.with_for_update(of=Assessment)
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound("No such assessment for the people on your teams' caseloads")
    return Loaded(*row)


async def load_for_change(
    session: AsyncSession,
    principal: Principal,
    request: Request,
    assessment_id: uuid.UUID,
    *,
    if_match: str | None,
    status: str,
    action: str,
) -> tuple[Loaded, InstrumentDefinition]:
    """Every change starts the same way: lock the row, check the caller's ETag, check the
    lifecycle allows it, and fetch the definition the assessment was started with."""
    loaded = await load_assessment(session, principal, assessment_id, for_update=True)
    check_if_match(if_match, loaded.assessment.version)
    require_status(loaded.assessment, status, action)
    return loaded, await definition_of(request, loaded.assessment)


def problems_as_fields(problems: Any, prefix: str) -> list[FieldProblem]:
    return [FieldProblem(field=f"{prefix}{p.field}", message=p.message) for p in problems]


def check_answers(
    defn: InstrumentDefinition, responses: dict[str, str], *, complete: bool, prefix: str
) -> None:
    problems = check_responses(defn, responses, require_complete=complete)
    if problems:
        what = "is not complete" if complete else "has answers we cannot accept"
        raise InvalidInput(f"The {defn.title} {what}", errors=problems_as_fields(problems, prefix))


def check_about_a_person(defn: InstrumentDefinition) -> None:
    """The board tools and HEAT assess an organisation or a project (organisational/)."""
    if defn.subject_type != "person":
        problem = FieldProblem(field="body.instrument", message="not an instrument for a person")
        raise InvalidInput(f"{defn.title} is not about a person", errors=[problem])


def check_episode(defn: InstrumentDefinition, episode_type: str, field: str) -> None:
    allowed = [e.code for e in defn.episode_types]
    if allowed and episode_type not in allowed:
        raise InvalidInput(
            f"Unknown episode type {episode_type!r}",
            errors=[FieldProblem(field=field, message=f"choose one of: {', '.join(allowed)}")],
        )


def check_assessed_on(person: Person, assessed_on: date, field: str = "body.assessed_on") -> None:
    """An assessment cannot predate its subject (and the feed's age would be negative)."""
    if assessed_on < person.birth_date:
        problem = FieldProblem(field=field, message="before the person's birth")
        raise InvalidInput(errors=[problem])


def flag_notes(notes: str | None, person: Person) -> list[dict[str, Any]]:
    if not notes:
        return []
    flags = flag_free_text(notes, subject_names=[person.given_name, person.family_name])
    return [dict(f.to_public_dict()) for f in flags]


def require_status(assessment: Assessment, status: str, action: str) -> None:
    if assessment.status != status:
        raise Conflict(
            f"Only a {status} assessment can be {action}; this one is {assessment.status}"
        )


async def definition_of(request: Request, assessment: Assessment) -> InstrumentDefinition:
    return await catalogue_of(request).get(
        assessment.instrument, assessment.variant, assessment.instrument_version
    )


def answers_with_values(defn: InstrumentDefinition, responses: dict[str, str]) -> dict[str, Any]:
    lookup = defn.lookup()
    return {
        item_id: {"code": code, "value": lookup.items[item_id].values.get(code)}
        for item_id, code in responses.items()
        if item_id in lookup.items
    }


async def publish(
    session: AsyncSession, request: Request, event: str, loaded: Loaded, defn: InstrumentDefinition
) -> None:
    """Write the pseudonymised feed event in the caller's transaction (outbox pattern)."""
    session.add(await feed_event(session, request, event, loaded, defn))


async def feed_event(
    session: AsyncSession,
    request: Request,
    event: str,
    loaded: Loaded,
    defn: InstrumentDefinition,
) -> FeedEvent:
    """The feed event for a change, to write with the change itself: what it says about
    the assessment, the person it is about and the context as of the assessment."""
    a, p, o = loaded.assessment, loaded.person, loaded.organisation
    context = FeedContext(
        organisation_code=o.ods_code,
        commissioner_code=o.parent_ods_code,
        team_code=loaded.team.code,
        age_years=await completed_years(session, p.birth_date, a.assessed_on),
        sex=p.sex,
        ethnic_category=p.ethnic_category,
        imd_decile=p.imd_decile,
        imd_vintage=p.imd_vintage,
    )
    return FeedEvent(
        event_type=event,
        payload=event_payload(request, event, a, defn),
        person_id=p.id,
        context=context.as_dict(),
    )


async def completed_years(session: AsyncSession, born: date, on: date) -> int | None:
    """Age on ``on`` by the database's ``completed_years``, the rule the hot path's
    statement uses too; None for a date a corrected date of birth has overtaken (the
    assessment's changes still reach the feed, without an age)."""
    if on < born:
        return None
    years: int | None = await session.scalar(select(func.completed_years(on, born)))
    return years


def event_payload(
    request: Request, event: str, a: Assessment, defn: InstrumentDefinition
) -> dict[str, Any]:
    """What a feed event says about the assessment (``feed.payload.stored_payload``)."""
    return stored_payload(
        feed_secret(request),
        event,
        FeedAssessment(
            assessment_id=str(a.id),
            revision=a.revision,
            instrument=a.instrument,
            variant=a.variant,
            instrument_version=a.instrument_version,
            episode_type=a.episode_type,
            assessed_on=a.assessed_on,
            submitted_at=a.submitted_at,
            answers=answers_with_values(defn, a.responses),
            scores=a.scores,
        ),
    )


def submit_revision(
    session: AsyncSession,
    principal: Principal,
    loaded: Loaded,
    defn: InstrumentDefinition,
    *,
    amend_reason: str | None,
) -> None:
    """Score the current answers and keep them as a new, immutable revision."""
    a = loaded.assessment
    changes = submission(
        defn, a.responses, revision=a.revision, version=a.version, by=principal.subject
    )
    for name, value in changes.items():
        setattr(a, name, value)
    session.add(revision_of(a, amend_reason=amend_reason))


def submission(
    defn: InstrumentDefinition, responses: dict[str, Any], *, revision: int, version: int, by: str
) -> dict[str, Any]:
    """What submitting changes on an assessment: scored, submitted, one more revision.
    ``responses`` have passed ``check_answers``."""
    now = utcnow()
    return {
        "scores": score_checked(defn, responses).as_dict(),
        "status": "submitted",
        "revision": revision + 1,
        "version": version + 1,
        "submitted_at": now,
        "updated_at": now,
        "updated_by": by,
    }


def revision_of(
    a: Assessment,
    *,
    amend_reason: str | None,
    build: Callable[..., AssessmentRevision] = AssessmentRevision,
) -> AssessmentRevision:
    """The immutable copy of a just-submitted assessment's current revision."""
    return build(
        assessment_id=a.id,
        revision=a.revision,
        instrument_version=a.instrument_version,
        episode_type=a.episode_type,
        assessed_on=a.assessed_on,
        responses=dict(a.responses),
        notes=a.notes,
        scores=a.scores,
        amend_reason=amend_reason,
        submitted_by=a.updated_by,
        submitted_at=a.submitted_at,
    )


def audit(
    session: AsyncSession,
    principal: Principal,
    request: Request,
    action: str,
    a: Assessment,
    **detail: Any,
) -> None:
    session.add(audit_entry(principal, request, action, a, **detail))


def audit_entry(
    principal: Principal,
    request: Request,
    action: str,
    a: Assessment,
    build: Callable[..., AuditEvent] = AuditEvent,
    **detail: Any,
) -> AuditEvent:
    return audit_event(
        principal,
        request,
        action=action,
        entity_type="assessment",
        entity_id=a.id,
        detail={"person_id": str(a.person_id), **detail},
        build=build,
    )


_READ_FIELDS = tuple(AssessmentRead.model_fields)


def assessment_json(a: Assessment, team_code: str) -> bytes:
    """The bytes of ``assessment_read(a, team_code).model_dump_json()`` (a test compares
    them) for a new row, without building the model: pydantic walks the scores' ``Any``
    values one by one, orjson in C. The answer of the hot path."""
    row = vars(a)
    values = {name: row.get(name) for name in _READ_FIELDS}
    values["team_code"] = team_code
    values["deleted"] = a.deleted_at is not None
    return orjson.dumps(values, option=orjson.OPT_UTC_Z)


def assessment_read(
    a: Assessment, team_code: str, recorded_by_name: str | None = None
) -> AssessmentRead:
    # Built from our own rows, so not validated again (the hot path answers with this).
    return AssessmentRead.model_construct(
        id=a.id,
        person_id=a.person_id,
        team_code=team_code,
        instrument=a.instrument,
        variant=a.variant,
        instrument_version=a.instrument_version,
        episode_type=a.episode_type,
        assessed_on=a.assessed_on,
        status=a.status,
        revision=a.revision,
        version=a.version,
        responses=a.responses,
        notes=a.notes,
        free_text_flags=[FreeTextFlagRead(**f) for f in a.free_text_flags],
        scores=a.scores,
        created_by=a.created_by,
        recorded_by_name=recorded_by_name,
        updated_at=a.updated_at,
        submitted_at=a.submitted_at,
        deleted=a.deleted_at is not None,
    )


def new_assessment(
    person_id: uuid.UUID,
    team_id: uuid.UUID | FromSource,
    defn: InstrumentDefinition,
    *,
    episode_type: str,
    assessed_on: date,
    responses: dict[str, str],
    notes: str | None,
    free_text_flags: list[dict[str, Any]],
    author: str,
    submit: bool,
    build: Callable[..., Assessment] = partial(detached, Assessment),
) -> Assessment:
    """A new assessment, as a draft or already submitted (scored). Detached by default:
    written with ``insert_rows``/``insert_rows_from`` and never changed in memory;
    ``build=Assessment`` for one added to a session."""
    values: dict[str, Any] = {
        "person_id": person_id,
        "team_id": team_id,
        "instrument": defn.instrument,
        "variant": defn.variant,
        "instrument_version": defn.version,
        "episode_type": episode_type,
        "assessed_on": assessed_on,
        "status": "draft",
        "responses": responses,
        "notes": notes,
        "free_text_flags": free_text_flags,
        "created_by": author,
        "updated_by": author,
    }
    if submit:
        values |= submission(defn, responses, revision=0, version=1, by=author)
    return build(**values)


def questionnaire_response(
    defn: InstrumentDefinition, a: Assessment, public_url: str
) -> dict[str, Any]:
    """The assessment as a FHIR R4 QuestionnaireResponse (the People API's export and the
    FHIR endpoint's read): a draft is in progress, a submission completed, and one amended
    since its first submission amended."""
    status: ResponseStatus = (
        "in-progress" if a.status == "draft" else ("amended" if a.revision > 1 else "completed")
    )
    return to_questionnaire_response(
        defn,
        base_url=public_url,
        assessment_id=str(a.id),
        subject_reference=f"Patient/{a.person_id}",
        authored=a.submitted_at or a.updated_at,
        status=status,
        responses=a.responses,
        episode_type=a.episode_type,
    )
