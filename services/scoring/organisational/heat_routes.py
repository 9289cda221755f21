"""HEAT: a project's stages, its actions with owners and due dates, the tracking of every
action of an organisation, and the audit of HEAT use and impact across its projects."""

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import func, select
from sqlmodel import col

from services.common.database import Session
from services.common.errors import Forbidden, NotFound, problem_responses
from services.common.etag import IfMatch, check_if_match, etag_for
from services.common.pagination import Page, decode_cursor, encode_cursor
from services.scoring.app_state import catalogue_of
from services.scoring.db.base import utcnow
from services.scoring.organisational import repository, service
from services.scoring.organisational.access import (
    Staff,
    SubjectType,
    may_change,
    may_read,
    readable_subjects,
)
from services.scoring.organisational.heat import ActionFact, HeatAssessment, heat_audit, stages
from services.scoring.organisational.models import Action, OrganisationalAssessment, Project
from services.scoring.organisational.schemas import ActionCreate, ActionRead, ActionUpdate
from services.scoring.organisations.models import Organisation
from services.scoring.organisations.repository import organisation_by_ods

router = APIRouter(
    prefix="/api/scoring", tags=["heat"], responses=problem_responses(401, 403, 404, 422)
)
OdsCode = Annotated[str, Path(max_length=12, description="The organisation's ODS code")]


@router.get(
    "/organisational-assessments/{assessment_id}/stages",
    summary="HEAT: how far each stage went (prompts answered, not yet done, completed)",
)
async def get_heat_stages(
    assessment_id: uuid.UUID, principal: Staff, session: Session, request: Request
) -> list[dict[str, Any]]:
    loaded = await service.load(session, principal, assessment_id)
    a = loaded.assessment
    if a.instrument != "heat":
        raise NotFound("This assessment is not a HEAT assessment")
    defn = await service.definition_of(catalogue_of(request), a)
    return [s.as_dict() for s in stages(defn, a.responses)]


@router.post(
    "/organisational-assessments/{assessment_id}/actions",
    status_code=201,
    responses=problem_responses(400, 413),
    summary="HEAT: an action to reduce the inequalities found, with an owner and a due date",
)
async def create_heat_action(
    assessment_id: uuid.UUID,
    body: ActionCreate,
    principal: Staff,
    session: Session,
    request: Request,
    response: Response,
) -> ActionRead:
    loaded = await service.load(session, principal, assessment_id, change=True)
    if loaded.assessment.instrument != "heat":
        raise NotFound("This assessment is not a HEAT assessment")
    action = Action(
        organisation_id=loaded.organisation.id,
        assessment_id=loaded.assessment.id,
        description=body.description,
        owner=body.owner,
        due_on=body.due_on,
        status="open",
        created_by=principal.subject,
    )
    session.add(action)
    await session.flush()
    service.audit(session, principal, request, "create", "action", action.id)
    response.headers["ETag"] = etag_for(action.version)
    return service.action_read(action)


async def _load_action(
    session: Session, principal: Staff, action_id: uuid.UUID
) -> tuple[Action, Organisation, SubjectType]:
    row = (
        await session.execute(
            select(Action, Organisation)
            .join(Organisation, col(Organisation.id) == col(Action.organisation_id))
            .where(col(Action.id) == action_id)
            .with_for_update(of=Action)
        )
    ).first()
    if row is None:
        raise NotFound("No such action for your organisation")
    action, organisation = row
    subject: SubjectType = "organisation" if action.objective_id is not None else "programme"
    if not may_read(principal, organisation, subject):
        raise NotFound("No such action for your organisation")
    if not may_change(principal, organisation, subject):
        raise Forbidden("You may read this action but not change it")
    return action, organisation, subject


@router.patch(
    "/actions/{action_id}",
    responses=problem_responses(400, 412, 413, 428),
    summary="Track an action: its status (done records the date), owner or due date "
    "(If-Match required)",
)
async def update_action(
    action_id: uuid.UUID,
    body: ActionUpdate,
    principal: Staff,
    session: Session,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> ActionRead:
    action, _, _ = await _load_action(session, principal, action_id)
    check_if_match(if_match, action.version)
    if body.description is not None:
        action.description = body.description
    if body.owner is not None:
        action.owner = body.owner
    if body.due_on is not None:
        action.due_on = body.due_on
    if body.status is not None and body.status != action.status:
        action.status = body.status
        action.done_on = date.today() if body.status == "done" else None
    action.version += 1
    action.updated_at = utcnow()
    service.audit(session, principal, request, "update", "action", action.id)
    response.headers["ETag"] = etag_for(action.version)
    return service.action_read(action)


@router.get(
    "/organisations/{ods_code}/actions",
    summary="The actions of the organisation you may read (objectives and HEAT), by due date, "
    "a page at a time",
)
async def list_actions(
    ods_code: OdsCode,
    principal: Staff,
    session: Session,
    cursor: Annotated[str | None, Query(description="next_cursor of the page before")] = None,
    limit: Annotated[int, Query(ge=1, le=repository.PAGE_MAX)] = 100,
) -> Page[ActionRead]:
    after = decode_cursor(cursor, repository.ActionsPosition)
    organisation = await organisation_by_ods(session, ods_code)
    if organisation is None:
        raise NotFound(f"No actions of {ods_code} for you")
    subjects = readable_subjects(principal, organisation)
    if not subjects:
        raise NotFound(f"No actions of {ods_code} for you")
    rows, last = await repository.actions_page(session, organisation.id, subjects, after, limit)
    return Page(
        items=[service.action_read(a) for a in rows],
        next_cursor=encode_cursor(last) if last is not None else None,
    )


@router.get(
    "/organisations/{ods_code}/heat-audit",
    summary="Audit of HEAT use and impact across the organisation's projects and programmes",
)
async def get_heat_audit(
    ods_code: OdsCode, principal: Staff, session: Session, request: Request
) -> dict[str, Any]:
    organisation = await organisation_by_ods(session, ods_code)
    if organisation is None or not may_read(principal, organisation, "programme"):
        raise NotFound(f"No HEAT records of {ods_code} for you")
    projects = await session.scalar(
        select(func.count())
        .select_from(Project)
        .where(col(Project.organisation_id) == organisation.id)
    )
    rows = (
        await session.execute(
            select(OrganisationalAssessment)
            .where(
                col(OrganisationalAssessment.organisation_id) == organisation.id,
                col(OrganisationalAssessment.instrument).in_(["heat", "heat-audit"]),
                col(OrganisationalAssessment.deleted_at).is_(None),
            )
            .order_by(
                col(OrganisationalAssessment.assessed_on),
                col(OrganisationalAssessment.created_at),
            )
        )
    ).scalars()

    def fact(a: OrganisationalAssessment) -> HeatAssessment:
        return HeatAssessment(
            project_key=str(a.project_id),
            status=a.status,
            episode_type=a.episode_type,
            assessed_on=a.assessed_on,
            review_due_on=a.review_due_on,
            responses=a.responses,
        )

    found = list(rows)
    actions = (
        await session.execute(
            select(col(Action.status), col(Action.due_on)).where(
                col(Action.organisation_id) == organisation.id,
                col(Action.assessment_id).is_not(None),
            )
        )
    ).tuples()
    catalogue = catalogue_of(request)
    return heat_audit(
        await catalogue.get("heat", "standard", None),
        await catalogue.get("heat-audit", "standard", None),
        projects=int(projects or 0),
        assessments=[fact(a) for a in found if a.instrument == "heat"],
        actions=[ActionFact(status, due_on) for status, due_on in actions],
        audit_returns=[fact(a) for a in found if a.instrument == "heat-audit"],
        today=date.today(),
    ).as_dict()
