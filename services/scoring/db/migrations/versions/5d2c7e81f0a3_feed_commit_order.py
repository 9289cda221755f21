"""feed events carry their transaction id, so the feed is read in commit-safe order

Revision ID: 5d2c7e81f0a3
Revises: 29b1385fa5d5
Create Date: 2026-11-25 18:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5d2c7e81f0a3"
down_revision: str | None = "29b1385fa5d5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing events get this migration's transaction id: all are committed, and among
    # themselves they keep their sequence order.
    op.execute("ALTER TABLE feed_event ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id()")
    op.create_index("ix_feed_event_txid_seq", "feed_event", ["txid", "seq"])


def downgrade() -> None:
    op.drop_index("ix_feed_event_txid_seq", table_name="feed_event")
    op.drop_column("feed_event", "txid")
