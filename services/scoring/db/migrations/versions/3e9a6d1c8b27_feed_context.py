"""Feed events store the person's id and the context as of the change (decision 0013).

A submit then writes its feed event in the same statement as its access check, reading
nothing first; the feed makes the person key when it is read. Events written before keep
their complete payload (``context`` NULL) and are served as stored.

Revision ID: 3e9a6d1c8b27
Revises: 7c4f0b9e2d15
"""

import sqlalchemy as sa
from alembic import op

revision: str = "3e9a6d1c8b27"
down_revision: str | None = "7c4f0b9e2d15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("feed_event", sa.Column("person_id", sa.Uuid(), nullable=True))
    op.add_column("feed_event", sa.Column("context", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Events written since hold only part of their payload, which the older code would
    # serve without the person's fields: refuse rather than publish them incomplete.
    op.execute(
        """
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM feed_event WHERE context IS NOT NULL) THEN
            RAISE EXCEPTION 'feed events in the newer shape exist; downgrading would publish '
              'them without person fields';
          END IF;
        END $$
        """
    )
    op.drop_column("feed_event", "context")
    op.drop_column("feed_event", "person_id")
