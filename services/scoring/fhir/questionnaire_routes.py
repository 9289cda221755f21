"""Instruments and HEF results on the FHIR endpoint, for EPRs (docs/fhir.md):

- ``GET /fhir/Questionnaire/{id}``: one instrument version (``hef-standard-1.0.0-
  provisional``); the canonical URL itself (``/fhir/Questionnaire/hef-standard``) is
  redirected to the latest version; ``GET /fhir/Questionnaire?url=...&version=...``;
- ``GET /fhir/QuestionnaireResponse/{id}`` and ``GET /fhir/QuestionnaireResponse?patient=
  ...&_lastUpdated=...``: the submitted assessments of the client's organisation's people
  (``patient:read``), each read audited;
- ``POST /fhir/QuestionnaireResponse``: a completed response recorded as a submitted
  assessment (``patient:write``; ``questionnaire_submission``).

Drafts and deleted assessments are not served: an EPR's care record gets results.
"""

import uuid
from datetime import UTC
from email.utils import format_datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import Select, select, tuple_
from sqlmodel import col

from services.common.auth import Authenticated, Principal
from services.common.database import Session
from services.common.errors import NotFound
from services.common.input_rules import Instant, whole_number
from services.common.pagination import CursorPosition, decode_cursor, encode_cursor
from services.scoring.app_state import catalogue_of
from services.scoring.assessments import service
from services.scoring.assessments.models import Assessment
from services.scoring.assessments.service import load_assessment
from services.scoring.audit.refusals import AuditRefusals
from services.scoring.audit.service import record
from services.scoring.fhir.fhir_route import FhirHttpError, FhirRoute, fhir_response
from services.scoring.fhir.last_updated import last_updated_bounds
from services.scoring.fhir.operation_outcome import FhirInputError, operation_outcome
from services.scoring.fhir.parsing import parse_resource
from services.scoring.fhir.questionnaire_submission import record_response
from services.scoring.fhir.requests import (
    PatientReader,
    PatientWriter,
    base_url,
    preferred_return,
    read_body,
    search_problem,
    weak_etag,
)
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.questionnaire import (
    canonical_id,
    questionnaire_id,
    to_questionnaire,
)
from services.scoring.people.access import person_visible_to
from services.scoring.people.models import Person

router = APIRouter(
    route_class=FhirRoute, include_in_schema=False, tags=["fhir"], dependencies=[AuditRefusals]
)

# Query parameters that shape the response rather than select anything.
_RESULT_PARAMETERS = frozenset({"_format", "_pretty"})
DEFAULT_COUNT = 50
MAX_COUNT = 500


def _selecting(request: Request, allowed: set[str]) -> dict[str, list[str]]:
    """The search parameters, each with its values; 400 for one not supported."""
    found: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key in _RESULT_PARAMETERS:
            continue
        if key not in allowed:
            only = f"Search parameters supported here: {', '.join(sorted(allowed))}"
            raise FhirHttpError.of(400, only, f"query.{key}")
        found.setdefault(key, []).append(value)
    return found


async def _definitions(request: Request) -> list[InstrumentDefinition]:
    catalogue = catalogue_of(request)
    await catalogue.sync()  # versions uploaded through another worker
    return catalogue.registry.list()


def _questionnaire(request: Request, defn: InstrumentDefinition) -> dict[str, Any]:
    return to_questionnaire(defn, base_url=request.app.state.settings.public_url)


# -- Questionnaire --------------------------------------------------------------------------


@router.get("/fhir/Questionnaire/{questionnaire}")
async def read_questionnaire(questionnaire: str, request: Request, _: Authenticated) -> Response:
    """One instrument version by id; an instrument variant's canonical id (no version) is
    redirected (302) to its latest version, so the canonical URL resolves."""
    definitions = await _definitions(request)
    for defn in definitions:
        if questionnaire_id(defn) == questionnaire:
            return fhir_response(request, _questionnaire(request, defn))
    variant = [d for d in definitions if canonical_id(d.instrument, d.variant) == questionnaire]
    if variant:  # the registry lists versions oldest first
        location = f"/fhir/Questionnaire/{questionnaire_id(variant[-1])}"
        if request.url.query:
            location += f"?{request.url.query}"
        return Response(status_code=302, headers={"Location": location})
    raise FhirHttpError.of(404, "No Questionnaire with this id")


@router.get("/fhir/Questionnaire")
async def search_questionnaires(request: Request, _: Authenticated) -> Response:
    """By canonical ``url`` and/or ``version`` (exact); every version without either."""
    selecting = _selecting(request, {"url", "version"})
    resources = [_questionnaire(request, defn) for defn in await _definitions(request)]
    for name, values in selecting.items():
        resources = [r for r in resources if all(r[name] == value for value in values)]
    return fhir_response(request, _searchset(request, "Questionnaire", resources, None))


def _searchset(
    request: Request, kind: str, resources: list[dict[str, Any]], next_url: str | None
) -> dict[str, Any]:
    links = [{"relation": "self", "url": str(request.url)}]
    if next_url is not None:
        links.append({"relation": "next", "url": next_url})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "link": links}
    if next_url is None and "_cursor" not in request.query_params:
        bundle["total"] = len(resources)  # known only when everything is on this page
    if resources:  # FHIR forbids empty arrays
        bundle["entry"] = [
            {
                "fullUrl": f"{base_url(request)}/{kind}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ]
    return bundle


# -- QuestionnaireResponse: read and search -------------------------------------------------


def _served(request: Request, defn: InstrumentDefinition, assessment: Assessment) -> dict[str, Any]:
    """A submitted assessment as served: the export, with its version and when it changed."""
    resource = service.questionnaire_response(
        defn, assessment, request.app.state.settings.public_url
    )
    meta = {"versionId": str(assessment.version), "lastUpdated": assessment.updated_at.isoformat()}
    return {"resourceType": resource.pop("resourceType"), "id": resource.pop("id")} | {
        "meta": meta,
        **resource,
    }


def _headers(assessment: Assessment) -> dict[str, str]:
    return {
        "ETag": weak_etag(assessment.version),
        "Last-Modified": format_datetime(assessment.updated_at.astimezone(UTC), usegmt=True),
    }


async def _submitted(
    session: Session, principal: Principal, request: Request, raw_id: str, version: str | None
) -> Response:
    """A submitted assessment of a person of the client's organisation (its current
    version: amendments are new versions); anything else (a draft, another organisation's)
    is not found, and that refusal is audited."""
    try:
        wanted = uuid.UUID(raw_id)
    except ValueError:
        raise FhirHttpError.of(404, "No QuestionnaireResponse with this id") from None
    try:
        loaded = await load_assessment(session, principal, wanted)
    except NotFound:
        loaded = None
    if loaded is None or loaded.assessment.status != "submitted":
        raise FhirHttpError.of(404, "No QuestionnaireResponse with this id in your organisation")
    a = loaded.assessment
    if version is not None and version != str(a.version):
        raise FhirHttpError.of(404, "Only the current version of a QuestionnaireResponse is served")
    defn = await service.definition_of(request, a)
    service.audit(session, principal, request, "fhir-read", a)
    return fhir_response(request, _served(request, defn, a), headers=_headers(a))


@router.get("/fhir/QuestionnaireResponse/{assessment_id}")
async def read_questionnaire_response(
    assessment_id: str, request: Request, principal: PatientReader, session: Session
) -> Response:
    return await _submitted(session, principal, request, assessment_id, None)


@router.get("/fhir/QuestionnaireResponse/{assessment_id}/_history/{version_id}")
async def read_questionnaire_response_version(
    assessment_id: str,
    version_id: str,
    request: Request,
    principal: PatientReader,
    session: Session,
) -> Response:
    return await _submitted(session, principal, request, assessment_id, version_id)


class ResponsesPosition(CursorPosition):
    updated_at: Instant
    id: uuid.UUID


def _patient_id(values: list[str], fhir_base: str) -> uuid.UUID | None:
    """The Patient a ``patient`` / ``subject`` value names (``<id>``, ``Patient/<id>`` or
    the full URL); None when it cannot name one of Equitas's (so nothing matches)."""
    named = {value.removeprefix(f"{fhir_base}/").removeprefix("Patient/") for value in values}
    if len(named) != 1:
        return None
    try:
        return uuid.UUID(named.pop())
    except ValueError:
        return None


def _count(values: list[str] | None) -> int:
    if not values:
        return DEFAULT_COUNT
    count = whole_number(values[-1], maximum=MAX_COUNT)
    if count is None or count == 0:
        bad = f"_count must be a whole number from 1 to {MAX_COUNT}"
        raise FhirHttpError.of(400, bad, "query._count")
    return count


def _search(
    principal: Principal, selecting: dict[str, list[str]], fhir_base: str
) -> Select[Assessment]:
    query = (
        select(Assessment)
        .join(Person, col(Person.id) == col(Assessment.person_id))
        .where(
            person_visible_to(principal),
            col(Assessment.status) == "submitted",
            col(Assessment.deleted_at).is_(None),
        )
    )
    people = selecting.get("patient", []) + selecting.get("subject", [])
    if people:
        query = query.where(col(Assessment.person_id) == _patient_id(people, fhir_base))
    try:
        bounds = last_updated_bounds(selecting.get("_lastUpdated", []))
    except FhirInputError as error:
        raise search_problem(error) from None
    for bound in bounds:
        updated = col(Assessment.updated_at)
        query = query.where(updated >= bound.at if bound.lower else updated < bound.at)
    return query


@router.get("/fhir/QuestionnaireResponse")
async def search_questionnaire_responses(
    request: Request, principal: PatientReader, session: Session
) -> Response:
    """Submitted assessments by ``patient`` (or ``subject``) and ``_lastUpdated``, oldest
    change first, ``_count`` a page (the ``next`` link carries on)."""
    allowed = {"patient", "subject", "_lastUpdated", "_count", "_cursor"}
    selecting = _selecting(request, allowed)
    count = _count(selecting.get("_count"))
    query = _search(principal, selecting, base_url(request))
    cursor = selecting.get("_cursor")
    after = decode_cursor(cursor[-1] if cursor else None, ResponsesPosition, field="query._cursor")
    order = tuple_(col(Assessment.updated_at), col(Assessment.id))
    if after is not None:
        query = query.where(order > tuple_(after.updated_at, after.id))
    query = query.order_by(col(Assessment.updated_at), col(Assessment.id)).limit(count + 1)
    found = list((await session.execute(query)).scalars())
    page, more = found[:count], len(found) > count
    next_url = None
    if more:
        last = page[-1]
        position = encode_cursor(ResponsesPosition(updated_at=last.updated_at, id=last.id))
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "_cursor"]
        next_url = str(request.url.replace_query_params(**dict(kept), _cursor=position))
    resources = []
    for a in page:
        resources.append(_served(request, await service.definition_of(request, a), a))
    record(
        session,
        principal,
        request,
        action="fhir-search",
        entity_type="assessment",
        entity_id=None,
        detail={"returned": [str(a.id) for a in page]},
    )
    return fhir_response(request, _searchset(request, "QuestionnaireResponse", resources, next_url))


# -- QuestionnaireResponse: create -----------------------------------------------------------


@router.post("/fhir/QuestionnaireResponse")
async def create_questionnaire_response(
    request: Request, principal: PatientWriter, session: Session
) -> Response:
    """A completed response about a Patient of the client's organisation, recorded as a
    submitted assessment of the team caring for them (decision 0018)."""
    body, content_type = await read_body(request)
    resource = parse_resource(body, content_type)
    loaded, defn = await record_response(session, principal, request, resource)
    a = loaded.assessment
    headers = _headers(a) | {"Location": f"/fhir/QuestionnaireResponse/{a.id}/_history/{a.version}"}
    prefer = preferred_return(request)
    if prefer == "minimal":
        return Response(status_code=201, headers=headers)
    if prefer == "OperationOutcome":
        return fhir_response(request, operation_outcome([]), 201, headers)
    return fhir_response(request, _served(request, defn, a), 201, headers)
