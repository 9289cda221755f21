"""The lifecycle of an organisational assessment, as a person's (decision 0004): draft ->
submitted (scored, immutable) -> amended (a new revision with a reason); soft delete,
restored by an administrator. Every change writes its audit entry, and every change the feed
must know about its feed event, in the same transaction."""

import calendar
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.common.auth import Principal
from services.common.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from services.scoring.assessments.service import check_answers, problems_as_fields
from services.scoring.audit.service import audit_event
from services.scoring.db.base import utcnow
from services.scoring.instruments.catalogue import Catalogue
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import score_checked
from services.scoring.organisational.access import SubjectType, may_change, may_read
from services.scoring.organisational.models import (
    Action,
    OrganisationalAssessment,
    OrganisationalFeedEvent,
    OrganisationalRevision,
    Project,
)
from services.scoring.organisational.schemas import (
    ActionRead,
    ItemNote,
    OrganisationalAssessmentRead,
    OrganisationalAssessmentSummary,
)
from services.scoring.organisations.models import Organisation
from services.scoring.organisations.repository import ensure_organisation

ORGANISATIONAL_FEED_SCHEMA = 1
__all__ = ["check_answers", "problems_as_fields"]


@dataclass
class LoadedOrganisational:
    assessment: OrganisationalAssessment
    organisation: Organisation

    @property
    def subject(self) -> SubjectType:
        return "programme" if self.assessment.subject_type == "programme" else "organisation"


async def load(
    session: AsyncSession,
    principal: Principal,
    assessment_id: uuid.UUID,
    *,
    change: bool = False,
    include_deleted: bool = False,
) -> LoadedOrganisational:
    """The assessment if the caller may read it (404 otherwise: another organisation's looks
    like none); with ``change``, locked, and 403 for a reader who may not change it."""
    query = (
        select(OrganisationalAssessment, Organisation)
        .join(Organisation, col(Organisation.id) == col(OrganisationalAssessment.organisation_id))
        .where(col(OrganisationalAssessment.id) == assessment_id)
    )
    if not include_deleted:
        query = query.where(col(OrganisationalAssessment.deleted_at).is_(None))
    if change:
        query = query.with_for_update(of=OrganisationalAssessment)
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound("No such assessment for your organisation")
    loaded = LoadedOrganisational(*row)
    if not may_read(principal, loaded.organisation, loaded.subject):
        raise NotFound("No such assessment for your organisation")
    if change and not may_change(principal, loaded.organisation, loaded.subject):
        raise Forbidden("You may read this assessment but not change it")
    return loaded


async def own_organisation(session: AsyncSession, principal: Principal) -> Organisation:
    """The organisation of the caller's selected role, recorded on first use."""
    if principal.organisation_code is None:
        raise Forbidden("Your selected role names no organisation")
    return await ensure_organisation(
        session, principal.organisation_code, principal.organisation_name
    )


async def load_project(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, *, change: bool = False
) -> tuple[Project, Organisation]:
    query = (
        select(Project, Organisation)
        .join(Organisation, col(Organisation.id) == col(Project.organisation_id))
        .where(col(Project.id) == project_id)
    )
    if change:
        query = query.with_for_update(of=Project)
    row = (await session.execute(query)).first()
    if row is None or not may_read(principal, row[1], "programme"):
        raise NotFound("No such project or programme for your organisation")
    if change and not may_change(principal, row[1], "programme"):
        raise Forbidden("You may read this project but not change it")
    return row[0], row[1]


def require_status(a: OrganisationalAssessment, status: str, action: str) -> None:
    if a.status != status:
        raise Conflict(f"Only a {status} assessment can be {action}; this one is {a.status}")


async def definition_of(catalogue: Catalogue, a: OrganisationalAssessment) -> InstrumentDefinition:
    return await catalogue.get(a.instrument, a.variant, a.instrument_version)


def check_episode(defn: InstrumentDefinition, episode_type: str | None, field: str) -> None:
    allowed = [e.code for e in defn.episode_types]
    if episode_type is not None and episode_type not in allowed:
        message = f"choose one of: {', '.join(allowed)}" if allowed else "this instrument has none"
        raise InvalidInput(
            f"Unknown episode type {episode_type!r}",
            errors=[FieldProblem(field=field, message=message)],
        )


def check_notes(defn: InstrumentDefinition, notes: dict[str, Any], field: str) -> None:
    unknown = [item_id for item_id in notes if item_id not in defn.lookup().items]
    if unknown:
        raise InvalidInput(
            errors=[
                FieldProblem(field=f"{field}.{i}", message=f"not an item of {defn.label}")
                for i in unknown
            ]
        )


def review_due(assessed_on: date, months: int | None) -> date | None:
    """``months`` calendar months on (HEAT: review 6-12 months after); the 31st of a month
    becomes the last day of a shorter one."""
    if months is None:
        return None
    index = assessed_on.month - 1 + months
    year, month = assessed_on.year + index // 12, index % 12 + 1
    return date(year, month, min(assessed_on.day, calendar.monthrange(year, month)[1]))


def submit_revision(
    session: AsyncSession,
    principal: Principal,
    a: OrganisationalAssessment,
    defn: InstrumentDefinition,
    *,
    amend_reason: str | None,
) -> None:
    """Score the current answers (checked complete) and keep them as a new revision."""
    now = utcnow()
    a.scores = score_checked(defn, a.responses).as_dict()
    a.status = "submitted"
    a.revision += 1
    a.version += 1
    a.submitted_at = now
    a.updated_at = now
    a.updated_by = principal.subject
    session.add(
        OrganisationalRevision(
            assessment_id=a.id,
            revision=a.revision,
            instrument_version=a.instrument_version,
            assessed_on=a.assessed_on,
            responses=dict(a.responses),
            item_notes=dict(a.item_notes),
            scores=a.scores,
            amend_reason=amend_reason,
            submitted_by=principal.subject,
            submitted_at=now,
        )
    )


def pseudonym(secret: bytes, kind: str, value: uuid.UUID | None) -> str | None:
    """A stable key for an assessment or project, so the feed carries no row ids."""
    if value is None:
        return None
    return f"{kind[:2]}_" + hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def publish(
    session: AsyncSession,
    secret: bytes,
    event: str,
    loaded: LoadedOrganisational,
    defn: InstrumentDefinition,
) -> None:
    """The organisational feed's event (decision 0030): codes, dates, answer codes and
    values, scores. No notes, no project name or description, nobody's id."""
    a, o = loaded.assessment, loaded.organisation
    lookup = defn.lookup()
    session.add(
        OrganisationalFeedEvent(
            event_type=event,
            payload={
                "schema_version": ORGANISATIONAL_FEED_SCHEMA,
                "event": event,
                "subject_type": a.subject_type,
                "assessment_key": pseudonym(secret, "organisational-assessment", a.id),
                "project_key": pseudonym(secret, "project", a.project_id),
                "revision": a.revision,
                "organisation_code": o.ods_code,
                "commissioner_code": o.parent_ods_code,
                "instrument": a.instrument,
                "variant": a.variant,
                "instrument_version": a.instrument_version,
                "episode_type": a.episode_type,
                "assessed_on": a.assessed_on.isoformat(),
                "review_due_on": a.review_due_on.isoformat() if a.review_due_on else None,
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "answers": {
                    item_id: {"code": code, "value": lookup.items[item_id].values.get(code)}
                    for item_id, code in a.responses.items()
                    if item_id in lookup.items
                },
                "scores": a.scores,
            },
        )
    )


def audit(
    session: AsyncSession,
    principal: Principal,
    request: Any,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID,
    **detail: Any,
) -> None:
    session.add(
        audit_event(
            principal,
            request,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            detail=detail or None,
        )
    )


def read(loaded: LoadedOrganisational) -> OrganisationalAssessmentRead:
    a = loaded.assessment
    return OrganisationalAssessmentRead(
        id=a.id,
        organisation_code=loaded.organisation.ods_code,
        subject_type=a.subject_type,
        project_id=a.project_id,
        instrument=a.instrument,
        variant=a.variant,
        instrument_version=a.instrument_version,
        episode_type=a.episode_type,
        assessed_on=a.assessed_on,
        review_due_on=a.review_due_on,
        status=a.status,
        revision=a.revision,
        version=a.version,
        responses=a.responses,
        item_notes={k: ItemNote.model_validate(v) for k, v in a.item_notes.items()},
        scores=a.scores,
        created_by=a.created_by,
        updated_at=a.updated_at,
        submitted_at=a.submitted_at,
        deleted=a.deleted_at is not None,
    )


def summary(a: OrganisationalAssessment, organisation_code: str) -> OrganisationalAssessmentSummary:
    return OrganisationalAssessmentSummary(
        id=a.id,
        organisation_code=organisation_code,
        subject_type=a.subject_type,
        project_id=a.project_id,
        instrument=a.instrument,
        instrument_version=a.instrument_version,
        assessed_on=a.assessed_on,
        review_due_on=a.review_due_on,
        status=a.status,
        revision=a.revision,
    )


def action_read(action: Action) -> ActionRead:
    return ActionRead(
        id=action.id,
        objective_id=action.objective_id,
        assessment_id=action.assessment_id,
        description=action.description,
        owner=action.owner,
        due_on=action.due_on,
        status=action.status,
        done_on=action.done_on,
        overdue=action.status != "done" and action.due_on < date.today(),
        version=action.version,
    )
