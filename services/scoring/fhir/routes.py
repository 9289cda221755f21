"""The FHIR R4 endpoint EPRs push demographics to: ``/fhir`` (see docs/fhir.md).

- ``GET /fhir/metadata``: the CapabilityStatement (no token needed);
- ``POST /fhir/Patient``: create, or update by NHS number; with ``If-None-Exist`` a
  conditional create;
- ``PUT /fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|<n>``: conditional update;
- ``GET /fhir/Patient/{id}``, ``GET /fhir/Patient/{id}/_history/{version}``,
  ``GET /fhir/Patient?identifier=...``: read, read a version as sent, search;
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
from services.scoring.audit.refusals import AuditRefusals
from services.scoring.audit.service import record
from services.scoring.fhir import repository
from services.scoring.fhir.bundle import (
    EntryResponse,
    ParsedBundle,
    ParsedEntry,
    entry_failure_status,
    identifier_query,
    parse_bundle,
    parse_identifier_search,
    response_bundle,
)
from services.scoring.fhir.capability import capability_statement
from services.scoring.fhir.fhir_route import FhirHttpError, FhirRoute, fhir_response
from services.scoring.fhir.ingest_plan import Decision, Outcome, PatientWrite
from services.scoring.fhir.operation_outcome import (
    FhirInputError,
    Issue,
    operation_outcome,
)
from services.scoring.fhir.parsing import parse_resource
from services.scoring.fhir.patient_mapping import MappedPatient, map_patient
from services.scoring.fhir.patient_rendering import (
    patient_from_person,
    search_bundle,
    served_version,
)
from services.scoring.fhir.questionnaire_routes import router as questionnaires
from services.scoring.fhir.requests import (
    PatientReader,
    PatientWriter,
    base_url,
    if_match_version,
    off_loop,
    person_headers,
    preferred_return,
    read_body,
    search_problem,
    version_number,
    weak_etag,
    write_context,
)
from services.scoring.fhir.service import (
    WriteResult,
    organisation_of,
    write_patients,
)
from services.scoring.people.models import Person

# Refused attempts (403, 404 on a Patient that exists, 409, 412) are audited apart.
router = APIRouter(
    route_class=FhirRoute, include_in_schema=False, tags=["fhir"], dependencies=[AuditRefusals]
)


# Query parameters that shape the response rather than select anything.
_RESULT_PARAMETERS = frozenset({"_format", "_pretty"})


# -- metadata -------------------------------------------------------------------------------


@router.get("/fhir/metadata")
async def metadata(request: Request) -> Response:
    statement = capability_statement(base_url(request), software_version=request.app.version)
    return fhir_response(request, statement)


# -- single Patients ----------------------------------------------------------------------


def _single_patient(body: bytes, content_type: str) -> tuple[dict[str, Any], MappedPatient]:
    resource = parse_resource(body, content_type)
    return resource, map_patient(resource)


def _same_number(condition: tuple[str, str], patient: MappedPatient, where: str) -> None:
    if condition[1] != patient.nhs_number:
        differs = "This NHS number differs from the resource's"
        raise FhirHttpError(400, [Issue.error("invalid", differs, where)])


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
    if decision.outcome is Outcome.PRECONDITION_FAILED or decision.person_id is None:
        raise FhirHttpError(412, decision.issues)
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
    return fhir_response(request, patient_from_person(person), status, headers)


@router.post("/fhir/Patient")
async def create_patient(request: Request, principal: PatientWriter, session: Session) -> Response:
    """Create, or update by NHS number; conditional create with ``If-None-Exist``."""
    body, content_type = await read_body(request)
    resource, patient = await off_loop(len(body), lambda: _single_patient(body, content_type))
    if_none_exist = request.headers.get("if-none-exist")
    if if_none_exist is not None:
        query = if_none_exist.strip().removeprefix("Patient").removeprefix("?")
        try:
            condition = identifier_query(query, "If-None-Exist")
        except FhirInputError as error:
            raise search_problem(error) from None
        _same_number(condition, patient, "If-None-Exist")
    write = PatientWrite(0, patient, resource, if_none_exist=if_none_exist is not None)
    return await _single_write(request, principal, session, write)


def _identifier_parameter(request: Request) -> tuple[str, str]:
    """(system, NHS number) from the one ``identifier`` query parameter."""
    selecting = [
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in _RESULT_PARAMETERS
    ]
    if len(selecting) != 1 or selecting[0][0] != "identifier":
        only = "Give exactly one identifier=https://fhir.nhs.uk/Id/nhs-number|<NHS number>"
        raise FhirHttpError(400, [Issue.error("not-supported", only, "url")])
    try:
        return parse_identifier_search(selecting[0][1], expression="url")
    except FhirInputError as error:
        raise search_problem(error) from None


@router.put("/fhir/Patient")
async def update_patient(request: Request, principal: PatientWriter, session: Session) -> Response:
    """Conditional update: create or update the person with the NHS number in the URL."""
    condition = _identifier_parameter(request)
    if_match = if_match_version(request.headers.get("if-match"))
    body, content_type = await read_body(request)
    resource, patient = await off_loop(len(body), lambda: _single_patient(body, content_type))
    _same_number(condition, patient, "url")
    write = PatientWrite(0, patient, resource, if_match=if_match)
    return await _single_write(request, principal, session, write)


# -- reads --------------------------------------------------------------------------------


async def _readable(session: Session, principal: Principal, raw_id: str) -> Person:
    """The person with this logical id in the caller's organisation, else 404 (another
    organisation's person is "not found" too: existence is sensitive)."""
    try:
        person_id = uuid.UUID(raw_id)
    except ValueError:
        person_id = None
    person = await repository.visible_person(session, principal, person_id) if person_id else None
    if person is None:
        raise FhirHttpError.of(404, "No Patient with this id in your organisation")
    return person


@router.get("/fhir/Patient/{patient_id}")
async def read_patient(
    patient_id: str, request: Request, principal: PatientReader, session: Session
) -> Response:
    person = await _readable(session, principal, patient_id)
    record(
        session, principal, request, action="fhir-read", entity_type="person", entity_id=person.id
    )
    return fhir_response(request, patient_from_person(person), headers=person_headers(person))


@router.get("/fhir/Patient/{patient_id}/_history/{version_id}")
async def read_patient_version(
    patient_id: str, version_id: str, request: Request, principal: PatientReader, session: Session
) -> Response:
    """A version as the EPR sent it; the current version without a Patient sent for it
    (a correction made in Equitas) as Equitas holds it."""
    person = await _readable(session, principal, patient_id)
    version = version_number(version_id)
    if version is None:
        raise FhirHttpError.of(404, "No such version of this Patient")
    stored = await repository.stored_resource(session, person.id, version)
    if stored is not None:
        body = served_version(stored, person, version)
    elif version == person.version:
        body = patient_from_person(person)
    else:
        raise FhirHttpError.of(404, "No such version of this Patient")
    record(
        session,
        principal,
        request,
        action="fhir-read",
        entity_type="person",
        entity_id=person.id,
        detail={"version": version},
    )
    return fhir_response(request, body, headers={"ETag": weak_etag(version)})


@router.get("/fhir/Patient")
async def search_patients(request: Request, principal: PatientReader, session: Session) -> Response:
    """Search by NHS number only: ``identifier=https://fhir.nhs.uk/Id/nhs-number|<n>``."""
    _, nhs_number = _identifier_parameter(request)
    people = await repository.visible_people_by_nhs_number(session, principal, nhs_number)
    record(
        session,
        principal,
        request,
        action="fhir-search",
        entity_type="person",
        entity_id=None,
        detail={"returned": [str(person.id) for person in people]},
    )
    patients = [patient_from_person(person) for person in people]
    return fhir_response(request, search_bundle(base_url(request), patients))


# -- Bundles ------------------------------------------------------------------------------


def _read_bundle(body: bytes, content_type: str, max_entries: int) -> ParsedBundle:
    return parse_bundle(parse_resource(body, content_type), max_entries=max_entries)


_STATUS = {
    Outcome.CREATED: 201,
    Outcome.UPDATED: 200,
    Outcome.UNCHANGED: 200,
    Outcome.IGNORED_OLDER: 200,
    Outcome.EXISTS: 200,
    Outcome.PRECONDITION_FAILED: 412,
}


def _entry_response(
    entry: ParsedEntry, decision: Decision | None, result: WriteResult
) -> EntryResponse:
    if decision is None:
        return EntryResponse(entry_failure_status(entry.issues), issues=entry.issues)
    if decision.outcome is Outcome.PRECONDITION_FAILED or decision.person_id is None:
        where = f"Bundle.entry[{entry.index}].request.ifMatch"
        issues = tuple(
            Issue(i.severity, i.code, i.diagnostics, [where], i.details) for i in decision.issues
        )
        return EntryResponse(412, issues=issues)
    location = f"Patient/{decision.person_id}/_history/{decision.version}"
    return EntryResponse(
        _STATUS[decision.outcome],
        location=location,
        version_id=decision.version,
        last_modified=result.last_modified(decision),
        issues=decision.issues,
    )


@router.post("/fhir")
async def bundle(request: Request, principal: PatientWriter, session: Session) -> Response:
    """A ``transaction`` (all or nothing) or ``batch`` (entry by entry) of Patients."""
    body, content_type = await read_body(request)
    max_entries = request.app.state.settings.fhir_max_bundle_entries
    parsed = await off_loop(len(body), lambda: _read_bundle(body, content_type, max_entries))
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
        failed = [
            issue for response in responses if response.status >= 400 for issue in response.issues
        ]
        if failed:  # all or nothing: raising rolls back everything written above
            raise FhirHttpError(412, failed)
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
