"""report jobs: parameters, progress, expiry and the finished file

Revision ID: 5d2e8b7a1c43
Revises: c9c6fa9afc1b
Create Date: 2026-12-07 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5d2e8b7a1c43"
down_revision: str | None = "c9c6fa9afc1b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.add_column(
        "report_job", sa.Column("format", text(length=8), nullable=False, server_default="pdf")
    )
    op.add_column(
        "report_job", sa.Column("parameters", sa.JSON(), nullable=False, server_default="{}")
    )
    op.add_column(
        "report_job", sa.Column("stage", text(length=32), nullable=False, server_default="queued")
    )
    op.add_column(
        "report_job", sa.Column("progress", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "report_job",
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    op.add_column("report_job", sa.Column("result", sa.LargeBinary(), nullable=True))
    op.add_column("report_job", sa.Column("filename", text(length=200), nullable=True))
    op.add_column("report_job", sa.Column("error_status", sa.Integer(), nullable=True))
    op.add_column("report_job", sa.Column("error_detail", text(length=2000), nullable=True))
    op.create_index("ix_report_job_expires_at", "report_job", ["expires_at"])
    for column in ("format", "parameters", "stage", "progress"):
        op.alter_column("report_job", column, server_default=None)


def downgrade() -> None:
    op.drop_index("ix_report_job_expires_at", table_name="report_job")
    for column in (
        "error_detail",
        "error_status",
        "filename",
        "result",
        "expires_at",
        "progress",
        "stage",
        "parameters",
        "format",
    ):
        op.drop_column("report_job", column)
