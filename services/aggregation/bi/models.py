"""BI access tokens and the record of their use (tables on the aggregation database).

Neither holds personal data about patients. A token holds who minted and revoked it (the
staff member's user id from their token) and a short label naming the dataset it is for.
A use holds the token's id, when, the method and path (never the query string), and the
status it was answered with.
"""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    LargeBinary,
    SmallInteger,
)
from sqlmodel import Field

from services.aggregation.db.models import AggregationBase


class BiAccessToken(AggregationBase, table=True):
    """A BI access token (``bi/tokens.py``): scoped to ``aggregate:read`` for one
    organisation or ICB, until ``expires_at`` or ``revoked_at``."""

    __tablename__ = "bi_access_token"
    __table_args__ = (Index("bi_access_token_by_organisation", "organisation_code", "created_at"),)

    id: str = Field(primary_key=True, max_length=12)
    secret_hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))
    dataset: str = Field(max_length=80)
    organisation_code: str = Field(max_length=64)
    created_by: str = Field(max_length=128)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    revoked_by: str | None = Field(default=None, max_length=128)


class BiTokenUse(AggregationBase, table=True):
    """One request made with a BI access token, whatever its outcome (append-only)."""

    __tablename__ = "bi_token_use"
    __table_args__ = (Index("bi_token_use_by_token", "token_id", "used_at"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    token_id: str = Field(sa_column=Column(ForeignKey("bi_access_token.id"), nullable=False))
    used_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    method: str = Field(max_length=8)
    path: str = Field(max_length=256)
    status: int = Field(sa_column=Column(SmallInteger, nullable=False))
