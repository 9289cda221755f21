"""The board tools' own views: self-assessment results (maturity and suggested objectives),
progress over the years, the objectives library with what the board adopted, actions with
owners and due dates, and the assurance scorecard over time."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy import select
from sqlmodel import col

from services.common.database import Session
from services.common.errors import (
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    problem_responses,
)
from services.common.etag import IfMatch, check_if_match, etag_for
from services.scoring.app_state import catalogue_of
from services.scoring.db.base import utcnow
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import score
from services.scoring.organisational import service
from services.scoring.organisational.access import Staff, may_change, may_read
from services.scoring.organisational.board_results import (
    Objective,
    board_results,
    objectives_library,
    progress_by_year,
)
from services.scoring.organisational.models import (
    Action,
    AdoptedObjective,
    OrganisationalAssessment,
)
from services.scoring.organisational.schemas import (
    ActionCreate,
    ActionRead,
    ObjectiveAdopt,
    ObjectiveRead,
    ObjectiveUpdate,
)
from services.scoring.organisational.scorecard import scorecard
from services.scoring.organisations.models import Organisation
from services.scoring.organisations.repository import organisation_by_ods

router = APIRouter(
    prefix="/api/scoring",
    tags=["board tools"],
    responses=problem_responses(401, 403, 404, 422),
)
OdsCode = Annotated[str, Path(max_length=12, description="The trust's ODS code")]
SELF_ASSESSMENT = "board-self-assessment"
ASSURANCE = "board-assurance"


async def _board_organisation(
    session: Session, principal: Staff, ods_code: str, *, change: bool = False
) -> Organisation:
    organisation = await organisation_by_ods(session, ods_code)
    if organisation is None or not may_read(principal, organisation, "organisation"):
        raise NotFound(f"No board records of {ods_code} for you")
    if change and not may_change(principal, organisation, "organisation"):
        raise Forbidden("Only the organisation's board members and administrators change these")
    return organisation


async def _submitted(
    session: Session, organisation: Organisation, instrument: str
) -> list[OrganisationalAssessment]:
    rows = await session.execute(
        select(OrganisationalAssessment)
        .where(
            col(OrganisationalAssessment.organisation_id) == organisation.id,
            col(OrganisationalAssessment.instrument) == instrument,
            col(OrganisationalAssessment.status) == "submitted",
            col(OrganisationalAssessment.deleted_at).is_(None),
        )
        .order_by(
            col(OrganisationalAssessment.assessed_on), col(OrganisationalAssessment.submitted_at)
        )
    )
    return list(rows.scalars())


async def _definition(request: Request, a: OrganisationalAssessment) -> InstrumentDefinition:
    return await service.definition_of(catalogue_of(request), a)


@router.get(
    "/organisational-assessments/{assessment_id}/board-results",
    summary="Board self-assessment: score and maturity level per domain and overall, and "
    "the suggested objectives (priority ones for trusts starting out marked)",
)
async def get_board_results(
    assessment_id: uuid.UUID, principal: Staff, session: Session, request: Request
) -> dict[str, Any]:
    loaded = await service.load(session, principal, assessment_id)
    a = loaded.assessment
    if a.instrument != SELF_ASSESSMENT:
        raise NotFound("This assessment is not a board self-assessment")
    return board_results(await _definition(request, a), a.responses).as_dict()


@router.get(
    "/organisations/{ods_code}/board-self-assessment/progress",
    summary="Each year's domain maturity levels side by side (the latest submitted "
    "self-assessment of each calendar year)",
)
async def get_board_progress(
    ods_code: OdsCode, principal: Staff, session: Session, request: Request
) -> list[dict[str, Any]]:
    organisation = await _board_organisation(session, principal, ods_code)
    rows = []
    for a in await _submitted(session, organisation, SELF_ASSESSMENT):
        defn = await _definition(request, a)
        rows.append((str(a.id), a.assessed_on.isoformat(), defn, score(defn, a.responses)))
    return [year.as_dict() for year in progress_by_year(rows)]


@router.get(
    "/organisational-assessments/{assessment_id}/scorecard",
    summary="Board assurance scorecard at a glance: the 40 cells with ratings, evidence and "
    "action notes, roll-ups by key line of enquiry, by priority and overall",
)
async def get_scorecard(
    assessment_id: uuid.UUID, principal: Staff, session: Session, request: Request
) -> dict[str, Any]:
    loaded = await service.load(session, principal, assessment_id)
    a = loaded.assessment
    if a.instrument != ASSURANCE:
        raise NotFound("This assessment is not a board assurance scorecard")
    return scorecard(await _definition(request, a), a.responses, a.item_notes).as_dict()


@router.get(
    "/organisations/{ods_code}/board-assurance/scorecards",
    summary="The organisation's submitted scorecards over time (roll-ups only, oldest first)",
)
async def list_scorecards(
    ods_code: OdsCode, principal: Staff, session: Session, request: Request
) -> list[dict[str, Any]]:
    organisation = await _board_organisation(session, principal, ods_code)
    found = []
    for a in await _submitted(session, organisation, ASSURANCE):
        card = scorecard(await _definition(request, a), a.responses, {})
        found.append(
            {
                "assessment_id": str(a.id),
                "assessed_on": a.assessed_on.isoformat(),
                "instrument_version": a.instrument_version,
                "rows": [r.as_dict() for r in card.rows],
                "columns": [c.as_dict() for c in card.columns],
                "overall": card.overall.as_dict(),
            }
        )
    return found


# --- Objectives ------------------------------------------------------------------------------


async def _library(request: Request) -> tuple[InstrumentDefinition, dict[str, Objective]]:
    defn = await catalogue_of(request).get(SELF_ASSESSMENT, "standard", None)
    return defn, {o.ref: o for o in objectives_library(defn)}


def _objective_read(
    row: AdoptedObjective, library: dict[str, Objective], actions: list[Action]
) -> ObjectiveRead:
    known = library.get(row.ref)
    return ObjectiveRead(
        id=row.id,
        ref=row.ref,
        text=known.text if known else row.ref,
        domain=row.domain,
        board_role=row.board_role,
        priority=known.priority if known else False,
        status=row.status,
        source_assessment_id=row.source_assessment_id,
        adopted_at=row.adopted_at,
        version=row.version,
        actions=[service.action_read(a) for a in actions],
    )


@router.get(
    "/organisations/{ods_code}/objectives",
    summary="The objectives library, and the objectives the board adopted with their actions",
)
async def list_objectives(
    ods_code: OdsCode, principal: Staff, session: Session, request: Request
) -> dict[str, Any]:
    organisation = await _board_organisation(session, principal, ods_code)
    _, library = await _library(request)
    adopted = list(
        (
            await session.execute(
                select(AdoptedObjective)
                .where(col(AdoptedObjective.organisation_id) == organisation.id)
                .order_by(col(AdoptedObjective.adopted_at))
            )
        ).scalars()
    )
    actions = list(
        (
            await session.execute(
                select(Action)
                .where(
                    col(Action.organisation_id) == organisation.id,
                    col(Action.objective_id).is_not(None),
                )
                .order_by(col(Action.due_on), col(Action.created_at))
            )
        ).scalars()
    )
    return {
        "library": [o.as_dict() for o in library.values()],
        "adopted": [
            _objective_read(
                row, library, [a for a in actions if a.objective_id == row.id]
            ).model_dump(mode="json")
            for row in adopted
        ],
    }


@router.post(
    "/organisations/{ods_code}/objectives",
    status_code=201,
    responses=problem_responses(400, 409, 413),
    summary="Adopt an objective from the library, assigned to a board role",
)
async def adopt_objective(
    ods_code: OdsCode,
    body: ObjectiveAdopt,
    principal: Staff,
    session: Session,
    request: Request,
    response: Response,
) -> ObjectiveRead:
    organisation = await _board_organisation(session, principal, ods_code, change=True)
    defn, library = await _library(request)
    objective = library.get(body.ref)
    if objective is None:
        raise InvalidInput(
            errors=[FieldProblem(field="body.ref", message="not an objective of the library")]
        )
    if body.source_assessment_id is not None:
        source = await service.load(session, principal, body.source_assessment_id)
        if (
            source.organisation.id != organisation.id
            or source.assessment.instrument != SELF_ASSESSMENT
        ):
            raise InvalidInput(
                errors=[
                    FieldProblem(
                        field="body.source_assessment_id",
                        message="not a board self-assessment of this organisation",
                    )
                ]
            )
    role = body.board_role or objective.board_role or "board"
    row = AdoptedObjective(
        organisation_id=organisation.id,
        instrument_version=defn.version,
        ref=objective.ref,
        domain=objective.domain,
        board_role=role,
        status="adopted",
        source_assessment_id=body.source_assessment_id,
        adopted_by=principal.subject,
    )
    session.add(row)
    await session.flush()
    service.audit(session, principal, request, "adopt", "objective", row.id, ref=row.ref)
    response.headers["ETag"] = etag_for(row.version)
    return _objective_read(row, library, [])


async def _load_objective(
    session: Session, principal: Staff, objective_id: uuid.UUID, *, change: bool
) -> tuple[AdoptedObjective, Organisation]:
    row = (
        await session.execute(
            select(AdoptedObjective, Organisation)
            .join(Organisation, col(Organisation.id) == col(AdoptedObjective.organisation_id))
            .where(col(AdoptedObjective.id) == objective_id)
        )
    ).first()
    if row is None or not may_read(principal, row[1], "organisation"):
        raise NotFound("No such objective for your organisation")
    if change and not may_change(principal, row[1], "organisation"):
        raise Forbidden("Only the organisation's board members and administrators change these")
    return row[0], row[1]


@router.patch(
    "/objectives/{objective_id}",
    responses=problem_responses(400, 412, 413, 428),
    summary="Reassign an adopted objective or record its progress (If-Match required)",
)
async def update_objective(
    objective_id: uuid.UUID,
    body: ObjectiveUpdate,
    principal: Staff,
    session: Session,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> ObjectiveRead:
    row, _ = await _load_objective(session, principal, objective_id, change=True)
    check_if_match(if_match, row.version)
    if body.board_role is not None:
        row.board_role = body.board_role
    if body.status is not None:
        row.status = body.status
    row.version += 1
    row.updated_at = utcnow()
    service.audit(session, principal, request, "update", "objective", row.id)
    _, library = await _library(request)
    response.headers["ETag"] = etag_for(row.version)
    return _objective_read(row, library, [])


@router.post(
    "/objectives/{objective_id}/actions",
    status_code=201,
    responses=problem_responses(400, 413),
    summary="Turn an adopted objective into an action with an owner and a due date",
)
async def create_objective_action(
    objective_id: uuid.UUID,
    body: ActionCreate,
    principal: Staff,
    session: Session,
    request: Request,
    response: Response,
) -> ActionRead:
    row, organisation = await _load_objective(session, principal, objective_id, change=True)
    action = Action(
        organisation_id=organisation.id,
        objective_id=row.id,
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
