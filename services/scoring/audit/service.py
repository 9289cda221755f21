"""Writing audit events. Called inside the request's transaction, so an audit entry exists
exactly when the read or change it describes happened."""

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.observability import request_id_var
from services.scoring.audit.models import AuditEvent


def endpoint_of(request: Request) -> str:
    """The route template, not the concrete path: ids live in ``entity_id``."""
    # Not getattr(route, "path", request.url.path): that builds the URL every time.
    path = getattr(request.scope.get("route"), "path", None)
    if not isinstance(path, str):
        path = request.url.path
    return f"{request.method} {path}"[:200]


def audit_event(
    principal: Principal,
    request: Request,
    *,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | None,
    detail: dict[str, Any] | None = None,
    build: Callable[..., AuditEvent] = AuditEvent,
) -> AuditEvent:
    """The entry (``build=partial(detached, AuditEvent)`` for ``insert_rows``)."""
    return build(
        actor_subject=principal.subject,
        actor_kind=principal.kind,
        client_id=principal.client_id,
        organisation_code=principal.organisation_code,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        endpoint=endpoint_of(request),
        request_id=request_id_var.get(),
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
