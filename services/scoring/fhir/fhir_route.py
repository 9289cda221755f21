"""Every error on a ``/fhir`` path is an OperationOutcome, never problem+json.

FHIR clients (EPRs) read errors as OperationOutcome resources
(http://hl7.org/fhir/R4/http.html#summary: "servers SHOULD return an OperationOutcome"), so
the FHIR routes use ``FhirRoute``: it swaps the app's problem+json exception handlers for
the ones below while one of its routes handles a request. Authentication (401),
permissions (403), unknown ids (404), body limits (413), media types (415), validation
(400/422) and unexpected failures (500) all come out as ``application/fhir+json``
OperationOutcomes with the right status. Unknown ``/fhir/...`` paths and wrong methods
reach a catch-all FHIR route (``routes.py``) and so get the same treatment.

The handlers run after the request's dependencies have exited, so the database
transaction has already been rolled back when an error is rendered: a failed request
writes nothing.
"""

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from services.common.errors import ProblemError, sqlstate, unexpected_problem
from services.common.idempotency import IdempotentRoute
from services.common.observability import route_of
from services.scoring.fhir.bundle import entry_failure_status
from services.scoring.fhir.operation_outcome import (
    FhirInputError,
    Issue,
    IssueType,
    fhirpath_from_loc,
    operation_outcome,
)
from services.scoring.fhir.xml_output import resource_to_xml

__all__ = [
    "FHIR_JSON",
    "FHIR_XML",
    "FhirHttpError",
    "FhirResponse",
    "FhirRoute",
    "fhir_response",
    "outcome_response",
    "wants_xml",
]

FHIR_JSON = "application/fhir+json"
FHIR_XML = "application/fhir+xml"
# _format values and Accept media types (FHIR R4 http.html#mime-type), by format.
_XML_NAMES = frozenset({"xml", "text/xml", "application/xml", FHIR_XML})
_JSON_NAMES = frozenset({"json", "application/json", FHIR_JSON, "*/*", "application/*"})
log = logging.getLogger("equitas.fhir")

# Postgres: deadlock detected, serialization failure. Retrying the request succeeds.
_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})

_ISSUE_TYPE_FOR_STATUS: dict[int, IssueType] = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    412: "conflict",
    413: "too-costly",
    415: "not-supported",
    422: "invalid",
    428: "required",
    503: "transient",
}


class FhirResponse(Response):
    """FHIR JSON, serialised with orjson (Bundles of thousands of entries)."""

    media_type = FHIR_JSON

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class FhirXmlResponse(Response):
    media_type = FHIR_XML

    def render(self, content: Any) -> bytes:
        return resource_to_xml(content)


def wants_xml(request: Request) -> bool:
    """XML when ``_format`` says so, else when the most preferred type in ``Accept`` that
    Equitas can produce is an XML one; JSON otherwise (also when nothing matches)."""
    requested = request.query_params.get("_format")
    if requested is not None:
        return requested.strip().lower() in _XML_NAMES
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(request.headers.get("accept", "").split(",")):
        media_type, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media_type = media_type.lower()
        if quality > 0 and (media_type in _XML_NAMES or media_type in _JSON_NAMES):
            ranked.append((-quality, position, media_type))
    return bool(ranked) and min(ranked)[2] in _XML_NAMES


def fhir_response(
    request: Request,
    content: dict[str, Any],
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``content`` (FHIR JSON) in the format the client asked for."""
    response_class = FhirXmlResponse if wants_xml(request) else FhirResponse
    all_headers = {"Vary": "Accept", **(headers or {})}
    return response_class(content, status_code=status_code, headers=all_headers)


class FhirHttpError(Exception):
    """An error with its HTTP status and OperationOutcome issues."""

    def __init__(
        self, status: int, issues: Sequence[Issue], headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__("; ".join(issue.diagnostics for issue in issues))
        self.status = status
        self.issues = list(issues)
        self.headers = dict(headers or {})

    @classmethod
    def of(cls, status: int, diagnostics: str, *expression: str) -> "FhirHttpError":
        code = _ISSUE_TYPE_FOR_STATUS.get(status, "processing")
        return cls(status, [Issue.error(code, diagnostics, *expression)])


def outcome_response(
    request: Request,
    status: int,
    issues: Sequence[Issue],
    headers: Mapping[str, str] | None = None,
) -> Response:
    return fhir_response(request, operation_outcome(issues), status, headers)


async def _input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FhirInputError)
    return outcome_response(request, entry_failure_status(exc.issues), exc.issues)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FhirHttpError)
    return outcome_response(request, exc.status, exc.issues, exc.headers)


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    code = _ISSUE_TYPE_FOR_STATUS.get(exc.status, "processing")
    issues = [Issue.error(code, exc.detail or exc.title)]
    issues += [Issue.error(code, problem.message, problem.field) for problem in exc.errors]
    return outcome_response(request, exc.status, issues, exc.headers)


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    issues = [
        Issue.error("invalid", str(error.get("msg", "invalid")), _request_path(error.get("loc")))
        for error in exc.errors()
    ]
    return outcome_response(request, HTTPStatus.BAD_REQUEST, issues)


def _request_path(loc: Any) -> str:
    """``("query", "identifier")`` -> ``query.identifier``: where in the request, not in a
    resource (FHIRPath steps after the first part)."""
    steps = list(loc) if isinstance(loc, list | tuple) else []
    if not steps:
        return "request"
    return fhirpath_from_loc(steps[1:], str(steps[0]))


async def _starlette_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    code = _ISSUE_TYPE_FOR_STATUS.get(status, "processing")
    diagnostics = str(exc.detail) if exc.detail and exc.detail != phrase else phrase
    return outcome_response(request, status, [Issue.error(code, diagnostics)], exc.headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    if sqlstate(exc) in _TRANSIENT_SQLSTATES:
        log.warning("transient database conflict", extra={"route": route_of(request.scope)})
        busy = "A concurrent request touched the same people; retry this request"
        issues = [Issue.error("transient", busy)]
        return outcome_response(request, 503, issues, {"Retry-After": "1"})
    problem = unexpected_problem(request, exc)  # logged there, as for every service
    diagnostics = problem.detail or problem.title
    if problem.status == 500:
        issue = Issue("fatal", "exception", diagnostics)
    else:
        issue = Issue.error("transient", diagnostics)
    return outcome_response(request, problem.status, [issue], problem.headers)


FHIR_EXCEPTION_HANDLERS: dict[Any, Any] = {
    FhirInputError: _input_error,
    FhirHttpError: _http_error,
    ProblemError: _problem,
    RequestValidationError: _validation,
    StarletteHTTPException: _starlette_http,
    Exception: _unexpected,
}


class FhirRoute(IdempotentRoute):
    """An APIRoute whose errors are OperationOutcomes (see the module docstring); an
    ``@idempotent`` one takes ``Idempotency-Key``."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # FastAPI's request handler reads this scope key (set by Starlette's
        # ExceptionMiddleware for the whole app) to find exception handlers; for this
        # route's requests the FHIR handlers take its place.
        scope["starlette.exception_handlers"] = (FHIR_EXCEPTION_HANDLERS, {})
        try:
            await super().handle(scope, receive, send)
        except StarletteHTTPException as exc:  # raised by the route itself (e.g. 405)
            response = await _starlette_http(Request(scope, receive), exc)
            await response(scope, receive, send)
