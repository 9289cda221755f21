"""organisation hierarchy: units and effective-dated parent links

Revision ID: 7a3e5c1d9b42
Revises: 4f1d2a7c9e30
Create Date: 2026-12-07 15:00:00

The reference file's rows are loaded at start (hierarchy.load), not here, so a new edition
of the file reaches the database without a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7a3e5c1d9b42"
down_revision: str | None = "4f1d2a7c9e30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "org_unit",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_org_unit"),
    )
    op.create_table(
        "org_link",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("child_code", sa.String(length=64), nullable=False),
        sa.Column("parent_code", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_code"], ["org_unit.code"], name="fk_org_link_child_code_org_unit"
        ),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["org_unit.code"], name="fk_org_link_parent_code_org_unit"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_org_link"),
        sa.UniqueConstraint("child_code", "valid_from", name="uq_org_link_child_from"),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to > valid_from", name="ck_org_link_dates_in_order"
        ),
    )
    op.create_index("ix_org_link_parent", "org_link", ["parent_code"])


def downgrade() -> None:
    op.drop_index("ix_org_link_parent", table_name="org_link")
    op.drop_table("org_link")
    op.drop_table("org_unit")
