"""the store's shape for the feed consumer: item values as json, person rows without copies
of their facts' scores and bands (decision 0048)

Revision ID: f3a9c2d7e481
Revises: d4e8b2a61f93
Create Date: 2026-12-07 21:30:00

Existing facts keep their item values (``jsonb`` -> ``json``: the same object, rewritten);
existing person rows lose only what their first and latest facts still hold. The downgrade
puts both back.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f3a9c2d7e481"
down_revision: str | None = "d4e8b2a61f93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COPIES = [f"{which}_{part}" for which in ("first", "latest") for part in ("scores", "bands")]


def upgrade() -> None:
    op.execute(
        "ALTER TABLE assessment_fact ALTER COLUMN item_values TYPE json USING item_values::json"
    )
    op.execute("ALTER TABLE person_fact " + ", ".join(f"DROP COLUMN {c}" for c in _COPIES))


def downgrade() -> None:
    op.execute("ALTER TABLE person_fact " + ", ".join(f"ADD COLUMN {c} jsonb" for c in _COPIES))
    for which in ("first", "latest"):
        op.execute(
            f"""
            UPDATE person_fact p SET {which}_scores = f.scores, {which}_bands = f.bands
            FROM assessment_fact f
            WHERE f.person_key = p.person_key AND f.assessment_key = p.{which}_assessment_key
              AND f.assessed_on = p.{which}_assessed_on
            """  # noqa: S608 - constants only
        )
    for column in _COPIES:
        op.execute(f"UPDATE person_fact SET {column} = '{{}}' WHERE {column} IS NULL")  # noqa: S608
        op.execute(f"ALTER TABLE person_fact ALTER COLUMN {column} SET NOT NULL")
    op.execute(
        "ALTER TABLE assessment_fact ALTER COLUMN item_values TYPE jsonb USING item_values::jsonb"
    )
