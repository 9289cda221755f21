"""Assessments whose subject is an organisation or a project/programme (board tools, HEAT),
their revisions, adopted objectives, actions and the organisational feed (decision 0030).

Revision ID: fd3b34a781fd
Revises: e5b8d2a71c39
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "fd3b34a781fd"
down_revision: str | None = "e5b8d2a71c39"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisational_feed_event",
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("event_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_organisational_feed_event")),
    )
    # xid8 has no SQLAlchemy type; as in 5d2c7e81f0a3.
    op.execute(
        "ALTER TABLE organisational_feed_event "
        "ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id()"
    )
    op.create_index(
        "ix_organisational_feed_event_txid_seq",
        "organisational_feed_event",
        ["txid", "seq"],
        unique=False,
    )
    op.create_table(
        "project",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_project_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
    )
    op.create_index(
        op.f("ix_project_organisation_id"), "project", ["organisation_id"], unique=False
    )
    op.create_table(
        "organisational_assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("subject_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("variant", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "instrument_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("episode_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("responses", sa.JSON(), nullable=False),
        sa.Column("item_notes", sa.JSON(), server_default="{}", nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("delete_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisational_assessment_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_organisational_assessment_project_id_project"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisational_assessment")),
    )
    op.create_index(
        op.f("ix_organisational_assessment_project_id"),
        "organisational_assessment",
        ["project_id"],
        unique=False,
    )
    op.create_index(
        "ix_organisational_assessment_subject",
        "organisational_assessment",
        ["organisation_id", "instrument", "project_id"],
        unique=False,
    )
    op.create_table(
        "adopted_objective",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column(
            "instrument_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("board_role", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("source_assessment_id", sa.Uuid(), nullable=True),
        sa.Column("adopted_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_adopted_objective_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["source_assessment_id"],
            ["organisational_assessment.id"],
            name=op.f("fk_adopted_objective_source_assessment_id_organisational_assessment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adopted_objective")),
    )
    op.create_index(
        op.f("ix_adopted_objective_organisation_id"),
        "adopted_objective",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "organisational_revision",
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "instrument_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("responses", sa.JSON(), nullable=False),
        sa.Column("item_notes", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("amend_reason", sa.Text(), nullable=True),
        sa.Column("submitted_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["organisational_assessment.id"],
            name=op.f("fk_organisational_revision_assessment_id_organisational_assessment"),
        ),
        sa.PrimaryKeyConstraint(
            "assessment_id", "revision", name=op.f("pk_organisational_revision")
        ),
    )
    op.create_table(
        "organisational_action",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("objective_id", sa.Uuid(), nullable=True),
        sa.Column("assessment_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["organisational_assessment.id"],
            name=op.f("fk_organisational_action_assessment_id_organisational_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["adopted_objective.id"],
            name=op.f("fk_organisational_action_objective_id_adopted_objective"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisational_action_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisational_action")),
    )
    op.create_index(
        op.f("ix_organisational_action_assessment_id"),
        "organisational_action",
        ["assessment_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_organisational_action_organisation_id"),
        "organisational_action",
        ["organisation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_organisational_action_organisation_id"), table_name="organisational_action"
    )
    op.drop_index(
        op.f("ix_organisational_action_assessment_id"), table_name="organisational_action"
    )
    op.drop_table("organisational_action")
    op.drop_table("organisational_revision")
    op.drop_index(op.f("ix_adopted_objective_organisation_id"), table_name="adopted_objective")
    op.drop_table("adopted_objective")
    op.drop_index("ix_organisational_assessment_subject", table_name="organisational_assessment")
    op.drop_index(
        op.f("ix_organisational_assessment_project_id"), table_name="organisational_assessment"
    )
    op.drop_table("organisational_assessment")
    op.drop_index(op.f("ix_project_organisation_id"), table_name="project")
    op.drop_table("project")
    op.drop_index("ix_organisational_feed_event_txid_seq", table_name="organisational_feed_event")
    op.drop_table("organisational_feed_event")
