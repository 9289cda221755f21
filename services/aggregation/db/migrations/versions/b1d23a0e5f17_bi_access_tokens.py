"""BI access tokens and the record of their use (append-only)

Revision ID: b1d23a0e5f17
Revises: 7a3e5c1d9b42
Create Date: 2026-12-07 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1d23a0e5f17"
down_revision: str | None = "7a3e5c1d9b42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bi_access_token",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("secret_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("dataset", sa.String(length=80), nullable=False),
        sa.Column("organisation_code", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "bi_access_token_by_organisation", "bi_access_token", ["organisation_code", "created_at"]
    )
    op.create_table(
        "bi_token_use",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("token_id", sa.String(length=12), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=256), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["bi_access_token.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("bi_token_use_by_token", "bi_token_use", ["token_id", "used_at"])
    # The record of use is evidence: nothing updates or deletes it.
    op.execute(
        "CREATE FUNCTION bi_token_use_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'bi_token_use is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER bi_token_use_append_only BEFORE UPDATE OR DELETE ON bi_token_use "
        "FOR EACH STATEMENT EXECUTE FUNCTION bi_token_use_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER bi_token_use_append_only ON bi_token_use")
    op.execute("DROP FUNCTION bi_token_use_append_only()")
    op.drop_index("bi_token_use_by_token", table_name="bi_token_use")
    op.drop_table("bi_token_use")
    op.drop_index("bi_access_token_by_organisation", table_name="bi_access_token")
    op.drop_table("bi_access_token")
