"""Instrument definitions stored in the database (uploaded versions; built-ins ship as files)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from services.scoring.db.base import ScoringTable, utcnow


class StoredDefinition(ScoringTable, table=True):
    __tablename__ = "instrument_definition"
    __table_args__ = (UniqueConstraint("instrument", "variant", "version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    instrument: str = Field(max_length=64)
    variant: str = Field(max_length=64)
    version: str = Field(max_length=64)
    definition: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    uploaded_by: str = Field(max_length=128)
    uploaded_by_organisation: str | None = Field(default=None, max_length=12)
    uploaded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
