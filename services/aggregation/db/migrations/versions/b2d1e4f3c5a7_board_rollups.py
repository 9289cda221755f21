"""board roll-ups: the board tools' submitted results per organisation (decision 0047)

Revision ID: b2d1e4f3c5a7
Revises: a1c0f3e2d4b6
Create Date: 2026-12-07 18:00:00

Filled by the organisational feed consumer (``services/aggregation/organisational``) from
its own checkpoint (``feed_checkpoint`` row ``organisational``), which starts at the feed's
beginning: nothing to backfill here.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b2d1e4f3c5a7"
down_revision: str | None = "a1c0f3e2d4b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One row per board assessment the feed has named, at its latest revision; a deleted one
    # stays (deleted = true) so a replayed older event cannot bring it back.
    op.execute(
        """
        CREATE TABLE board_result (
            assessment_key text PRIMARY KEY,
            revision integer NOT NULL,
            deleted boolean NOT NULL,
            instrument text NOT NULL,
            instrument_version text NOT NULL,
            organisation_code text NOT NULL,
            commissioner_code text,
            assessed_on date NOT NULL,
            submitted_at timestamptz,
            overall jsonb NOT NULL,
            sections jsonb NOT NULL,
            groupings jsonb NOT NULL,
            changed_at timestamptz NOT NULL
        )
        """
    )
    op.execute(
        "CREATE INDEX board_result_by_organisation "
        "ON board_result (instrument, organisation_code, assessed_on)"
    )
    op.execute("CREATE INDEX board_result_by_commissioner ON board_result (commissioner_code)")


def downgrade() -> None:
    op.execute("DROP TABLE board_result")
    op.execute("DELETE FROM feed_checkpoint WHERE feed = 'organisational'")
