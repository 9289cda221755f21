"""Aggregation tables. Only pseudonymised, non-free-text fields may ever appear here."""

from datetime import datetime

from sqlalchemy import MetaData
from sqlmodel import Field, SQLModel

metadata = MetaData()


class AggregationBase(SQLModel):
    metadata = metadata


class FeedCheckpoint(AggregationBase, table=True):
    """How far the scoring change feed has been consumed (one row per feed)."""

    __tablename__ = "feed_checkpoint"

    feed: str = Field(primary_key=True, max_length=64)
    cursor: str = Field(max_length=256)
    updated_at: datetime
