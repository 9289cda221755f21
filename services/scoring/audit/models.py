"""The audit log: who read or changed which person or assessment, when, through what,
who tried and was refused, and every change of who may see what.

Append-only: the migration installs a trigger that refuses UPDATE and DELETE, and the
code has no path that issues either.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from services.scoring.db.base import ScoringTable, utcnow


class AuditEvent(ScoringTable, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity_type", "entity_id"),
        Index("ix_audit_event_org_at", "organisation_code", "id"),
        Index("ix_audit_event_subject_org_at", "subject_organisation_code", "id"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    actor_subject: str = Field(max_length=128, index=True)
    actor_kind: str = Field(max_length=8)  # user | system
    client_id: str = Field(max_length=128)
    organisation_code: str | None = Field(default=None, max_length=12)  # the actor's
    # The organisation whose record it was: another trust's for a refused attempt across.
    subject_organisation_code: str | None = Field(default=None, max_length=12)
    action: str = Field(max_length=32)  # read | search | create | update | submit | ...
    entity_type: str = Field(max_length=32)  # person | assessment | team | audit | ...
    entity_id: uuid.UUID | None = None
    endpoint: str = Field(max_length=200)  # "GET /api/scoring/people/{person_id}"
    request_id: str | None = Field(default=None, max_length=128)
    outcome: str = Field(
        default="allowed",
        sa_column=Column(String(8), nullable=False, server_default="allowed"),
    )  # allowed | refused
    detail: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
