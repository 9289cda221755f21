"""Idempotency keys: the first answer to each keyed POST, per caller, for a day
(``services.common.idempotency``, decision 0019).

Revision ID: e5b8d2a71c39
Revises: c41f9a2e7b60
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "e5b8d2a71c39"
down_revision: str | None = "c41f9a2e7b60"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_key",
        # kind:client:subject of the caller, so one caller's keys never meet another's.
        sa.Column("caller", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        # sha256 of method, path, query and body: the same key for another request is a 422.
        sa.Column("fingerprint", sa.LargeBinary(), nullable=False),
        # The first answer (NULL only inside the transaction that claims the key).
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", postgresql.JSONB(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller", "idempotency_key"),
    )
    op.create_index("ix_idempotency_key_expires_at", "idempotency_key", ["expires_at"])


def downgrade() -> None:
    op.drop_table("idempotency_key")
