"""JSON documents written whole and read whole are stored as ``json``, compressed with lz4

Answers, scores, feed payloads and EPR resources as sent are never queried inside by
Postgres: ``jsonb`` parsed each one on every write (about a third of a submit's time in
Postgres) for nothing, and normalised the EPR's resource, which should be kept as sent.
lz4 compresses long values several times faster than the default (pglz); a server built
without lz4 keeps its default. See docs/decisions/0012.

Revision ID: 7c4f0b9e2d15
Revises: 5d2c7e81f0a3
Create Date: 2026-11-25 19:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7c4f0b9e2d15"
down_revision: str | None = "5d2c7e81f0a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITE_ONCE_JSON = {
    "assessment": ("responses", "scores"),
    "assessment_revision": ("responses", "scores"),
    "feed_event": ("payload",),
    "patient_resource": ("resource",),
}


def _alter(type_: str, compression: str) -> None:
    for table, columns in WRITE_ONCE_JSON.items():
        changes = ", ".join(f"ALTER COLUMN {c} TYPE {type_} USING {c}::{type_}" for c in columns)
        op.execute(f"ALTER TABLE {table} {changes}")
        compress = ", ".join(f"ALTER COLUMN {c} SET COMPRESSION {compression}" for c in columns)
        # Only lz4 can be missing (a server built without it, such as the embedded one).
        op.execute(
            f"DO $$ BEGIN ALTER TABLE {table} {compress}; "
            "EXCEPTION WHEN feature_not_supported THEN "
            f"RAISE NOTICE 'no lz4 on this server: {table} keeps the default compression'; "
            "END $$"
        )


def upgrade() -> None:
    _alter("json", "lz4")


def downgrade() -> None:
    _alter("jsonb", "default")
