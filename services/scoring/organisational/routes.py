"""Organisational assessments (board tools, HEAT): create, read, list, edit a draft
(If-Match), submit, amend with a reason, revisions, soft delete and restore. The projects
HEAT assesses are in ``project_routes``. Access: ``organisational.access``."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import select
from sqlmodel import col

from services.common.auth import Principal, require
from services.common.database import Session
from services.common.errors import (
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    problem_responses,
)
from services.common.etag import IfMatch, check_if_match, etag_for
from services.common.input_rules import FreeText
from services.common.permissions import Permission
from services.scoring.app_state import catalogue_of, feed_secret
from services.scoring.db.base import utcnow
from services.scoring.organisational import service
from services.scoring.organisational.access import (
    Staff,
    may_change,
    may_read,
    readable_organisations,
)
from services.scoring.organisational.models import (
    OrganisationalAssessment,
    OrganisationalRevision,
)
from services.scoring.organisational.schemas import (
    ItemNote,
    OrganisationalAssessmentAmend,
    OrganisationalAssessmentCreate,
    OrganisationalAssessmentRead,
    OrganisationalAssessmentSummary,
    OrganisationalAssessmentUpdate,
    OrganisationalRevisionRead,
)
from services.scoring.organisations.models import Organisation

router = APIRouter(
    prefix="/api/scoring",
    tags=["organisational assessments"],
    responses=problem_responses(401, 403, 404, 422),
)
OrganisationAdmin = Annotated[Principal, Depends(require(Permission.organisation_admin))]
CHANGE = problem_responses(400, 409, 412, 413, 428)


def _respond(
    loaded: service.LoadedOrganisational, response: Response
) -> OrganisationalAssessmentRead:
    response.headers["ETag"] = etag_for(loaded.assessment.version)
    return service.read(loaded)


def _notes(notes: dict[str, ItemNote]) -> dict[str, dict[str, str | None]]:
    return {k: v.model_dump() for k, v in notes.items()}


@router.post(
    "/organisational-assessments",
    status_code=201,
    responses=problem_responses(400, 413),
    summary="Start an assessment of your organisation (board tools) or of one of its "
    "projects (HEAT), or record a complete one with submit=true",
)
async def create_organisational_assessment(
    body: OrganisationalAssessmentCreate,
    principal: Staff,
    session: Session,
    request: Request,
    response: Response,
    submit: Annotated[bool, Query(description="Validate, score and submit at once")] = False,
) -> OrganisationalAssessmentRead:
    defn = await catalogue_of(request).get(
        body.instrument, body.variant, body.version, field="body.instrument"
    )
    subject = "programme" if defn.subject_type == "programme" else "organisation"
    if subject == "programme":
        if body.project_id is None:
            raise InvalidInput(
                errors=[FieldProblem(field="body.project_id", message="name the project assessed")]
            )
        _, organisation = await service.load_project(
            session, principal, body.project_id, change=True
        )
    else:
        if body.project_id is not None:
            raise InvalidInput(
                errors=[
                    FieldProblem(
                        field="body.project_id", message="the board tools assess the organisation"
                    )
                ]
            )
        organisation = await service.own_organisation(session, principal)
        if not may_change(principal, organisation, "organisation"):
            raise Forbidden("Board assessments are for board members and administrators")
    service.check_episode(defn, body.episode_type, "body.episode_type")
    service.check_answers(defn, body.responses, complete=submit, prefix="body.")
    service.check_notes(defn, body.item_notes, "body.item_notes")
    a = OrganisationalAssessment(
        organisation_id=organisation.id,
        project_id=body.project_id,
        subject_type=subject,
        instrument=defn.instrument,
        variant=defn.variant,
        instrument_version=defn.version,
        episode_type=body.episode_type,
        assessed_on=body.assessed_on,
        review_due_on=service.review_due(body.assessed_on, body.review_in_months),
        status="draft",
        responses=dict(body.responses),
        item_notes=_notes(body.item_notes),
        created_by=principal.subject,
        updated_by=principal.subject,
    )
    session.add(a)
    await session.flush()
    loaded = service.LoadedOrganisational(a, organisation)
    if submit:
        service.submit_revision(session, principal, a, defn, amend_reason=None)
        service.publish(session, feed_secret(request), "assessment.submitted", loaded, defn)
    service.audit(session, principal, request, "submit" if submit else "create",
                  "organisational-assessment", a.id, instrument=a.instrument)  # fmt: skip
    response.status_code = 201
    return _respond(loaded, response)


@router.get(
    "/organisational-assessments",
    summary="Assessments you may read: your organisation's (or, for a commissioner, its "
    "trusts'), newest first",
)
async def list_organisational_assessments(
    principal: Staff,
    session: Session,
    instrument: Annotated[str | None, Query(max_length=64)] = None,
    organisation: Annotated[str | None, Query(max_length=12, description="ODS code")] = None,
    project_id: uuid.UUID | None = None,
) -> list[OrganisationalAssessmentSummary]:
    query = (
        select(OrganisationalAssessment, Organisation)
        .join(Organisation, col(Organisation.id) == col(OrganisationalAssessment.organisation_id))
        .where(
            readable_organisations(principal), col(OrganisationalAssessment.deleted_at).is_(None)
        )
        .order_by(
            col(OrganisationalAssessment.assessed_on).desc(),
            col(OrganisationalAssessment.created_at).desc(),
        )
        .limit(500)
    )
    if instrument is not None:
        query = query.where(col(OrganisationalAssessment.instrument) == instrument)
    if organisation is not None:
        query = query.where(col(Organisation.ods_code) == organisation)
    if project_id is not None:
        query = query.where(col(OrganisationalAssessment.project_id) == project_id)
    rows = (await session.execute(query)).tuples()
    return [
        service.summary(a, o.ods_code)
        for a, o in rows
        if may_read(principal, o, service.LoadedOrganisational(a, o).subject)
    ]


@router.get("/organisational-assessments/{assessment_id}", summary="One assessment")
async def get_organisational_assessment(
    assessment_id: uuid.UUID, principal: Staff, session: Session, response: Response
) -> OrganisationalAssessmentRead:
    return _respond(await service.load(session, principal, assessment_id), response)


@router.patch(
    "/organisational-assessments/{assessment_id}",
    responses=CHANGE,
    summary="Change a draft (If-Match required); answers and notes are merged",
)
async def update_organisational_assessment(
    assessment_id: uuid.UUID,
    body: OrganisationalAssessmentUpdate,
    principal: Staff,
    session: Session,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> OrganisationalAssessmentRead:
    loaded = await service.load(session, principal, assessment_id, change=True)
    a = loaded.assessment
    check_if_match(if_match, a.version)
    service.require_status(a, "draft", "edited (submitted ones are amended)")
    defn = await service.definition_of(catalogue_of(request), a)
    if "episode_type" in body.model_fields_set:
        service.check_episode(defn, body.episode_type, "body.episode_type")
        a.episode_type = body.episode_type
    if body.assessed_on is not None:
        a.assessed_on = body.assessed_on
    if body.review_in_months is not None:
        a.review_due_on = service.review_due(a.assessed_on, body.review_in_months)
    if body.responses is not None:
        merged = dict(a.responses)
        for item_id, code in body.responses.items():
            if code is None:
                merged.pop(item_id, None)
            else:
                merged[item_id] = code
        service.check_answers(defn, merged, complete=False, prefix="body.")
        a.responses = merged
    if body.item_notes is not None:
        service.check_notes(defn, body.item_notes, "body.item_notes")
        notes = dict(a.item_notes)
        for item_id, note in body.item_notes.items():
            if note is None:
                notes.pop(item_id, None)
            else:
                notes[item_id] = note.model_dump()
        a.item_notes = notes
    a.version += 1
    a.updated_at = utcnow()
    a.updated_by = principal.subject
    service.audit(session, principal, request, "update", "organisational-assessment", a.id)
    return _respond(loaded, response)


@router.post(
    "/organisational-assessments/{assessment_id}/submit",
    responses=problem_responses(409, 412, 428),
    summary="Check completeness, score with the recorded version and submit",
)
async def submit_organisational_assessment(
    assessment_id: uuid.UUID,
    principal: Staff,
    session: Session,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> OrganisationalAssessmentRead:
    loaded = await service.load(session, principal, assessment_id, change=True)
    a = loaded.assessment
    check_if_match(if_match, a.version)
    service.require_status(a, "draft", "submitted")
    defn = await service.definition_of(catalogue_of(request), a)
    service.check_answers(defn, a.responses, complete=True, prefix="")
    service.submit_revision(session, principal, a, defn, amend_reason=None)
    service.publish(session, feed_secret(request), "assessment.submitted", loaded, defn)
    service.audit(session, principal, request, "submit", "organisational-assessment", a.id)
    return _respond(loaded, response)


@router.post(
    "/organisational-assessments/{assessment_id}/amend",
    responses=CHANGE,
    summary="Amend a submitted assessment: a new revision with a reason; history is kept",
)
async def amend_organisational_assessment(
    assessment_id: uuid.UUID,
    body: OrganisationalAssessmentAmend,
    principal: Staff,
    session: Session,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> OrganisationalAssessmentRead:
    loaded = await service.load(session, principal, assessment_id, change=True)
    a = loaded.assessment
    check_if_match(if_match, a.version)
    service.require_status(a, "submitted", "amended")
    defn = await service.definition_of(catalogue_of(request), a)
    service.check_answers(defn, body.responses, complete=True, prefix="body.")
    if body.item_notes is not None:
        service.check_notes(defn, body.item_notes, "body.item_notes")
        a.item_notes = _notes(body.item_notes)
    if body.assessed_on is not None:
        a.assessed_on = body.assessed_on
    if body.review_in_months is not None:
        a.review_due_on = service.review_due(a.assessed_on, body.review_in_months)
    a.responses = dict(body.responses)
    service.submit_revision(session, principal, a, defn, amend_reason=body.reason)
    service.publish(session, feed_secret(request), "assessment.amended", loaded, defn)
    service.audit(session, principal, request, "amend", "organisational-assessment", a.id,
                  reason=body.reason)  # fmt: skip
    return _respond(loaded, response)


@router.get(
    "/organisational-assessments/{assessment_id}/revisions",
    summary="Every submitted revision, oldest first, with amendment reasons",
)
async def list_organisational_revisions(
    assessment_id: uuid.UUID, principal: Staff, session: Session
) -> list[OrganisationalRevisionRead]:
    await service.load(session, principal, assessment_id)
    rows = await session.execute(
        select(OrganisationalRevision)
        .where(col(OrganisationalRevision.assessment_id) == assessment_id)
        .order_by(col(OrganisationalRevision.revision))
    )
    return [
        OrganisationalRevisionRead.model_validate(r, from_attributes=True) for r in rows.scalars()
    ]


@router.delete(
    "/organisational-assessments/{assessment_id}",
    status_code=204,
    responses=problem_responses(412, 428),
    summary="Delete an assessment (soft: an organisation administrator can restore it)",
)
async def delete_organisational_assessment(
    assessment_id: uuid.UUID,
    principal: Staff,
    session: Session,
    request: Request,
    reason: Annotated[FreeText, Query(min_length=5, max_length=2000)],
    if_match: IfMatch = None,
) -> Response:
    loaded = await service.load(session, principal, assessment_id, change=True)
    a = loaded.assessment
    check_if_match(if_match, a.version)
    a.deleted_at = utcnow()
    a.deleted_by = principal.subject
    a.delete_reason = reason
    a.version += 1
    if a.status == "submitted":
        defn = await service.definition_of(catalogue_of(request), a)
        service.publish(session, feed_secret(request), "assessment.deleted", loaded, defn)
    service.audit(session, principal, request, "delete", "organisational-assessment", a.id,
                  reason=reason)  # fmt: skip
    return Response(status_code=204)


@router.post(
    "/organisational-assessments/{assessment_id}/restore",
    summary="Restore a deleted assessment (organisation administrators)",
)
async def restore_organisational_assessment(
    assessment_id: uuid.UUID,
    principal: OrganisationAdmin,
    session: Session,
    request: Request,
    response: Response,
) -> OrganisationalAssessmentRead:
    loaded = await service.load(
        session, principal, assessment_id, change=True, include_deleted=True
    )
    a = loaded.assessment
    if a.deleted_at is None:
        raise NotFound("No deleted assessment with this id in your organisation")
    a.deleted_at = None
    a.deleted_by = None
    a.version += 1
    if a.status == "submitted":
        defn = await service.definition_of(catalogue_of(request), a)
        service.publish(session, feed_secret(request), "assessment.restored", loaded, defn)
    service.audit(session, principal, request, "restore", "organisational-assessment", a.id)
    return _respond(loaded, response)
