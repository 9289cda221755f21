"""The floor benchmark's table: one row per call, nothing reads it."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime
from sqlmodel import Field

from services.scoring.db.base import ScoringTable, utcnow


class BenchFloor(ScoringTable, table=True):
    __tablename__ = "bench_floor"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    subject: str = Field(max_length=128)
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
