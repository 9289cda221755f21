"""summary rollups kept by the feed consumer (decision 0034)

Revision ID: 5c8e1f3a7d20
Revises: e7a41c9d2b53
Create Date: 2026-12-07 15:45:00

Empty on creation: a store upgraded with facts in it is filled by ``rebuild_rollups``, which
the upgrade runs (``services/aggregation/feed/rollup_writes.py`` holds the same statement).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5c8e1f3a7d20"
down_revision: str | None = "e7a41c9d2b53"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE rollup_cell (
            instrument text NOT NULL,
            grain text NOT NULL,
            period text NOT NULL,
            breakdown text NOT NULL,
            unit_code text NOT NULL,
            period_start date NOT NULL,
            category text NOT NULL,
            people integer NOT NULL,
            assessments integer NOT NULL,
            scored integer NOT NULL,
            score_sum numeric NOT NULL,
            score_squares numeric NOT NULL,
            CONSTRAINT pk_rollup_cell PRIMARY KEY
                (instrument, grain, period, breakdown, unit_code, period_start, category)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE rollup_placement (
            instrument text NOT NULL,
            team_code text NOT NULL,
            organisation_code text NOT NULL,
            commissioner_code text NOT NULL,
            facts integer NOT NULL,
            first_day date NOT NULL,
            last_day date NOT NULL,
            CONSTRAINT pk_rollup_placement PRIMARY KEY
                (instrument, team_code, organisation_code, commissioner_code)
        )
        """
    )
    # A store with facts already in it starts with rollups that match them.
    from services.aggregation.feed.rollup_writes import REBUILD_STATEMENTS

    for statement in REBUILD_STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE rollup_placement")
    op.execute("DROP TABLE rollup_cell")
