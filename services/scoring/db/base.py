"""The scoring database's metadata; every feature's ``models.py`` declares tables on it."""

from datetime import UTC, datetime

from sqlalchemy import MetaData
from sqlmodel import SQLModel

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class ScoringTable(SQLModel):
    metadata = metadata


def utcnow() -> datetime:
    return datetime.now(UTC)
