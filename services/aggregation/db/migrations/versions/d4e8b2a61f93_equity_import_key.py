"""Service equity: an import may carry the key (a UUID) its client chose, so the client can
follow the import's progress while its upload is still open (decision 0050)

Revision ID: d4e8b2a61f93
Revises: b2d1e4f3c5a7
Create Date: 2026-12-07 21:20:00

A key is unique within its dataset: the same key twice on one dataset is refused, so a
retried upload never imports the same file twice. The action plan's steps are listed a page
at a time by dataset, in the order they were added: an index for that.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "d4e8b2a61f93"
down_revision: str | None = "b2d1e4f3c5a7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("equity_import", sa.Column("import_key", postgresql.UUID(), nullable=True))
    op.create_index(
        "equity_import_by_key",
        "equity_import",
        ["dataset_id", "import_key"],
        unique=True,
        postgresql_where=sa.text("import_key IS NOT NULL"),
    )
    op.create_index("equity_action_step_by_dataset", "equity_action_step", ["dataset_id", "id"])


def downgrade() -> None:
    op.drop_index("equity_action_step_by_dataset", table_name="equity_action_step")
    op.drop_index("equity_import_by_key", table_name="equity_import")
    op.drop_column("equity_import", "import_key")
