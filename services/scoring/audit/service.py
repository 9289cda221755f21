"""Writing audit events. Every entry is built by one function (``audit_event``) and written
by whichever carrier the change it describes uses:

- ``record``: in the request's ORM transaction, so the entry exists exactly when the read
  or change it describes happened;
- the hot path of recording an assessment builds it detached (``build=detached``) into its
  one statement (``assessments.record``);
- ``record_apart``: in a transaction of its own, which survives the request's rollback: a
  refused attempt (``audit.refusals``) and a service-wide change made at start-up;
- ``copy_rows``: many entries with one COPY (FHIR Bundles and bulk loads).
"""

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal

import asyncpg
import orjson
from fastapi import Request
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.direct import detached, insert_rows, insert_rows_from
from services.common.observability import request_id_var
from services.scoring.audit.models import AuditEvent
from services.scoring.db.base import utcnow

Outcome = Literal["allowed", "refused"]


def endpoint_of(request: Request) -> str:
    """The route template, not the concrete path: ids live in ``entity_id``."""
    # Not getattr(route, "path", request.url.path): that builds the URL every time.
    path = getattr(request.scope.get("route"), "path", None)
    if not isinstance(path, str):
        path = request.url.path
    return f"{request.method} {path}"[:200]


def audit_event(
    principal: Principal,
    request: Request | None,
    *,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | None,
    detail: dict[str, Any] | None = None,
    outcome: Outcome = "allowed",
    subject_organisation_code: str | None = None,
    endpoint: str | None = None,
    request_id: str | None = None,
    at: datetime | None = None,
    build: Callable[..., AuditEvent] = AuditEvent,
) -> AuditEvent:
    """The one way an entry is made (``build=partial(detached, AuditEvent)`` for
    ``insert_rows``/``copy_rows``). The record's organisation is the caller's unless said:
    an allowed access never crosses organisations. Endpoint and request id are the
    request's unless given."""
    return build(
        at=at or utcnow(),
        actor_subject=principal.subject,
        actor_kind=principal.kind,
        client_id=principal.client_id,
        organisation_code=principal.organisation_code,
        subject_organisation_code=subject_organisation_code or principal.organisation_code,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        endpoint=endpoint or (endpoint_of(request) if request is not None else ""),
        request_id=request_id or request_id_var.get(),
        outcome=outcome,
        detail=detail or {},
    )


def record(
    session: AsyncSession,
    principal: Principal,
    request: Request,
    *,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """An entry in the request's transaction."""
    session.add(
        audit_event(
            principal,
            request,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            detail=detail,
        )
    )


def apart(**values: Any) -> AuditEvent:
    """``build=`` for entries written by ``record_apart`` or ``copy_rows``."""
    return detached(AuditEvent, **values)


async def record_apart(
    connection: asyncpg.Connection,
    entry: AuditEvent,
    *,
    source: str | None = None,
    source_args: Sequence[object] = (),
) -> bool:
    """Write an entry built with ``build=apart`` in its own transaction (one statement).
    With ``source`` (our SQL, at most one row), only if it finds its row, taking values
    marked ``FromSource`` from it. Whether it was written."""
    if source is None:
        await insert_rows(connection, [entry])
        return True
    return await insert_rows_from(connection, source, source_args, [entry], "1") is not None


async def copy_rows(connection: asyncpg.Connection, entries: Sequence[AuditEvent]) -> None:
    """Write entries built with ``build=apart`` with one COPY, in the caller's transaction."""
    if not entries:
        return
    table: Table = AuditEvent.__table__  # type: ignore[attr-defined]
    columns = [c for c in table.columns if not c.primary_key]
    await connection.copy_records_to_table(
        table.name,
        columns=[c.name for c in columns],
        records=[
            tuple(
                orjson.dumps(vars(e)[c.key]).decode() if c.name == "detail" else vars(e)[c.key]
                for c in columns
            )
            for e in entries
        ],
    )
