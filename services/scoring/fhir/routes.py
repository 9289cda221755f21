"""The FHIR R4 endpoint EPRs push demographics to: ``/fhir`` (see docs/fhir.md).

- ``GET /fhir/metadata``: the CapabilityStatement (no token needed);
- ``POST /fhir/Patient``: create, or update the person with the Patient's identifiers; with
  ``If-None-Exist`` a conditional create;
- ``PUT /fhir/Patient?identifier=<system>|<value>``: conditional update;
- ``PUT /fhir/Patient/{id}``: update by id;
- reads, history and search: ``patient_reads``;
- ``POST /fhir``: a ``transaction`` or ``batch`` Bundle of Patient creates and updates.

Clients are systems with client-credentials tokens bound to one organisation (ODS code):
``patient:write`` to push, ``patient:read`` to read. They only ever see and change their
own organisation's people. Every error is an OperationOutcome (``FhirRoute``). The routes
are documented by the CapabilityStatement, not in the OpenAPI document.
"""

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from services.common.auth import Principal
from services.common.database import Session
from services.common.idempotency import idempotent
from services.scoring.audit.refusals import AuditRefusals
from services.scoring.fhir import repository
from services.scoring.fhir.bundle import (
    EntryResponse,
    ParsedBundle,
    ParsedEntry,
    entry_failure_status,
    mismatched_identifier,
    parse_bundle,
    response_bundle,
)
from services.scoring.fhir.capability import capability_statement
from services.scoring.fhir.fhir_route import FhirHttpError, FhirRoute, fhir_response
from services.scoring.fhir.identifiers import IdentifierSearch, identifier_query
from services.scoring.fhir.ingest_plan import Decision, Outcome, PatientWrite
from services.scoring.fhir.operation_outcome import (
    FhirInputError,
    Issue,
    operation_outcome,
)
from services.scoring.fhir.parsing import parse_resource
from services.scoring.fhir.patient_mapping import MappedPatient, map_patient
from services.scoring.fhir.patient_reads import current_view
from services.scoring.fhir.patient_reads import router as patient_reads
from services.scoring.fhir.questionnaire_routes import router as questionnaires
from services.scoring.fhir.requests import (
    PatientWriter,
    base_url,
    if_match_header,
    local_system_of,
    off_loop,
    person_headers,
    preferred_return,
    read_body,
    search_problem,
    write_context,
)
from services.scoring.fhir.service import (
    WriteResult,
    organisation_of,
    write_patients,
)

# Refused attempts (403, 404 on a Patient that exists, 409, 412) are audited apart.
router = APIRouter(
    route_class=FhirRoute, include_in_schema=False, tags=["fhir"], dependencies=[AuditRefusals]
)
# Reads, history and search: as routes of this router, so the catch-all's 405 sees them.
router.routes.extend(patient_reads.routes)


# -- metadata -------------------------------------------------------------------------------


@router.get("/fhir/metadata")
async def metadata(request: Request) -> Response:
    statement = capability_statement(base_url(request), software_version=request.app.version)
    return fhir_response(request, statement)


# -- single Patients ----------------------------------------------------------------------


def _single_patient(
    body: bytes, content_type: str, local_system: str | None
) -> tuple[dict[str, Any], MappedPatient]:
    resource = parse_resource(body, content_type)
    return resource, map_patient(resource, local_system=local_system)


async def _patient_of(
    request: Request, principal: Principal, condition: IdentifierSearch | None, where: str
) -> tuple[dict[str, Any], MappedPatient]:
    """The Patient in the body, checked before the condition naming it is compared with
    it: a fault of the resource has one answer on every route (decision 0017)."""
    body, content_type = await read_body(request)
    local_system = local_system_of(request, principal)
    resource, patient = await off_loop(
        len(body), lambda: _single_patient(body, content_type, local_system)
    )
    mismatch = mismatched_identifier(condition, patient, where)
    if mismatch is not None:
        raise FhirHttpError(400, [mismatch])
    return resource, patient


# Decisions that write nothing and are refusals, with their status.
_REFUSED = {Outcome.PRECONDITION_FAILED: 412, Outcome.CONFLICT: 409, Outcome.NOT_FOUND: 404}


async def _single_write(
    request: Request,
    principal: Principal,
    session: Session,
    write: PatientWrite,
) -> Response:
    organisation = await organisation_of(session, principal)
    context = write_context(request, principal, organisation.id)
    result = await write_patients(session, context, [write])
    decision = result.decisions[0]
    if decision.outcome in _REFUSED or decision.person_id is None:
        raise FhirHttpError(_REFUSED.get(decision.outcome, 412), decision.issues)
    person = await repository.visible_person(session, principal, decision.person_id)
    if person is None:  # pragma: no cover - written in this very transaction
        raise FhirHttpError.of(500, "The person written could not be read back")
    status = 201 if decision.outcome is Outcome.CREATED else 200
    headers = person_headers(person)
    if decision.outcome in (Outcome.CREATED, Outcome.UPDATED):
        headers["Location"] = f"/fhir/Patient/{person.id}/_history/{person.version}"
    prefer = preferred_return(request)
    if prefer == "minimal":
        return Response(status_code=status, headers=headers)
    if prefer == "OperationOutcome" or decision.outcome is Outcome.IGNORED_OLDER:
        issues = decision.issues or (
            Issue("information", "informational", f"Patient {decision.outcome.value}"),
        )
        return fhir_response(request, operation_outcome(issues), status, headers)
    patient = await current_view(session, person, local_system_of(request, principal))
    return fhir_response(request, patient, status, headers)


def _condition(request: Request, principal: Principal, query: str, where: str) -> IdentifierSearch:
    try:
        return identifier_query(query, where, local_system_of(request, principal))
    except FhirInputError as error:
        raise search_problem(error) from None


@router.post("/fhir/Patient")
@idempotent
async def create_patient(request: Request, principal: PatientWriter, session: Session) -> Response:
    """Create, or update the person with the Patient's identifiers; conditional create
    with ``If-None-Exist``."""
    if_none_exist = request.headers.get("if-none-exist")
    condition = None
    if if_none_exist is not None:
        query = if_none_exist.strip().removeprefix("Patient").removeprefix("?")
        condition = _condition(request, principal, query, "header.if-none-exist")
    resource, patient = await _patient_of(request, principal, condition, "header.if-none-exist")
    write = PatientWrite(0, patient, resource, if_none_exist=if_none_exist is not None)
    return await _single_write(request, principal, session, write)


_RESULT_PARAMETERS = frozenset({"_format", "_pretty"})


@router.put("/fhir/Patient")
async def update_patient(request: Request, principal: PatientWriter, session: Session) -> Response:
    """Conditional update: create or update the person with the identifier in the URL."""
    selecting = [
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in _RESULT_PARAMETERS
    ]
    if len(selecting) != 1 or selecting[0][0] != "identifier":
        only = "Give exactly one identifier=<system>|<value> (or PUT Patient/<id>)"
        raise FhirHttpError(400, [Issue.error("not-supported", only, "url")])
    query = f"identifier={selecting[0][1]}"
    condition = _condition(request, principal, query, "url")
    if_match = if_match_header(request.headers.get("if-match"))
    resource, patient = await _patient_of(request, principal, condition, "url")
    write = PatientWrite(0, patient, resource, if_match=if_match)
    return await _single_write(request, principal, session, write)


@router.put("/fhir/Patient/{patient_id}")
async def update_patient_by_id(
    patient_id: str, request: Request, principal: PatientWriter, session: Session
) -> Response:
    """Update by id, as FHIR clients do after a read; ``If-Match`` makes it version-aware.
    No create: ids are Equitas's (404 for one it did not give this organisation)."""
    try:
        person_id = uuid.UUID(patient_id)
    except ValueError:
        raise FhirHttpError.of(404, "No Patient with this id in your organisation") from None
    if_match = if_match_header(request.headers.get("if-match"))
    resource, patient = await _patient_of(request, principal, None, "url")
    if patient.id != patient_id:
        differs = "An update by id needs the resource's id to be the one in the URL"
        raise FhirHttpError(400, [Issue.error("invalid", differs, "Patient.id")])
    write = PatientWrite(0, patient, resource, if_match=if_match, person_id=person_id)
    return await _single_write(request, principal, session, write)


# -- Bundles ------------------------------------------------------------------------------


def _read_bundle(
    body: bytes, content_type: str, max_entries: int, local_system: str | None
) -> ParsedBundle:
    resource = parse_resource(body, content_type)
    return parse_bundle(resource, max_entries=max_entries, local_system=local_system)


_STATUS = {
    Outcome.CREATED: 201,
    Outcome.UPDATED: 200,
    Outcome.UNCHANGED: 200,
    Outcome.IGNORED_OLDER: 200,
    Outcome.EXISTS: 200,
    **_REFUSED,
}


def _entry_response(
    entry: ParsedEntry, decision: Decision | None, result: WriteResult
) -> EntryResponse:
    if decision is None:
        return EntryResponse(entry_failure_status(entry.issues), issues=entry.issues)
    if decision.outcome in _REFUSED or decision.person_id is None:
        element = "request.ifMatch" if decision.outcome is Outcome.PRECONDITION_FAILED else ""
        where = f"Bundle.entry[{entry.index}].{element or 'resource.identifier'}"
        if decision.outcome is Outcome.NOT_FOUND:
            where = f"Bundle.entry[{entry.index}].request.url"
        issues = tuple(
            Issue(i.severity, i.code, i.diagnostics, [where], i.details) for i in decision.issues
        )
        return EntryResponse(_STATUS[decision.outcome], issues=issues)
    location = f"Patient/{decision.person_id}/_history/{decision.version}"
    return EntryResponse(
        _STATUS[decision.outcome],
        location=location,
        version_id=decision.version,
        last_modified=result.last_modified(decision),
        issues=decision.issues,
    )


@router.post("/fhir")
@idempotent
async def bundle(request: Request, principal: PatientWriter, session: Session) -> Response:
    """A ``transaction`` (all or nothing) or ``batch`` (entry by entry) of Patients."""
    body, content_type = await read_body(request)
    max_entries = request.app.state.settings.fhir_max_bundle_entries
    local_system = local_system_of(request, principal)
    parsed = await off_loop(
        len(body), lambda: _read_bundle(body, content_type, max_entries, local_system)
    )
    organisation = await organisation_of(session, principal)
    detail = {"bundle": parsed.type}

    def audit_detail(write: PatientWrite) -> dict[str, Any]:
        return {**detail, "entry": write.position}

    writes = [
        PatientWrite(
            entry.index,
            entry.patient,
            entry.resource or {},
            if_none_exist=entry.if_none_exist is not None,
            if_match=entry.if_match_version,
            person_id=entry.person_id,
        )
        for entry in parsed.entries
        if entry.patient is not None
    ]
    context = write_context(request, principal, organisation.id, audit_detail)
    result = await write_patients(session, context, writes)
    decisions = {decision.position: decision for decision in result.decisions}
    responses = [
        _entry_response(entry, decisions.get(entry.index), result) for entry in parsed.entries
    ]
    if parsed.type == "transaction":
        failed = [response for response in responses if response.status >= 400]
        if failed:  # all or nothing: raising rolls back everything written above
            issues = [issue for response in failed for issue in response.issues]
            raise FhirHttpError(failed[0].status, issues)
    return fhir_response(request, response_bundle(parsed.type, responses))


# -- everything else under /fhir ------------------------------------------------------------

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def unknown_fhir_path(request: Request) -> Response:
    """404, or 405 with ``Allow`` when the path exists for other methods, as an
    OperationOutcome (the app's own 404/405 would be problem+json)."""
    path = request.url.path
    allowed = sorted(
        {
            method
            for route in router.routes
            if isinstance(route, APIRoute)
            and route.endpoint is not unknown_fhir_path
            and route.path_regex.match(path)
            for method in route.methods or ()
        }
    )
    if allowed:
        not_here = f"{request.method} is not supported here; allowed: {', '.join(allowed)}"
        raise FhirHttpError(
            405, [Issue.error("not-supported", not_here)], {"Allow": ", ".join(allowed)}
        )
    raise FhirHttpError.of(404, "No such FHIR endpoint; see /fhir/metadata")


# Questionnaire and QuestionnaireResponse, before the catch-all; as routes of this router
# (not an included one) so that the catch-all's 405 lists their methods too.
router.routes.extend(questionnaires.routes)

for _path in ("/fhir", "/fhir/{rest:path}"):
    router.add_api_route(_path, unknown_fhir_path, methods=_ALL_METHODS)
