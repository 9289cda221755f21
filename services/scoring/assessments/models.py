"""Assessments: the current state of each one, and the history of its submitted revisions.

Lifecycle: draft -> submitted (scored, immutable) -> amended (a new revision with a reason;
every earlier revision is kept in ``assessment_revision``).
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from services.scoring.db.base import ScoringTable, utcnow


class Assessment(ScoringTable, table=True):
    __tablename__ = "assessment"
    __table_args__ = (Index("ix_assessment_person_assessed", "person_id", "assessed_on"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    person_id: uuid.UUID = Field(foreign_key="person.id")
    team_id: uuid.UUID = Field(foreign_key="team.id", index=True)
    instrument: str = Field(max_length=64)
    variant: str = Field(max_length=64)
    instrument_version: str = Field(max_length=64)
    episode_type: str = Field(max_length=32)
    assessed_on: date
    status: str = Field(max_length=16)  # draft | submitted
    revision: int = 0  # number of submitted revisions
    version: int = 1  # the ETag: bumped by every write
    responses: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    free_text_flags: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    scores: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_by: str = Field(max_length=128)
    updated_by: str = Field(max_length=128)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    submitted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    deleted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    deleted_by: str | None = Field(default=None, max_length=128)
    delete_reason: str | None = Field(default=None, sa_column=Column(Text))


class AssessmentRevision(ScoringTable, table=True):
    """One submitted version of an assessment. Never updated: amendments add a row."""

    __tablename__ = "assessment_revision"

    assessment_id: uuid.UUID = Field(foreign_key="assessment.id", primary_key=True)
    revision: int = Field(primary_key=True)
    instrument_version: str = Field(max_length=64)
    episode_type: str = Field(max_length=32)
    assessed_on: date
    responses: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    scores: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    amend_reason: str | None = Field(default=None, sa_column=Column(Text))
    submitted_by: str = Field(max_length=128)
    submitted_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
