"""Organisations (by ODS code), their teams, and who works in which team.

Team membership is Equitas's own: CIS2 says which organisation a member of staff works
for in this session; the trust's administrator says which teams they belong to.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from services.scoring.db.base import ScoringTable, utcnow


class Organisation(ScoringTable, table=True):
    __tablename__ = "organisation"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    ods_code: str = Field(max_length=12, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16, default="trust")  # trust | icb | region
    parent_ods_code: str | None = Field(default=None, max_length=12)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class Team(ScoringTable, table=True):
    __tablename__ = "team"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    service: str | None = Field(default=None, max_length=200)
    # Per-team practice: which episode types are used and how often reviews fall due.
    settings: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class Membership(ScoringTable, table=True):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("team_id", "subject"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    team_id: uuid.UUID = Field(foreign_key="team.id", index=True)
    subject: str = Field(max_length=128, index=True)  # IdP user id (CIS2 UUID)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=16)  # member | lead
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
