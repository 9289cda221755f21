"""The organisation hierarchy's tables: units (team, trust, CCG/ICB, region) and their
effective-dated parent links (``hierarchy.rules``).

Both are small (a few thousand rows for England) and read by every metrics query: on Citus
they are reference tables (copied to every node), so joins with the facts stay local.
``source`` says where a row came from: the reference file (reloaded at start, idempotent)
or an administrator (never overwritten by a reload).
"""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    String,
    UniqueConstraint,
)
from sqlmodel import Field

from services.aggregation.db.models import AggregationBase


class OrganisationUnit(AggregationBase, table=True):
    __tablename__ = "org_unit"

    code: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)  # hierarchy.rules.UnitKind
    source: str = Field(max_length=16)  # reference | admin
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class OrganisationLink(AggregationBase, table=True):
    __tablename__ = "org_link"
    __table_args__ = (
        UniqueConstraint("child_code", "valid_from", name="uq_org_link_child_from"),
        Index("ix_org_link_parent", "parent_code"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    child_code: str = Field(
        sa_column=Column(String(64), ForeignKey("org_unit.code"), nullable=False)
    )
    parent_code: str = Field(
        sa_column=Column(String(64), ForeignKey("org_unit.code"), nullable=False)
    )
    valid_from: date = Field(sa_column=Column(Date, nullable=False))
    valid_to: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    source: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
