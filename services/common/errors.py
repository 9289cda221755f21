"""RFC 9457 problem+json errors: one exception family and one set of handlers."""

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.common.observability import request_id_var, route_of

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://equitas.nhs.example/problems/"
log = logging.getLogger("equitas.errors")


class FieldProblem(BaseModel):
    """One field that was wrong, named as a JSON path into the request."""

    field: str
    message: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] = []


class ProblemError(Exception):
    """A domain error that becomes a problem+json response."""

    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldProblem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers or {}


class InvalidInput(ProblemError):
    status, title, slug = 422, "The request has invalid fields", "invalid-input"


class Unauthorized(ProblemError):
    status, title, slug = 401, "Authentication required", "unauthorized"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class Forbidden(ProblemError):
    status, title, slug = 403, "Not permitted", "forbidden"


class NotFound(ProblemError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(ProblemError):
    status, title, slug = 409, "Conflict", "conflict"


class PreconditionFailed(ProblemError):
    status, title, slug = 412, "The resource changed since you read it", "precondition-failed"


class PreconditionRequired(ProblemError):
    status, title, slug = 428, "If-Match header required", "precondition-required"


class PayloadTooLarge(ProblemError):
    status, title, slug = 413, "Request too large", "payload-too-large"


class TooManyRequests(ProblemError):
    status, title, slug = 429, "Too many requests", "too-many-requests"


def problem_response(
    status: int,
    title: str,
    slug: str,
    *,
    detail: str | None = None,
    errors: Sequence[FieldProblem] = (),
    instance: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=PROBLEM_BASE + slug,
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=list(errors),
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def field_path(loc: Sequence[Any]) -> str:
    """``("body", "items", 2, "code")`` -> ``body.items[2].code``: locations start with
    where the value came from ("body", "query", "path", "header")."""
    parts = [str(p) for p in loc]
    out = ""
    for p in parts:
        if p.isdigit():
            out += f"[{p}]"
        else:
            out += ("." if out else "") + p
    return out


async def _handle_problem(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, ProblemError):  # pragma: no cover - registered for this type only
        raise exc
    return problem_response(
        exc.status,
        exc.title,
        exc.slug,
        detail=exc.detail,
        errors=exc.errors,
        instance=request.url.path,
        headers=exc.headers,
    )


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):  # pragma: no cover
        raise exc
    errors = [
        FieldProblem(field=field_path(e.get("loc", ())), message=str(e.get("msg", "invalid")))
        for e in exc.errors()
    ]
    names = ", ".join(e.field for e in errors)
    return problem_response(
        422,
        InvalidInput.title,
        InvalidInput.slug,
        detail=f"Check these fields: {names}",
        errors=errors,
        instance=request.url.path,
    )


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StarletteHTTPException):  # pragma: no cover
        raise exc
    titles = {404: "Not found", 405: "Method not allowed", 401: "Authentication required"}
    return problem_response(
        exc.status_code,
        titles.get(exc.status_code, "Request failed"),
        f"http-{exc.status_code}",
        detail=str(exc.detail) if exc.detail else None,
        instance=request.url.path,
        headers=dict(exc.headers or {}),
    )


# Postgres SQLSTATEs that mean the connection went (class 08) or the server is shutting
# down or starting (57P01-57P03).
_CONNECTION_LOST_SQLSTATES = ("08", "57P01", "57P02", "57P03")
# Insufficient resources (no connection slot left, memory, disk): the connection may be
# fine, but nothing was done and a retry shortly may succeed.
_INSUFFICIENT_RESOURCES_SQLSTATE_CLASS = "53"
DATABASE_UNAVAILABLE = (
    "The database cannot be reached just now; nothing was written. Retry shortly."
)


def sqlstate(exc: BaseException) -> str | None:
    """The Postgres SQLSTATE of a driver error, raw (asyncpg) or wrapped by SQLAlchemy."""
    for candidate in (exc, getattr(exc, "orig", None), exc.__cause__):
        state = getattr(candidate, "sqlstate", None)
        if isinstance(state, str):
            return state
    return None


def connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the connection itself is gone (a restart, a dropped or refused
    connection), so it must not be used again."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, ConnectionError):
        return True
    state = sqlstate(exc)
    return state is not None and state.startswith(_CONNECTION_LOST_SQLSTATES)


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot serve just now (the connection was lost, no
    free connection in the pool or on the server, resources exhausted): worth a 503 and a
    retry, not a 500."""
    if connection_lost(exc) or isinstance(exc, sa_exc.TimeoutError):
        return True
    state = sqlstate(exc)
    return state is not None and state.startswith(_INSUFFICIENT_RESOURCES_SQLSTATE_CLASS)


class ServiceUnavailable(ProblemError):
    status, title, slug = 503, "Service unavailable", "unavailable"


class UnexpectedError(ProblemError):
    status, title, slug = 500, "Unexpected error", "unexpected"


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    module = "" if kind.__module__ == "builtins" else kind.__module__ + "."
    return module + kind.__qualname__


def database_fault(exc: BaseException) -> tuple[str, str | None]:
    """What kind of database fault ``exc`` is, for the log: its type and the types it wraps
    (``sqlalchemy.exc.DBAPIError <- asyncpg.exceptions.TooManyConnectionsError``), and the
    SQLSTATE where the server gave one. Types and codes only: a message may quote SQL
    parameters, a socket path or a value, so none is kept."""
    names: list[str] = []
    state: str | None = None
    current: BaseException | None = exc
    seen: list[BaseException] = []
    while current is not None and all(current is not s for s in seen) and len(seen) < 6:
        seen.append(current)
        name = _type_name(current)
        if not names or names[-1] != name:
            names.append(name)
        found = getattr(current, "sqlstate", None)
        if state is None and isinstance(found, str):
            state = found
        # SQLAlchemy's DBAPIError holds the driver's error in .orig, the asyncpg adapter's
        # errors hold asyncpg's as __cause__ (as database._chain follows them).
        current = getattr(current, "orig", None) or current.__cause__
    return " <- ".join(names), state


def unexpected_problem(request: Request, exc: Exception) -> ProblemError:
    """What to answer for an exception no handler knows, logged: 503 when the database
    cannot be reached, else 500. Both name the request id and say nothing of the fault;
    the log line holds the exception's types and frames only (``observability``), and the
    503's names the kind of fault (``database_fault``) so an operator can tell a restart
    from a full pool or a server out of connections."""
    route = route_of(request.scope)
    if database_unavailable(exc):
        kind, state = database_fault(exc)
        log.warning(
            "database unavailable: %s%s",
            kind,
            f" [SQLSTATE {state}]" if state else "",
            extra={"route": route, "error_type": kind, "sqlstate": state},
        )
        return ServiceUnavailable(DATABASE_UNAVAILABLE, headers={"Retry-After": "1"})
    log.exception("unexpected error", extra={"route": route})
    return UnexpectedError(
        "Something went wrong on our side; nothing was written. "
        f"Request id {request_id_var.get()} identifies it in our logs."
    )


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    return await _handle_problem(request, unexpected_problem(request, exc))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    # Answered by RequestContextMiddleware (services.common.app); this is the fallback for a
    # fault in the middleware itself.
    app.add_exception_handler(Exception, unexpected_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting problem+json for these statuses."""
    return {
        s: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Problem details"}
        for s in statuses
    }
