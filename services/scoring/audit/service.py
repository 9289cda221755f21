"""Writing audit events. Called inside the request's transaction, so an audit entry exists
exactly when the read or change it describes happened."""

import uuid
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.observability import request_id_var
from services.scoring.audit.models import AuditEvent


def endpoint_of(request: Request) -> str:
    """The route template, not the concrete path: ids live in ``entity_id``."""
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    return f"{request.method} {path}"[:200]


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
        AuditEvent(
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
    )
