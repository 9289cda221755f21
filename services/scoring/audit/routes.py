"""Organisation administrators read their organisation's audit log: what its staff and
systems did, and what anyone tried on its records (a refused attempt from another trust
included), with the service-wide changes (role mapping). There is no route that changes or
deletes an entry, and reading the log is itself recorded."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import and_, or_, select
from sqlmodel import col

from services.common.auth import Principal, require
from services.common.database import Session
from services.common.errors import problem_responses
from services.common.input_rules import BIGINT_MAX, Instant
from services.common.pagination import CursorPosition, Page, decode_cursor, encode_cursor
from services.common.permissions import Permission
from services.scoring.audit.models import AuditEvent
from services.scoring.audit.service import Outcome, record

router = APIRouter(
    prefix="/api/scoring", tags=["audit"], responses=problem_responses(401, 403, 422)
)
AuditReader = Annotated[Principal, Depends(require(Permission.audit_read))]


class AuditPosition(CursorPosition):
    """Entries are listed newest first, by id."""

    id: Annotated[int, Field(ge=1, le=BIGINT_MAX)]


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor_subject: str
    actor_kind: str
    client_id: str
    organisation_code: str | None = Field(description="The actor's organisation")
    subject_organisation_code: str | None = Field(
        description="The organisation whose record it was"
    )
    outcome: Outcome
    action: str
    entity_type: str
    entity_id: uuid.UUID | None
    endpoint: str
    request_id: str | None
    detail: dict[str, Any]


@router.get("/audit", summary="Who read or changed what in your organisation, newest first")
async def read_audit(
    principal: AuditReader,
    session: Session,
    request: Request,
    entity_id: uuid.UUID | None = None,
    actor: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[str | None, Query(max_length=32)] = None,
    outcome: Annotated[
        Outcome | None, Query(description="refused: attempts that were refused")
    ] = None,
    since: Instant | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[AuditEntry]:
    mine = principal.organisation_code
    query = select(AuditEvent).where(
        or_(
            col(AuditEvent.organisation_code) == mine,
            col(AuditEvent.subject_organisation_code) == mine,
            # Service-wide: no organisation either side (the role mapping).
            and_(
                col(AuditEvent.organisation_code).is_(None),
                col(AuditEvent.subject_organisation_code).is_(None),
            ),
        )
    )
    if outcome is not None:
        query = query.where(col(AuditEvent.outcome) == outcome)
    if entity_id is not None:
        query = query.where(col(AuditEvent.entity_id) == entity_id)
    if actor is not None:
        query = query.where(col(AuditEvent.actor_subject) == actor)
    if action is not None:
        query = query.where(col(AuditEvent.action) == action)
    if since is not None:
        query = query.where(col(AuditEvent.at) >= since)
    position = decode_cursor(cursor, AuditPosition)
    if position is not None:
        query = query.where(col(AuditEvent.id) < position.id)
    rows = list(
        (
            await session.execute(query.order_by(col(AuditEvent.id).desc()).limit(limit + 1))
        ).scalars()
    )
    page = rows[:limit]
    record(
        session,
        principal,
        request,
        action="read",
        entity_type="audit",
        entity_id=entity_id,
        detail={"returned": len(page)},
    )
    return Page(
        items=[AuditEntry.model_validate(r, from_attributes=True) for r in page],
        next_cursor=encode_cursor(AuditPosition(id=page[-1].id))
        if len(rows) > limit and page
        else None,
    )
