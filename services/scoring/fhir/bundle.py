"""Transaction and batch Bundles of UK Core Patients: reading requests, building responses.

Source: FHIR R4 Bundle and the RESTful API (http://hl7.org/fhir/R4/bundle.html,
http://hl7.org/fhir/R4/http.html#transaction): ``transaction`` succeeds or fails as a
whole; ``batch`` entries succeed or fail one by one, a failed one carrying an
OperationOutcome in ``response.outcome``; response statuses are "201 Created" style
strings; ``etag`` is a weak ETag ``W/"<versionId>"``.

What Equitas accepts (the push API creates and updates people by NHS number):

- ``POST Patient`` (create), optionally with ``ifNoneExist: identifier=<system>|<value>``
  (conditional create);
- ``PUT Patient?identifier=<system>|<value>`` (conditional update) and ``PUT Patient/<id>``
  (update by id);

where the identifier is the NHS number or the sending system's local identifier
(``identifiers``) and must be one the resource carries.

The envelope is read by hand and each Patient validated once by ``map_patient``:
validating the Bundle model as well would validate every Patient twice.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from http import HTTPStatus
from typing import Any, Literal, TypeVar

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntryRequest

from services.common.input_rules import INTEGER_MAX, whole_number
from services.scoring.fhir.identifiers import IdentifierSearch, identifier_query
from services.scoring.fhir.operation_outcome import (
    FhirInputError,
    Issue,
    operation_outcome,
)
from services.scoring.fhir.patient_mapping import MappedPatient, london_today, map_patient

__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "BundleType",
    "EntryResponse",
    "ParsedBundle",
    "ParsedEntry",
    "entry_failure_status",
    "if_match_version",
    "mismatched_identifier",
    "parse_bundle",
    "response_bundle",
]

BundleType = Literal["transaction", "batch"]
_T = TypeVar("_T")
DEFAULT_MAX_ENTRIES = 5000  # the default of ScoringSettings.fhir_max_bundle_entries
_ID_DIFFERS = "An update by id needs the resource's id to be the one in the URL"


def _element_names(model: Any) -> frozenset[str]:
    """JSON property names a fhir.resources model allows (with ``_x`` companions)."""
    names = {info.alias for info in model.model_fields.values() if info.alias}
    return frozenset(names - {"fhir_comments", "resource_type"})


# search and response belong to searchset and response Bundles, never to a request.
_BUNDLE_NAMES = _element_names(Bundle) | {"resourceType"}
_ENTRY_NAMES = _element_names(BundleEntry) - {"search", "response", "_search", "_response"}
_REQUEST_NAMES = _element_names(BundleEntryRequest)


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One request of the Bundle. ``issues`` is empty when ``patient`` is set."""

    index: int
    method: Literal["POST", "PUT"] | None
    url: str | None
    full_url: str | None
    if_none_exist: IdentifierSearch | None  # of a conditional create
    conditional: IdentifierSearch | None  # of a conditional update
    person_id: uuid.UUID | None  # of an update by id (PUT Patient/<id>)
    if_match_version: int | None  # from ifMatch W/"n": update only that version
    resource: dict[str, Any] | None
    patient: MappedPatient | None
    issues: tuple[Issue, ...]


@dataclass(frozen=True, slots=True)
class ParsedBundle:
    type: BundleType
    entries: tuple[ParsedEntry, ...]


def if_match_version(raw: Any, where: str) -> int:
    """The version an ``If-Match`` / ``ifMatch`` ETag (``W/"3"``) names."""
    text = raw.strip() if isinstance(raw, str) else ""
    version = whole_number(text.removeprefix("W/").strip('"'), maximum=INTEGER_MAX)
    if version is None:
        raise FhirInputError([Issue.error("value", 'If-Match must be an ETag like W/"3"', where)])
    return version


def mismatched_identifier(
    condition: IdentifierSearch | None, patient: MappedPatient, where: str
) -> Issue | None:
    """A condition must name an identifier the resource itself carries."""
    if condition is None or condition.names(patient):
        return None
    return Issue.error("invalid", "The resource does not carry this identifier", where)


def _unknown_names(item: dict[str, Any], allowed: frozenset[str], where: str) -> list[Issue]:
    return [
        Issue.error("structure", f"Unknown or disallowed element '{name}'", f"{where}.{name}")
        for name in item
        if name not in allowed
    ]


def _collecting(issues: list[Issue], read: Callable[[], _T]) -> _T | None:
    """``read()``, or None with its issues added: one bad condition must not hide others."""
    try:
        return read()
    except FhirInputError as error:
        issues.extend(error.issues)
        return None


def _logical_id(path: str) -> uuid.UUID | None:
    """The id of ``Patient/<id>``, None when the path is not one."""
    kind, _, raw = path.partition("/")
    try:
        return uuid.UUID(raw) if kind == "Patient" and raw else None
    except ValueError:
        return None


def _conditions(
    request: dict[str, Any], method: Any, url: str, here: str, local_system: str | None
) -> tuple[dict[str, Any], list[Issue]]:
    """The identifier conditions of a create/update, and the issues in reading them."""
    issues: list[Issue] = []
    if_none_exist, if_match = request.get("ifNoneExist"), request.get("ifMatch")
    path, _, query = url.partition("?")
    read: dict[str, Any] = {}
    if method == "POST" and url != "Patient":
        only = "POST is supported to Patient only"
        issues.append(Issue.error("not-supported", only, f"{here}.url"))
    if method == "PUT" and path == "Patient" and query:
        url_where = f"{here}.url"
        read["conditional"] = _collecting(
            issues, lambda: identifier_query(query, url_where, local_system)
        )
    elif method == "PUT" and not query and _logical_id(path) is not None:
        read["person_id"] = _logical_id(path)
    elif method == "PUT":
        put = "Use PUT Patient?identifier=<system>|<value> or PUT Patient/<id>"
        issues.append(Issue.error("not-supported", put, f"{here}.url"))
    if if_none_exist is not None and method != "POST":
        only_post = "ifNoneExist applies to POST only"
        issues.append(Issue.error("invalid", only_post, f"{here}.ifNoneExist"))
    elif if_none_exist is not None:
        # The spec sends only the query part; "Patient?..." is tolerated, as HAPI does.
        text = if_none_exist if isinstance(if_none_exist, str) else ""
        search = text.removeprefix("Patient").removeprefix("?")
        where = f"{here}.ifNoneExist"
        read["if_none_exist"] = _collecting(
            issues, lambda: identifier_query(search, where, local_system)
        )
    if if_match is not None and method != "PUT":
        issues.append(Issue.error("invalid", "ifMatch applies to PUT only", f"{here}.ifMatch"))
    elif if_match is not None:
        where = f"{here}.ifMatch"
        read["if_match"] = _collecting(issues, lambda: if_match_version(if_match, where))
    return read, issues


def _read_request(
    entry: dict[str, Any], where: str, local_system: str | None
) -> tuple[dict[str, Any], list[Issue]]:
    """Method, url and conditions of one entry's request, and the issues found in it."""
    request = entry.get("request")
    here = f"{where}.request"
    if not isinstance(request, dict):
        return {}, [Issue.error("required", "A request is required", here)]
    issues = _unknown_names(request, _REQUEST_NAMES, here)
    method, url = request.get("method"), request.get("url")
    read: dict[str, Any] = {"method": None, "url": url if isinstance(url, str) else None}
    if method in ("POST", "PUT"):
        read["method"] = method
    else:
        supported = "Only POST (create) and PUT (update) are supported"
        issues.append(Issue.error("not-supported", supported, f"{here}.method"))
    if not isinstance(url, str):
        issues.append(Issue.error("required", "request.url is required", f"{here}.url"))
        return read, issues
    conditions, condition_issues = _conditions(request, method, url, here, local_system)
    return read | conditions, issues + condition_issues


def _parse_entry(entry: Any, index: int, today: date, local_system: str | None) -> ParsedEntry:
    where = f"Bundle.entry[{index}]"
    if not isinstance(entry, dict):
        issue = Issue.error("structure", "An entry must be a JSON object", where)
        return ParsedEntry(index, None, None, None, None, None, None, None, None, None, (issue,))
    issues = _unknown_names(entry, _ENTRY_NAMES, where)
    request, request_issues = _read_request(entry, where, local_system)
    issues += request_issues
    full_url = entry.get("fullUrl")
    resource = entry.get("resource")
    patient: MappedPatient | None = None
    if resource is None:
        issues.append(Issue.error("required", "A resource is required", f"{where}.resource"))
    else:
        try:
            patient = map_patient(
                resource,
                expression_prefix=f"{where}.resource",
                today=today,
                local_system=local_system,
            )
        except FhirInputError as error:
            issues += error.issues
    if patient is not None:
        for key, element in (("conditional", "url"), ("if_none_exist", "ifNoneExist")):
            where_condition = f"{where}.request.{element}"
            mismatch = mismatched_identifier(request.get(key), patient, where_condition)
            issues += [mismatch] if mismatch is not None else []
        person_id = request.get("person_id")
        if person_id is not None and patient.id != str(person_id):
            issues.append(Issue.error("invalid", _ID_DIFFERS, f"{where}.resource.id"))
    return ParsedEntry(
        index=index,
        method=request.get("method"),
        url=request.get("url"),
        full_url=full_url if isinstance(full_url, str) else None,
        if_none_exist=request.get("if_none_exist"),
        conditional=request.get("conditional"),
        person_id=request.get("person_id"),
        if_match_version=request.get("if_match"),
        resource=resource if isinstance(resource, dict) else None,
        patient=None if issues else patient,
        issues=tuple(issues),
    )


def _envelope_issues(resource: Any, max_entries: int) -> list[Issue]:
    if not isinstance(resource, dict) or resource.get("resourceType") != "Bundle":
        return [Issue.error("structure", "Expected a Bundle resource", "Bundle.resourceType")]
    issues = _unknown_names(resource, _BUNDLE_NAMES, "Bundle")
    if resource.get("type") not in ("transaction", "batch"):
        only = "Only transaction and batch Bundles are accepted"
        issues.append(Issue.error("not-supported", only, "Bundle.type"))
    entries = resource.get("entry", [])
    if not isinstance(entries, list):
        issues.append(Issue.error("structure", "Bundle.entry must be an array", "Bundle.entry"))
    elif len(entries) > max_entries:
        # Refused before any entry is read: the point of the limit is to bound work.
        limit = f"A Bundle may have at most {max_entries} entries"
        issues.append(Issue.error("too-costly", limit, "Bundle.entry"))
    return issues


def _repeated_full_urls(entries: Sequence[ParsedEntry]) -> list[Issue]:
    """Bundle invariant bdl-7: fullUrl is unique within a Bundle."""
    first_by_url: dict[str, int] = {}
    issues: list[Issue] = []
    for entry in entries:
        if entry.full_url is None:
            continue
        first = first_by_url.setdefault(entry.full_url, entry.index)
        if first != entry.index:
            where = f"Bundle.entry[{entry.index}].fullUrl"
            issues.append(Issue.error("duplicate", f"Entry {first} has the same fullUrl", where))
    return issues


def _repeated_patients(entries: Sequence[ParsedEntry]) -> list[Issue]:
    """A transaction may not touch one resource twice (FHIR R4 http.html#trules): no two
    entries share an NHS number, a local identifier or an id."""
    first_by_key: dict[tuple[str, str], int] = {}
    issues: list[Issue] = []
    for entry in entries:
        if entry.patient is None:
            continue
        keys = [
            ("NHS number", entry.patient.nhs_number),
            ("local identifier", entry.patient.local_id),
            ("id", str(entry.person_id) if entry.person_id else None),
        ]
        for what, value in keys:
            if value is None:
                continue
            first = first_by_key.setdefault((what, value), entry.index)
            if first != entry.index:
                same = f"Entry {first} has the same {what}"
                issues.append(Issue.error("duplicate", same, f"Bundle.entry[{entry.index}]"))
                break
    return issues


def parse_bundle(
    resource: Any,
    *,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    today: date | None = None,
    local_system: str | None = None,
) -> ParsedBundle:
    """Read a transaction or batch Bundle of Patient creates/updates (``local_system``:
    the sending client's own identifier system, if it has one).

    Raises ``FhirInputError`` for envelope problems, for more than ``max_entries``
    entries, and, in a transaction, for any entry problem (all of them, listed together).
    In a batch, entry problems stay on their ``ParsedEntry.issues``.
    """
    issues = _envelope_issues(resource, max_entries)
    if issues:
        raise FhirInputError(issues)
    bundle_type: BundleType = resource["type"]
    day = today or london_today()  # once per Bundle, not per entry
    entries = tuple(
        _parse_entry(entry, i, day, local_system)
        for i, entry in enumerate(resource.get("entry", []))
    )
    problems = _repeated_full_urls(entries)  # the Bundle itself is invalid: both types
    if bundle_type == "transaction":
        problems += [issue for entry in entries for issue in entry.issues]
        problems += _repeated_patients(entries)
    if problems:
        raise FhirInputError(problems)
    return ParsedBundle(bundle_type, entries)


@dataclass(frozen=True, slots=True)
class EntryResponse:
    """What happened to one entry, for the response Bundle."""

    status: int  # HTTP status: 201, 200, 4xx
    location: str | None = None  # "Patient/<id>/_history/<version>"
    version_id: int | None = None
    last_modified: datetime | None = None
    issues: tuple[Issue, ...] = ()


def entry_failure_status(issues: Sequence[Issue]) -> int:
    """400 when the entry could not be read at all (FHIR: "could not be parsed or failed
    basic FHIR validation rules"), else 422 (violates the profile or business rules)."""
    unreadable = {"structure", "not-supported", "too-costly"}
    if any(issue.code in unreadable for issue in issues):
        return HTTPStatus.BAD_REQUEST.value
    return HTTPStatus.UNPROCESSABLE_ENTITY.value


_STATUS_TEXT = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}


def _entry_json(response: EntryResponse, instants: dict[Any, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"status": _STATUS_TEXT[response.status]}
    if response.location is not None:
        body["location"] = response.location
    if response.version_id is not None:
        body["etag"] = f'W/"{response.version_id}"'
    at = response.last_modified
    if at is not None:
        if at.tzinfo is None:  # a FHIR instant needs its offset
            raise ValueError("EntryResponse.last_modified must be timezone-aware")
        key = (at, at.utcoffset())  # equal instants in other offsets read differently
        text = instants.get(key)
        body["lastModified"] = (
            text if text is not None else instants.setdefault(key, at.isoformat())
        )
    if response.issues:
        body["outcome"] = operation_outcome(response.issues)
    return {"response": body}


def response_bundle(
    bundle_type: BundleType, responses: Sequence[EntryResponse], *, bundle_id: str | None = None
) -> dict[str, Any]:
    """The ``transaction-response`` / ``batch-response`` Bundle, entries in request order."""
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": f"{bundle_type}-response"}
    if bundle_id is not None:
        bundle["id"] = bundle_id
    instants: dict[Any, str] = {}  # most entries share one: the request's time
    bundle["entry"] = [_entry_json(response, instants) for response in responses]
    return bundle
