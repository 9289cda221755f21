"""Transactional outbox for the pseudonymised change feed read by aggregation.

Written in the same transaction as each submit, amend, delete and restore, so the feed can
never miss or invent a change. The payload holds only pseudonymised fields.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from services.scoring.db.base import ScoringTable, utcnow


class FeedEvent(ScoringTable, table=True):
    __tablename__ = "feed_event"

    seq: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    event_type: str = Field(max_length=32)
    occurred_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    payload: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
