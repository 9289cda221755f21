"""Instrument definitions: list, fetch, FHIR Questionnaire export, upload of a new version
(organisation administrators), and "recompute and diff" against stored assessments."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from services.common.auth import Authenticated, Principal, require
from services.common.database import Session
from services.common.errors import Conflict, FieldProblem, InvalidInput, problem_responses
from services.common.permissions import Permission
from services.common.request_text import refuse_control_characters_in
from services.scoring.app_state import catalogue_of
from services.scoring.assessments.models import Assessment
from services.scoring.audit.service import record
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.diff import StoredAssessment, recompute_diff
from services.scoring.instruments.errors import DefinitionError
from services.scoring.instruments.models import StoredDefinition
from services.scoring.instruments.questionnaire import to_questionnaire
from services.scoring.instruments.registry import (
    InstrumentRegistry,
    load_definition_text,
    parse_definition_text,
)
from services.scoring.instruments.schemas import (
    InstrumentSummary,
    RecomputeDiffReport,
    RecomputeDiffRequest,
)
from services.scoring.organisations.models import Organisation, Team

router = APIRouter(
    prefix="/api/scoring/instruments",
    tags=["instruments"],
    responses=problem_responses(401, 403, 422),
)
InstrumentManager = Annotated[Principal, Depends(require(Permission.instrument_manage))]


def _summary(defn: InstrumentDefinition) -> InstrumentSummary:
    base = defn.based_on
    return InstrumentSummary(
        instrument=defn.instrument,
        variant=defn.variant,
        version=defn.version,
        title=defn.title,
        status=defn.status,
        subject_type=defn.subject_type,
        based_on=f"{base.instrument}/{base.variant}/{base.version}" if base else None,
    )


@router.get("", summary="Every instrument definition this service can score with")
async def list_instruments(
    _: Authenticated, session: Session, request: Request
) -> list[InstrumentSummary]:
    found = catalogue_of(request)
    await found.sync()
    return [_summary(d) for d in found.registry.list()]


@router.get(
    "/{instrument}/{variant}/{version}",
    responses=problem_responses(404),
    summary="One definition: sections, items, answer options, scoring rules and bands",
)
async def get_instrument(
    instrument: str,
    variant: str,
    version: str,
    _: Authenticated,
    session: Session,
    request: Request,
) -> dict[str, Any]:
    defn = await catalogue_of(request).get_or_404(instrument, variant, version)
    return defn.model_dump(mode="json", exclude_none=True)


@router.get(
    "/{instrument}/{variant}/{version}/questionnaire",
    responses=problem_responses(404),
    summary="The definition as a FHIR R4 Questionnaire",
)
async def get_questionnaire(
    instrument: str,
    variant: str,
    version: str,
    _: Authenticated,
    session: Session,
    request: Request,
) -> dict[str, Any]:
    defn = await catalogue_of(request).get_or_404(instrument, variant, version)
    return to_questionnaire(defn, base_url=request.app.state.settings.public_url)


@router.post(
    "",
    status_code=201,
    responses=problem_responses(400, 409, 413, 422),
    summary="Load a new version of a definition (YAML or JSON), e.g. the licence holder's",
)
async def upload_instrument(
    principal: InstrumentManager,
    session: Session,
    request: Request,
    definition: Annotated[str, Body(media_type="application/yaml")],
) -> InstrumentSummary:
    try:
        # As uploaded, read with the engine's YAML 1.2 rules (so "no" stays text).
        stored = parse_definition_text(definition, source_name="upload")
        refuse_control_characters_in(stored)  # YAML escapes can spell NUL
        defn = load_definition_text(definition, source_name="upload")
        found = catalogue_of(request)
        await found.sync()
        if defn.key in {d.key for d in found.registry.list()}:
            raise Conflict(f"{defn.label} already exists; publish changes as a new version")
        # Resolve and check against a copy: the live registry changes only once stored.
        InstrumentRegistry(found.registry.list()).add(defn)
    except DefinitionError as exc:
        raise InvalidInput(
            f"The definition is not valid: {exc.message}",
            errors=[FieldProblem(field=f"body{exc.path.removeprefix('$')}", message=exc.message)],
        ) from exc
    session.add(
        StoredDefinition(
            instrument=defn.instrument,
            variant=defn.variant,
            version=defn.version,
            definition=stored,
            uploaded_by=principal.subject,
            uploaded_by_organisation=principal.organisation_code,
        )
    )
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{defn.label} already exists; publish changes as a new version") from exc
    # A new version changes how every organisation's assessments are scored from now on.
    record(
        session,
        principal,
        request,
        action="instrument-upload",
        entity_type="instrument",
        entity_id=None,
        detail={"instrument": defn.instrument, "variant": defn.variant, "version": defn.version},
    )
    return _summary(found.registry.add(defn))


@router.post(
    "/recompute-diff",
    responses=problem_responses(400, 413, 422),
    summary="What a definition version would change in your organisation's stored scores",
)
async def recompute_and_diff(
    body: RecomputeDiffRequest, principal: InstrumentManager, session: Session, request: Request
) -> RecomputeDiffReport:
    defn = await catalogue_of(request).get(
        body.instrument, body.variant, body.version, field="body.version"
    )
    rows = await session.execute(
        select(Assessment)
        .join(Team, col(Team.id) == col(Assessment.team_id))
        .join(Organisation, col(Organisation.id) == col(Team.organisation_id))
        .where(
            col(Organisation.ods_code) == principal.organisation_code,
            col(Assessment.instrument) == body.instrument,
            col(Assessment.variant) == body.variant,
            col(Assessment.status) == "submitted",
            col(Assessment.deleted_at).is_(None),
        )
    )
    stored = [
        StoredAssessment(
            id=str(a.id),
            instrument=a.instrument,
            variant=a.variant,
            instrument_version=a.instrument_version,
            responses=a.responses,
            scores=a.scores or {},
        )
        for a in rows.scalars()
    ]
    report = recompute_diff(defn, stored)
    return RecomputeDiffReport(
        version=defn.version,
        assessments_checked=len(report.assessments),
        assessments_changed=len(report.changed),
        report=report.as_dict(),
    )
