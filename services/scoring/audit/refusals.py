"""Refused attempts on identifiable data are audited, in a transaction of their own.

A refusal rolls back the request's transaction, and with it anything the request wrote, so
the entry cannot be written there. The routes of identifiable data (people, caseloads,
assessments) are ``AuditedRoute``s; a router that needs its own route class (FHIR) carries
the ``AuditRefusals`` dependency instead. Either way, when a request ends in 403, 404, 409
or 412, ``audit_refusal`` writes who tried, which record, what (the endpoint) and the
outcome. The route class costs nothing per request that is not refused (a dependency with
``yield`` costs tens of microseconds on every one, too much for the hot path of recording).

Which record: the one a route declared with ``about(request, ...)`` (one named in the body),
else the one named in the path (``person_id``, ``assessment_id``, a FHIR ``patient_id``).
The entry is stamped with the record's organisation, looked up in the same statement, so
the administrator of the organisation whose record it was sees it. A 404 is recorded only
when the record exists: a guessed id that names nothing is not an attempt on anyone's data.

Entries are written through a small pool of their own (``open_audit_pool``): the route
class sees the refusal while the request still holds its connection, and a flood of
refusals must never wait on, or starve, the pool requests use.
"""

import logging
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from fastapi import Depends, FastAPI, Request, Response

from services.common.auth import Principal
from services.common.database import make_engine
from services.common.direct import FromSource, direct_connection
from services.common.idempotency import IdempotentRoute
from services.scoring.audit.service import apart, audit_event, record_apart

log = logging.getLogger("equitas.audit")

REFUSED_STATUSES = frozenset({403, 404, 409, 412})

# Path parameters that name a record, and what they name.
_PATH_RECORDS = {"person_id": "person", "assessment_id": "assessment", "patient_id": "person"}

# The organisation a record belongs to, by entity type ($1: its id).
_ORGANISATION_OF = {
    "person": "SELECT o.ods_code FROM person r"
    " JOIN organisation o ON o.id = r.organisation_id WHERE r.id = $1",
    "assessment": "SELECT o.ods_code FROM assessment r JOIN team t ON t.id = r.team_id"
    " JOIN organisation o ON o.id = t.organisation_id WHERE r.id = $1",
}
# One row with the record's organisation; none when the record must exist ($2) and does not.
_SOURCES = {
    entity_type: f"SELECT s.ods_code FROM (SELECT ({lookup}) AS ods_code) s"  # noqa: S608
    " WHERE s.ods_code IS NOT NULL OR NOT $2::boolean"
    for entity_type, lookup in _ORGANISATION_OF.items()
}
_SUBJECT_ORGANISATION = FromSource("src.ods_code")


def about(request: Request, entity_type: str, entity_id: uuid.UUID) -> None:
    """Declare the record a request concerns when it is not named in the path."""
    request.state.audit_subject = (entity_type, entity_id)


def _subject(request: Request) -> tuple[str, uuid.UUID] | None:
    declared = getattr(request.state, "audit_subject", None)
    if declared is not None:
        subject: tuple[str, uuid.UUID] = declared
        return subject
    for name, entity_type in _PATH_RECORDS.items():
        raw = request.path_params.get(name)
        if raw is not None:
            try:
                return entity_type, uuid.UUID(str(raw))
            except ValueError:
                return None
    return None


async def audit_refusal(request: Request, exc: Exception) -> None:
    """Audit ``exc`` if it refuses an attempt (never raises: the refusal stands)."""
    status = getattr(exc, "status", None)  # ProblemError and FhirHttpError carry one
    principal = getattr(request.state, "principal", None)
    if status in REFUSED_STATUSES and isinstance(principal, Principal):
        try:
            await _record_refusal(request, principal, status)
        except Exception:  # say that its entry is missing
            log.exception("refused attempt not audited", extra={"status": status})


class AuditedRoute(IdempotentRoute):
    """A route whose refused attempts are audited (``route_class=`` of a router); an
    ``@idempotent`` one takes ``Idempotency-Key``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def audited(request: Request) -> Response:
            try:
                return await handle(request)
            except Exception as exc:
                await audit_refusal(request, exc)
                raise

        return audited


async def _audit_refusals(request: Request) -> AsyncIterator[None]:
    try:
        yield
    except Exception as exc:
        await audit_refusal(request, exc)
        raise


# On a router with a route class of its own: every refused attempt on its routes is audited.
AuditRefusals = Depends(_audit_refusals, scope="function")


async def open_audit_pool(app: FastAPI) -> None:
    url = app.state.engine.url.render_as_string(hide_password=False)
    app.state.audit_engine = make_engine(url, pool_size=2)


async def close_audit_pool(app: FastAPI) -> None:
    await app.state.audit_engine.dispose()


async def _record_refusal(request: Request, principal: Principal, status: int) -> None:
    subject = _subject(request)
    if subject is None and status == 404:
        return
    # The status only: a problem's text is ours, but an OperationOutcome can quote input.
    detail: dict[str, Any] = {"status": status}
    async with direct_connection(request.app.state.audit_engine) as connection:
        if subject is None:
            entry = audit_event(
                principal,
                request,
                action=_tried(request),
                entity_type="none",
                entity_id=None,
                outcome="refused",
                detail=detail,
                build=apart,
            )
            await record_apart(connection, entry)
            return
        entity_type, entity_id = subject
        entry = audit_event(
            principal,
            request,
            action=_tried(request),
            entity_type=entity_type,
            entity_id=entity_id,
            outcome="refused",
            subject_organisation_code=_SUBJECT_ORGANISATION,
            detail=detail,
            build=apart,
        )
        await record_apart(
            connection, entry, source=_SOURCES[entity_type], source_args=(entity_id, status == 404)
        )


def _tried(request: Request) -> str:
    return "read" if request.method in ("GET", "HEAD") else "change"
