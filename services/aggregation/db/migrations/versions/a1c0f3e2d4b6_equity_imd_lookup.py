"""Service equity: the IMD lookup an admin loads (LSOA code -> IMD decile, by vintage (edition)
of the English Indices of Deprivation), and which vintage each derived decile came from
(decision 0046)

Revision ID: a1c0f3e2d4b6
Revises: 5c8e1f3a7d20
Create Date: 2026-12-07 17:45:00

The lookup is published area statistics: it holds no personal data.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1c0f3e2d4b6"
down_revision: str | None = "5c8e1f3a7d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VINTAGE = sa.String(length=8)  # "IoD2019", "IoD2025", as the analytic store's imd_vintage


def upgrade() -> None:
    op.create_table(
        "equity_imd_vintage",
        sa.Column("vintage", VINTAGE, primary_key=True),
        # The LSOA boundaries the vintage ranks: 2011 for IoD2019, 2021 for IoD2025.
        sa.Column("lsoa_year", sa.SmallInteger(), nullable=False),
        sa.Column("lsoas", sa.Integer(), nullable=False),
        sa.Column("loaded_by", sa.String(length=128), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "equity_imd_lsoa",
        sa.Column(
            "vintage",
            VINTAGE,
            sa.ForeignKey("equity_imd_vintage.vintage", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("lsoa_code", sa.String(length=9), nullable=False),
        sa.Column("decile", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("vintage", "lsoa_code"),
        sa.CheckConstraint("decile BETWEEN 1 AND 10", name="equity_imd_lsoa_decile"),
    )
    # The vintage a dataset's LSOA codes are read against (unset: each row or the codes say).
    op.add_column("equity_dataset", sa.Column("imd_vintage", VINTAGE, nullable=True))
    # The vintage a row's decile came from (unset when neither the row nor a lookup said).
    op.add_column("equity_activity", sa.Column("imd_vintage", VINTAGE, nullable=True))


def downgrade() -> None:
    op.drop_column("equity_activity", "imd_vintage")
    op.drop_column("equity_dataset", "imd_vintage")
    op.drop_table("equity_imd_lsoa")
    op.drop_table("equity_imd_vintage")
