"""Assessments whose subject is not a person: an organisation (a trust's board) or a project or
programme the organisation owns (HEAT). Same lifecycle as a person's assessment (draft ->
submitted -> amended with a reason; soft delete), none of its personal data.

Tables of their own rather than nullable columns on ``assessment``: the person's table is the
hot path of data entry and its rows, feed and access rule are all about a person
(decision 0030).
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Text, text
from sqlmodel import Field

from services.scoring.db.base import ScoringTable, utcnow
from services.scoring.feed.models import TransactionId


def _when(nullable: bool = False) -> Any:
    column = Column(DateTime(timezone=True), nullable=nullable)
    if nullable:
        return Field(default=None, sa_column=column)
    return Field(default_factory=utcnow, sa_column=column)


class Project(ScoringTable, table=True):
    """A project or programme an organisation runs, assessed with HEAT. Not personal data."""

    __tablename__ = "project"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    kind: str = Field(max_length=16)  # project | programme
    name: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_column=Column(Text))
    created_by: str = Field(max_length=128)
    created_at: datetime = _when()
    updated_at: datetime = _when()
    version: int = 1


class OrganisationalAssessment(ScoringTable, table=True):
    __tablename__ = "organisational_assessment"
    __table_args__ = (
        Index(
            "ix_organisational_assessment_subject", "organisation_id", "instrument", "project_id"
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    project_id: uuid.UUID | None = Field(default=None, foreign_key="project.id", index=True)
    subject_type: str = Field(max_length=16)  # organisation | programme
    instrument: str = Field(max_length=64)
    variant: str = Field(max_length=64)
    instrument_version: str = Field(max_length=64)
    episode_type: str | None = Field(default=None, max_length=32)
    assessed_on: date
    # HEAT: when the review falls due (6-12 months after the assessment).
    review_due_on: date | None = None
    status: str = Field(max_length=16)  # draft | submitted
    revision: int = 0
    version: int = 1  # the ETag
    responses: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Item id -> {"evidence": ..., "action": ...}: free text, never in the feed.
    item_notes: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    scores: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_by: str = Field(max_length=128)
    updated_by: str = Field(max_length=128)
    created_at: datetime = _when()
    updated_at: datetime = _when()
    submitted_at: datetime | None = _when(nullable=True)
    deleted_at: datetime | None = _when(nullable=True)
    deleted_by: str | None = Field(default=None, max_length=128)
    delete_reason: str | None = Field(default=None, sa_column=Column(Text))


class OrganisationalRevision(ScoringTable, table=True):
    """One submitted version. Never updated: amendments add a row."""

    __tablename__ = "organisational_revision"

    assessment_id: uuid.UUID = Field(foreign_key="organisational_assessment.id", primary_key=True)
    revision: int = Field(primary_key=True)
    instrument_version: str = Field(max_length=64)
    assessed_on: date
    responses: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    item_notes: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    scores: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    amend_reason: str | None = Field(default=None, sa_column=Column(Text))
    submitted_by: str = Field(max_length=128)
    submitted_at: datetime = _when()


class AdoptedObjective(ScoringTable, table=True):
    """An objective from the board self-assessment's library the board chose to pursue."""

    __tablename__ = "adopted_objective"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    instrument_version: str = Field(max_length=64)
    ref: str = Field(max_length=16)
    domain: str = Field(max_length=64)
    board_role: str = Field(max_length=64)
    status: str = Field(max_length=16)  # adopted | in_progress | achieved | dropped
    source_assessment_id: uuid.UUID | None = Field(
        default=None, foreign_key="organisational_assessment.id"
    )
    adopted_by: str = Field(max_length=128)
    adopted_at: datetime = _when()
    updated_at: datetime = _when()
    version: int = 1


class Action(ScoringTable, table=True):
    """Something to do, with an owner and a due date: from an adopted objective or a HEAT
    assessment."""

    __tablename__ = "organisational_action"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    objective_id: uuid.UUID | None = Field(default=None, foreign_key="adopted_objective.id")
    assessment_id: uuid.UUID | None = Field(
        default=None, foreign_key="organisational_assessment.id", index=True
    )
    description: str = Field(sa_column=Column(Text, nullable=False))
    owner: str = Field(max_length=200)
    due_on: date
    status: str = Field(max_length=16)  # open | in_progress | done
    done_on: date | None = None
    created_by: str = Field(max_length=128)
    created_at: datetime = _when()
    updated_at: datetime = _when()
    version: int = 1


class OrganisationalFeedEvent(ScoringTable, table=True):
    """Outbox of the organisational feed, read like the person feed: in (txid, seq) order,
    only below the oldest running transaction (decision 0005). Holds codes, dates, answers
    and scores; never a project's name or description, notes or who did what."""

    __tablename__ = "organisational_feed_event"
    __table_args__ = (Index("ix_organisational_feed_event_txid_seq", "txid", "seq"),)

    seq: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    event_type: str = Field(max_length=32)
    occurred_at: datetime = _when()
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    txid: str | None = Field(
        default=None,
        sa_column=Column(
            TransactionId(), nullable=False, server_default=text("pg_current_xact_id()")
        ),
    )
