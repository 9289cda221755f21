"""Reading Patients: read, vread, instance history and search, each paged where it lists.

- ``GET /fhir/Patient/{id}``: the current version (decision 0017: the latest Patient sent,
  with the server's id and meta, and staff corrections made since, tagged);
- ``GET /fhir/Patient/{id}/_history/{version}``: a version as sent;
- ``GET /fhir/Patient/{id}/_history``: every version kept, newest first;
- ``GET /fhir/Patient``: the organisation's Patients, or those with one identifier
  (``identifier=<system>|<value>``: the NHS number or the client's local identifier).

Lists are pages of ``_count`` entries (default 50, at most 200) with a ``next`` link
carrying an opaque ``_cursor``. Every read and search is audited with the ids returned.
"""

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from services.common.auth import Principal
from services.common.database import Session
from services.common.errors import ProblemError
from services.common.input_rules import INTEGER_MAX, whole_number
from services.common.pagination import CursorPosition, decode_cursor, encode_cursor
from services.scoring.audit.refusals import AuditRefusals
from services.scoring.audit.service import record
from services.scoring.fhir import repository
from services.scoring.fhir.fhir_route import FhirHttpError, FhirRoute, fhir_response
from services.scoring.fhir.identifiers import IdentifierSearch, parse_identifier_search
from services.scoring.fhir.operation_outcome import FhirInputError, Issue
from services.scoring.fhir.patient_mapping import london_today
from services.scoring.fhir.patient_rendering import (
    current_patient,
    history_bundle,
    search_bundle,
    served_version,
)
from services.scoring.fhir.requests import (
    PatientReader,
    base_url,
    local_system_of,
    person_headers,
    version_number,
    weak_etag,
)
from services.scoring.people.models import Person

__all__ = ["current_view", "readable_person", "router"]

router = APIRouter(
    route_class=FhirRoute, include_in_schema=False, tags=["fhir"], dependencies=[AuditRefusals]
)

DEFAULT_COUNT = 50
MAX_COUNT = 200
# Query parameters that shape the response rather than select anything.
_RESULT_PARAMETERS = frozenset({"_format", "_pretty"})
_PAGING_PARAMETERS = frozenset({"_count", "_cursor"})


class _PatientPosition(CursorPosition):
    """Search results are in id order."""

    id: uuid.UUID


class _VersionPosition(CursorPosition):
    """History is newest first."""

    version: int


def _bad_search(diagnostics: str, where: str) -> FhirHttpError:
    return FhirHttpError(400, [Issue.error("not-supported", diagnostics, where)])


def _paging(request: Request, allowed: frozenset[str]) -> dict[str, str]:
    """The query's parameters (one value each), refusing any not in ``allowed``."""
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in _RESULT_PARAMETERS:
            continue
        if key not in allowed | _PAGING_PARAMETERS:
            raise _bad_search(f"The parameter {key} is not supported here", f"query.{key}")
        if key in params:
            raise _bad_search(f"Give {key} once", f"query.{key}")
        params[key] = value
    return params


def _count(params: dict[str, str]) -> int:
    raw = params.get("_count")
    if raw is None:
        return DEFAULT_COUNT
    count = whole_number(raw, maximum=INTEGER_MAX)
    if count is None:
        raise _bad_search("_count must be a whole number", "query._count")
    return min(count, MAX_COUNT)


def _cursor(params: dict[str, str], position: type[Any]) -> Any:
    try:
        return decode_cursor(params.get("_cursor"), position, field="query._cursor")
    except ProblemError as error:
        raise _bad_search(error.detail or error.title, "query._cursor") from None


def _page_urls(
    request: Request, path: str, params: dict[str, str], next_cursor: str | None
) -> tuple[str, str | None]:
    """The ``self`` and ``next`` links of a page: the same query, the next cursor."""
    url = f"{base_url(request)}/{path}"
    self_url = f"{url}?{urlencode(params)}" if params else url
    if next_cursor is None:
        return self_url, None
    return self_url, f"{url}?{urlencode({**params, '_cursor': next_cursor})}"


async def readable_person(session: Session, principal: Principal, raw_id: str) -> Person:
    """The person with this logical id in the caller's organisation, else 404 (another
    organisation's person is "not found" too: existence is sensitive)."""
    try:
        person_id: uuid.UUID | None = uuid.UUID(raw_id)
    except ValueError:
        person_id = None
    person = await repository.visible_person(session, principal, person_id) if person_id else None
    if person is None:
        raise FhirHttpError.of(404, "No Patient with this id in your organisation")
    return person


async def current_view(
    session: Session, person: Person, local_system: str | None = None
) -> dict[str, Any]:
    """The person's current version as served (``patient_rendering.current_patient``)."""
    latest = (await repository.latest_sent(session, [person.id])).get(person.id)
    return current_patient(person, latest, london_today(), local_system)


def _audit_read(
    session: Session, principal: Principal, request: Request, person: Person, **detail: Any
) -> None:
    record(
        session,
        principal,
        request,
        action="fhir-read",
        entity_type="person",
        entity_id=person.id,
        detail=detail or None,
    )


@router.get("/fhir/Patient/_history")
async def patient_type_history() -> Response:
    """Not offered (the CapabilityStatement lists no history-type): 405, not a read of a
    Patient whose id is "_history"."""
    not_offered = "History of all Patients is not supported; read one Patient's _history"
    raise FhirHttpError(405, [Issue.error("not-supported", not_offered)], {"Allow": ""})


@router.get("/fhir/Patient/{patient_id}")
async def read_patient(
    patient_id: str, request: Request, principal: PatientReader, session: Session
) -> Response:
    person = await readable_person(session, principal, patient_id)
    _audit_read(session, principal, request, person)
    patient = await current_view(session, person, local_system_of(request, principal))
    return fhir_response(request, patient, headers=person_headers(person))


@router.get("/fhir/Patient/{patient_id}/_history/{version_id}")
async def read_patient_version(
    patient_id: str, version_id: str, request: Request, principal: PatientReader, session: Session
) -> Response:
    """A version as the EPR sent it; the current version as the read serves it."""
    person = await readable_person(session, principal, patient_id)
    version = version_number(version_id)
    if version == person.version:
        body = await current_view(session, person, local_system_of(request, principal))
    else:
        sent = await repository.sent_version(session, person.id, version) if version else None
        if sent is None:
            raise FhirHttpError.of(404, "No such version of this Patient")
        body = served_version(sent, str(person.id))
    _audit_read(session, principal, request, person, version=version)
    return fhir_response(request, body, headers={"ETag": weak_etag(int(body["meta"]["versionId"]))})


@router.get("/fhir/Patient/{patient_id}/_history")
async def patient_history(
    patient_id: str, request: Request, principal: PatientReader, session: Session
) -> Response:
    """Every version kept, newest first: the current one, then each Patient sent (versions
    made by staff corrections before the current one are not kept)."""
    params = _paging(request, frozenset())
    count, after = _count(params), _cursor(params, _VersionPosition)
    person = await readable_person(session, principal, patient_id)
    latest = (await repository.latest_sent(session, [person.id])).get(person.id)
    versions: list[dict[str, Any]] = []
    below = after.version if after is not None else None
    if below is None and count > 0:
        local_system = local_system_of(request, principal)
        versions.append(current_patient(person, latest, london_today(), local_system))
        below = person.version
    sent = await repository.sent_versions(session, person.id, below, count - len(versions) + 1)
    versions += [served_version(version, str(person.id)) for version in sent]
    page = versions[:count]
    more = len(versions) > count
    next_cursor = (
        encode_cursor(_VersionPosition(version=int(page[-1]["meta"]["versionId"])))
        if more and page
        else None
    )
    kept = await repository.count_sent_versions(session, person.id)
    total = kept + (0 if latest is not None and latest.version == person.version else 1)
    self_url, next_url = _page_urls(request, f"Patient/{person.id}/_history", params, next_cursor)
    _audit_read(session, principal, request, person, history=[p["meta"]["versionId"] for p in page])
    bundle = history_bundle(
        base_url(request), page, total=total, self_url=self_url, next_url=next_url
    )
    return fhir_response(request, bundle)


def _identifier(params: dict[str, str], local_system: str | None) -> IdentifierSearch | None:
    raw = params.get("identifier")
    if raw is None:
        return None
    try:
        return parse_identifier_search(
            raw, local_system=local_system, expression="query.identifier"
        )
    except FhirInputError as error:
        raise FhirHttpError(400, error.issues) from None


@router.get("/fhir/Patient")
async def search_patients(request: Request, principal: PatientReader, session: Session) -> Response:
    """The organisation's Patients, or those with one identifier, a page at a time."""
    params = _paging(request, frozenset({"identifier"}))
    local_system = local_system_of(request, principal)
    search = _identifier(params, local_system)
    count, after = _count(params), _cursor(params, _PatientPosition)
    people = await repository.visible_people(
        session, principal, search, after.id if after else None, count + 1
    )
    page, more = people[:count], len(people) > count
    total = await repository.count_visible_people(session, principal, search)
    latest = await repository.latest_sent(session, [person.id for person in page])
    today = london_today()
    patients = [
        current_patient(person, latest.get(person.id), today, local_system) for person in page
    ]
    record(
        session,
        principal,
        request,
        action="fhir-search",
        entity_type="person",
        entity_id=None,
        detail={"returned": [str(person.id) for person in page]},
    )
    next_cursor = encode_cursor(_PatientPosition(id=page[-1].id)) if more and page else None
    self_url, next_url = _page_urls(request, "Patient", params, next_cursor)
    bundle = search_bundle(
        base_url(request), patients, total=total, self_url=self_url, next_url=next_url
    )
    return fhir_response(request, bundle)
