"""Assessments over time: draft, edit (If-Match), submit, amend, soft delete and restore,
history, the person's profile, and the FHIR QuestionnaireResponse export."""

import uuid
from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy import select
from sqlmodel import col

from services.common.auth import Principal, require
from services.common.database import Session
from services.common.direct import direct_connection
from services.common.errors import NotFound, problem_responses
from services.common.etag import IfMatch, check_if_match, etag_for
from services.common.idempotency import idempotent, keyed_transaction
from services.common.input_rules import FreeText
from services.common.permissions import Permission
from services.scoring.app_state import catalogue_of
from services.scoring.assessments import service
from services.scoring.assessments.models import Assessment, AssessmentRevision
from services.scoring.assessments.profile import build_profile, summary
from services.scoring.assessments.record import record_assessment
from services.scoring.assessments.schemas import (
    AssessmentAmend,
    AssessmentCreate,
    AssessmentRead,
    AssessmentUpdate,
    PersonAssessments,
    RevisionRead,
)
from services.scoring.assessments.service import Loaded, load_assessment
from services.scoring.audit.refusals import AuditedRoute
from services.scoring.db.base import utcnow
from services.scoring.organisations.models import Organisation
from services.scoring.organisations.repository import staff_name
from services.scoring.people.access import CurrentPerson

router = APIRouter(
    prefix="/api/scoring",
    tags=["assessments"],
    responses=problem_responses(401, 403, 404),
    route_class=AuditedRoute,
)
Reader = Annotated[Principal, Depends(require(Permission.assessment_read))]
Writer = Annotated[Principal, Depends(require(Permission.assessment_write))]
OrganisationAdmin = Annotated[Principal, Depends(require(Permission.organisation_admin))]
CHANGE = problem_responses(409, 412, 422, 428)
# A body that is not UTF-8 JSON (400), or larger than the gateway takes (413).
BODY = problem_responses(400, 413)


def _respond(loaded: Loaded, response: Response) -> AssessmentRead:
    response.headers["ETag"] = etag_for(loaded.assessment.version)
    return service.assessment_read(loaded.assessment, loaded.team.code)


@router.post(
    "/people/{person_id}/assessments",
    status_code=201,
    response_model=AssessmentRead,
    responses=problem_responses(400, 413, 422),
    summary="Start an assessment (a draft), or record a complete one with submit=true",
)
@idempotent
async def create_assessment(
    person_id: Annotated[uuid.UUID, Path(description="Person id")],
    body: AssessmentCreate,
    principal: Writer,
    request: Request,
    submit: Annotated[bool, Query(description="Validate, score and submit at once")] = False,
) -> Response:
    # The hot path of data entry: checks in memory, then one statement (assessments.record).
    catalogue = catalogue_of(request)
    defn = await catalogue.get(body.instrument, body.variant, body.version, field="body.instrument")
    service.check_about_a_person(defn)
    service.check_episode(defn, body.episode_type, "body.episode_type")
    service.check_answers(defn, body.responses, complete=submit, prefix="body.")
    engine = request.app.state.engine
    async with (
        direct_connection(engine) as connection,
        keyed_transaction(request, connection) as keep,
    ):
        assessment, team_code = await record_assessment(
            connection, principal, request, person_id, body, defn, submit=submit
        )
        response = Response(
            content=service.assessment_json(assessment, team_code),
            status_code=201,
            media_type="application/json",
            headers={"ETag": etag_for(assessment.version)},
        )
        await keep(response)  # with an Idempotency-Key, in the same transaction
    return response


@router.get(
    "/people/{person_id}/assessments",
    summary="A person's assessments, with their profile and change over time",
)
async def list_assessments(
    person: CurrentPerson, _: Reader, session: Session, request: Request
) -> PersonAssessments:
    rows = (
        (
            await session.execute(
                select(Assessment)
                .where(col(Assessment.person_id) == person.id, col(Assessment.deleted_at).is_(None))
                .order_by(
                    col(Assessment.instrument),
                    col(Assessment.variant),
                    col(Assessment.assessed_on),
                    col(Assessment.created_at),
                )
            )
        )
        .scalars()
        .all()
    )
    catalogue = catalogue_of(request)
    profiles = []
    submitted = [a for a in rows if a.status == "submitted"]
    for (instrument, variant), group in groupby(submitted, key=lambda a: (a.instrument, a.variant)):
        ordered = list(group)
        defn = await catalogue.get(instrument, variant, ordered[-1].instrument_version)
        profiles.append(build_profile(defn, ordered))
    return PersonAssessments(assessments=[summary(a) for a in rows], profiles=profiles)


@router.get("/assessments/{assessment_id}", summary="One assessment")
async def get_assessment(
    assessment_id: uuid.UUID,
    principal: Reader,
    session: Session,
    request: Request,
    response: Response,
) -> AssessmentRead:
    loaded = await load_assessment(session, principal, assessment_id)
    service.audit(session, principal, request, "read", loaded.assessment)
    response.headers["ETag"] = etag_for(loaded.assessment.version)
    name = await staff_name(session, loaded.assessment.created_by, loaded.team)
    return service.assessment_read(loaded.assessment, loaded.team.code, name)


@router.patch(
    "/assessments/{assessment_id}",
    responses={**CHANGE, **BODY},
    summary="Change a draft (If-Match required)",
)
async def update_assessment(
    assessment_id: uuid.UUID,
    body: AssessmentUpdate,
    principal: Writer,
    session: Session,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> AssessmentRead:
    loaded, defn = await service.load_for_change(
        session, principal, request, assessment_id, if_match=if_match,
        status="draft", action="edited (submitted ones are amended)",
    )  # fmt: skip
    a = loaded.assessment
    if body.episode_type is not None:
        service.check_episode(defn, body.episode_type, "body.episode_type")
        a.episode_type = body.episode_type
    if body.assessed_on is not None:
        service.check_assessed_on(loaded.person, body.assessed_on)
        a.assessed_on = body.assessed_on
    if body.responses is not None:
        merged = dict(a.responses)
        for item_id, code in body.responses.items():
            if code is None:
                merged.pop(item_id, None)
            else:
                merged[item_id] = code
        service.check_answers(defn, merged, complete=False, prefix="body.")
        a.responses = merged
    if "notes" in body.model_fields_set:
        a.notes = body.notes
        a.free_text_flags = service.flag_notes(body.notes, loaded.person)
    a.version += 1
    a.updated_at = utcnow()
    a.updated_by = principal.subject
    service.audit(session, principal, request, "update", a)
    return _respond(loaded, response)


@router.post(
    "/assessments/{assessment_id}/submit",
    responses=CHANGE,
    summary="Check completeness, score with the recorded version and submit",
)
@idempotent
async def submit_assessment(
    assessment_id: uuid.UUID,
    principal: Writer,
    session: Session,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> AssessmentRead:
    loaded, defn = await service.load_for_change(
        session, principal, request, assessment_id, if_match=if_match,
        status="draft", action="submitted",
    )  # fmt: skip
    a = loaded.assessment
    service.check_answers(defn, a.responses, complete=True, prefix="")
    service.submit_revision(session, principal, loaded, defn, amend_reason=None)
    await service.publish(session, request, "assessment.submitted", loaded, defn)
    service.audit(session, principal, request, "submit", a)
    return _respond(loaded, response)


@router.post(
    "/assessments/{assessment_id}/amend",
    responses={**CHANGE, **BODY},
    summary="Amend a submitted assessment: a new revision with a reason; history is kept",
)
async def amend_assessment(
    assessment_id: uuid.UUID,
    body: AssessmentAmend,
    principal: Writer,
    session: Session,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> AssessmentRead:
    loaded, defn = await service.load_for_change(
        session, principal, request, assessment_id, if_match=if_match,
        status="submitted", action="amended",
    )  # fmt: skip
    a = loaded.assessment
    service.check_answers(defn, body.responses, complete=True, prefix="body.")
    if body.episode_type is not None:
        service.check_episode(defn, body.episode_type, "body.episode_type")
        a.episode_type = body.episode_type
    if body.assessed_on is not None:
        service.check_assessed_on(loaded.person, body.assessed_on)
        a.assessed_on = body.assessed_on
    if "notes" in body.model_fields_set:
        a.notes = body.notes
        a.free_text_flags = service.flag_notes(body.notes, loaded.person)
    a.responses = dict(body.responses)
    service.submit_revision(session, principal, loaded, defn, amend_reason=body.reason)
    await service.publish(session, request, "assessment.amended", loaded, defn)
    service.audit(session, principal, request, "amend", a, reason=body.reason)
    return _respond(loaded, response)


@router.get(
    "/assessments/{assessment_id}/revisions",
    summary="Every submitted revision, oldest first, with amendment reasons",
)
async def list_revisions(
    assessment_id: uuid.UUID, principal: Reader, session: Session, request: Request
) -> list[RevisionRead]:
    loaded = await load_assessment(session, principal, assessment_id)
    rows = await session.execute(
        select(AssessmentRevision)
        .where(col(AssessmentRevision.assessment_id) == assessment_id)
        .order_by(col(AssessmentRevision.revision))
    )
    service.audit(session, principal, request, "read-history", loaded.assessment)
    return [RevisionRead.model_validate(r, from_attributes=True) for r in rows.scalars()]


@router.delete(
    "/assessments/{assessment_id}",
    status_code=204,
    responses=problem_responses(412, 422, 428),
    summary="Delete an assessment (soft: an organisation administrator can restore it)",
)
async def delete_assessment(
    assessment_id: uuid.UUID,
    principal: Writer,
    session: Session,
    request: Request,
    reason: Annotated[FreeText, Query(min_length=5, max_length=2000)],
    if_match: IfMatch = None,
) -> Response:
    loaded = await load_assessment(session, principal, assessment_id, for_update=True)
    a = loaded.assessment
    check_if_match(if_match, a.version)
    a.deleted_at = utcnow()
    a.deleted_by = principal.subject
    a.delete_reason = reason
    a.version += 1
    if a.status == "submitted":
        defn = await service.definition_of(request, a)
        await service.publish(session, request, "assessment.deleted", loaded, defn)
    service.audit(session, principal, request, "delete", a, reason=reason)
    return Response(status_code=204)


@router.post(
    "/assessments/{assessment_id}/restore",
    summary="Restore a deleted assessment (organisation administrators)",
)
async def restore_assessment(
    assessment_id: uuid.UUID,
    principal: OrganisationAdmin,
    session: Session,
    request: Request,
    response: Response,
) -> AssessmentRead:
    row = (
        await session.execute(
            service.with_context(assessment_id)
            .where(
                col(Organisation.ods_code) == principal.organisation_code,
                col(Assessment.deleted_at).is_not(None),
            )
            .with_for_update(of=Assessment)
        )
    ).first()
    if row is None:
        raise NotFound("No deleted assessment with this id in your organisation")
    loaded = Loaded(*row)
    a = loaded.assessment
    a.deleted_at = None
    a.deleted_by = None
    a.version += 1
    if a.status == "submitted":
        defn = await service.definition_of(request, a)
        await service.publish(session, request, "assessment.restored", loaded, defn)
    service.audit(session, principal, request, "restore", a)
    response.headers["ETag"] = etag_for(a.version)
    # Administrators restore records; they do not read the clinical content.
    return service.assessment_read(loaded.assessment, loaded.team.code).model_copy(
        update={"responses": {}, "notes": None, "scores": None}
    )


@router.get(
    "/assessments/{assessment_id}/questionnaire-response",
    summary="The assessment as a FHIR R4 QuestionnaireResponse",
)
async def get_questionnaire_response(
    assessment_id: uuid.UUID, principal: Reader, session: Session, request: Request
) -> dict[str, Any]:
    loaded = await load_assessment(session, principal, assessment_id)
    a = loaded.assessment
    defn = await service.definition_of(request, a)
    service.audit(session, principal, request, "read", a, format="QuestionnaireResponse")
    return service.questionnaire_response(defn, a, request.app.state.settings.public_url)
