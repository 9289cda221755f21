"""Service equity analysis: activity datasets, their imports and records, reference
populations, and action plan steps (codes, numbers and dates only: decision 0032)

Revision ID: e7a41c9d2b53
Revises: b1d23a0e5f17
Create Date: 2026-12-07 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "e7a41c9d2b53"
down_revision: str | None = "b1d23a0e5f17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODE = sa.String(length=24)


def upgrade() -> None:
    op.create_table(
        "equity_dataset",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        # The service's PLUS groups (Core20PLUS5) as "column:code" conditions.
        sa.Column("plus_groups", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("equity_dataset_by_unit", "equity_dataset", ["unit_code", "id"])
    op.create_table(
        "equity_import",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "dataset_id", sa.BigInteger(), sa.ForeignKey("equity_dataset.id"), nullable=False
        ),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("rows_imported", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("rows_rejected", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("problems", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("started_by", sa.String(length=128), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("equity_import_by_dataset", "equity_import", ["dataset_id", "id"])
    op.create_table(
        "equity_activity",
        # dataset_id is the distribution column (Citus): every analysis reads one dataset.
        sa.Column("dataset_id", sa.BigInteger(), nullable=False),
        sa.Column("import_id", sa.BigInteger(), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=80), nullable=True),
        sa.Column("referral_date", sa.Date(), nullable=False),
        sa.Column("opted_in", sa.Boolean(), nullable=True),
        sa.Column("appointments_offered", sa.Integer(), nullable=True),
        sa.Column("appointments_attended", sa.Integer(), nullable=True),
        sa.Column("appointments_dna", sa.Integer(), nullable=True),
        sa.Column("appointments_cancelled", sa.Integer(), nullable=True),
        sa.Column("discharge_date", sa.Date(), nullable=True),
        sa.Column("discharge_reason", CODE, nullable=True),
        sa.Column("contacts", sa.Integer(), nullable=True),
        sa.Column("length_of_stay_days", sa.Integer(), nullable=True),
        sa.Column("outcome_before", sa.Float(), nullable=True),
        sa.Column("outcome_after", sa.Float(), nullable=True),
        sa.Column("age_band", CODE, nullable=False),
        sa.Column("sex", CODE, nullable=False),
        sa.Column("ethnic_category", sa.String(length=2), nullable=False),
        sa.Column("ethnic_group", CODE, nullable=False),
        sa.Column("imd_decile", sa.SmallInteger(), nullable=True),
        sa.Column("lsoa", sa.String(length=9), nullable=True),
        sa.Column("religion", CODE, nullable=False),
        sa.Column("sexual_orientation", CODE, nullable=False),
        sa.Column("carer", CODE, nullable=False),
        sa.Column("disability", CODE, nullable=False),
        sa.Column("military_service", CODE, nullable=False),
        sa.Column("pregnancy", CODE, nullable=False),
        sa.Column("language", sa.String(length=3), nullable=True),
        sa.Column("interpreter_needed", CODE, nullable=False),
        sa.Column("inclusion_groups", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("clinical_areas", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "import_id", "row_no"),
    )
    op.create_index(
        "equity_activity_by_referral", "equity_activity", ["dataset_id", "referral_date"]
    )
    op.create_table(
        "equity_reference_population",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("dimension", CODE, nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "equity_reference_count",
        sa.Column(
            "population_id",
            sa.BigInteger(),
            sa.ForeignKey("equity_reference_population.id"),
            nullable=False,
        ),
        sa.Column("area_code", sa.String(length=9), nullable=False),
        sa.Column("category", CODE, nullable=False),
        sa.Column("people", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("population_id", "area_code", "category"),
    )
    op.create_table(
        "equity_action_step",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("dataset_id", sa.BigInteger(), sa.ForeignKey("equity_dataset.id"), nullable=True),
        sa.Column("stage", CODE, nullable=False),
        sa.Column("action", CODE, nullable=False),
        sa.Column("owner_role", sa.String(length=80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", CODE, nullable=False),
        sa.Column("analysis", CODE, nullable=True),
        sa.Column("breakdown", CODE, nullable=True),
        sa.Column("category", CODE, nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("equity_action_step_by_unit", "equity_action_step", ["unit_code", "id"])


def downgrade() -> None:
    op.drop_index("equity_action_step_by_unit", table_name="equity_action_step")
    op.drop_table("equity_action_step")
    op.drop_table("equity_reference_count")
    op.drop_table("equity_reference_population")
    op.drop_index("equity_activity_by_referral", table_name="equity_activity")
    op.drop_table("equity_activity")
    op.drop_index("equity_import_by_dataset", table_name="equity_import")
    op.drop_table("equity_import")
    op.drop_index("equity_dataset_by_unit", table_name="equity_dataset")
    op.drop_table("equity_dataset")
