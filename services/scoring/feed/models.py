"""Transactional outbox for the pseudonymised change feed read by aggregation.

Written in the same transaction as each submit, amend, delete and restore, so the feed can
never miss or invent a change. The feed publishes only pseudonymised fields.

``txid`` is the writing transaction's id (Postgres fills it in). The feed is read in
(txid, seq) order and only up to the oldest transaction still running, so a reader can
never move past an event whose transaction has yet to commit (decision 0005).

The stored payload holds no identifier and neither does ``context``; the person key is made
from the person's identifiers when the feed is read (decision 0013).
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, text
from sqlalchemy.types import UserDefinedType
from sqlmodel import Field

from services.scoring.db.base import ScoringTable, utcnow


class TransactionId(UserDefinedType[str]):
    """Postgres ``xid8``: a 64-bit transaction id that never wraps (read it as text)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "xid8"


class FeedEvent(ScoringTable, table=True):
    __tablename__ = "feed_event"
    __table_args__ = (Index("ix_feed_event_txid_seq", "txid", "seq"),)

    seq: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    event_type: str = Field(max_length=32)
    occurred_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # What the event says about the assessment (feed.payload.stored_payload); with
    # ``context`` and the person's key, made when read, the published payload.
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    person_id: uuid.UUID | None = Field(default=None)
    # feed.payload.FeedContext as of the change; NULL on events stored whole (before 0013).
    context: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    txid: str | None = Field(
        default=None,
        sa_column=Column(
            TransactionId(), nullable=False, server_default=text("pg_current_xact_id()")
        ),
    )
