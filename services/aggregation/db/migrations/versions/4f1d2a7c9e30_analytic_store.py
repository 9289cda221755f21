"""analytic store: assessment and person facts, the feed ledger, the checkpoint's lag

Revision ID: 4f1d2a7c9e30
Revises: c0c0bc6ab956
Create Date: 2026-12-07 14:45:00

``assessment_fact`` is partitioned by the NHS financial year of ``assessed_on`` (1 April to
31 March), one partition per year from 2010/11 to 2040/41 and a default partition for any
other date (decision 0027). Indexes made on the parent are made on every partition.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "4f1d2a7c9e30"
down_revision: str | None = "c0c0bc6ab956"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIRST_YEAR = 2010
LAST_YEAR = 2040


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE assessment_fact (
            person_key text NOT NULL,
            assessment_key text NOT NULL,
            revision integer NOT NULL,
            instrument text NOT NULL,
            variant text NOT NULL,
            instrument_version text NOT NULL,
            episode_type text NOT NULL,
            assessed_on date NOT NULL,
            submitted_at timestamptz,
            month_start date NOT NULL,
            quarter_start date NOT NULL,
            financial_year smallint NOT NULL,
            organisation_code text NOT NULL,
            commissioner_code text,
            team_code text NOT NULL,
            age_band text,
            sex text NOT NULL,
            ethnic_category text,
            ethnic_group text NOT NULL,
            imd_decile smallint,
            imd_quintile smallint,
            core20 boolean,
            imd_vintage text,
            overall_score double precision,
            scores jsonb NOT NULL,
            bands jsonb NOT NULL,
            item_values jsonb NOT NULL,
            complete boolean NOT NULL,
            CONSTRAINT pk_assessment_fact PRIMARY KEY (person_key, assessment_key, assessed_on)
        ) PARTITION BY RANGE (assessed_on)
        """
    )
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        op.execute(
            f"CREATE TABLE assessment_fact_fy{year} PARTITION OF assessment_fact "
            f"FOR VALUES FROM ('{year}-04-01') TO ('{year + 1}-04-01')"
        )
    op.execute("CREATE TABLE assessment_fact_other PARTITION OF assessment_fact DEFAULT")
    op.execute(
        "CREATE INDEX ix_assessment_fact_summary ON assessment_fact "
        "(instrument, organisation_code, quarter_start, imd_quintile) "
        "INCLUDE (person_key, overall_score)"
    )
    op.execute(
        "CREATE INDEX ix_assessment_fact_commissioner ON assessment_fact "
        "(instrument, commissioner_code, quarter_start) "
        "INCLUDE (organisation_code, person_key, overall_score)"
    )
    op.execute("CREATE INDEX ix_assessment_fact_team ON assessment_fact (team_code, assessed_on)")

    op.execute(
        """
        CREATE TABLE person_fact (
            person_key text NOT NULL,
            instrument text NOT NULL,
            variant text NOT NULL,
            assessments integer NOT NULL,
            first_assessment_key text NOT NULL,
            first_assessed_on date NOT NULL,
            first_submitted_at timestamptz,
            first_episode_type text NOT NULL,
            first_overall_score double precision,
            first_scores jsonb NOT NULL,
            first_bands jsonb NOT NULL,
            latest_assessment_key text NOT NULL,
            latest_assessed_on date NOT NULL,
            latest_submitted_at timestamptz,
            latest_episode_type text NOT NULL,
            latest_overall_score double precision,
            latest_scores jsonb NOT NULL,
            latest_bands jsonb NOT NULL,
            organisation_code text NOT NULL,
            commissioner_code text,
            team_code text NOT NULL,
            age_band text,
            sex text NOT NULL,
            ethnic_category text,
            ethnic_group text NOT NULL,
            imd_decile smallint,
            imd_quintile smallint,
            core20 boolean,
            CONSTRAINT pk_person_fact PRIMARY KEY (person_key, instrument, variant)
        )
        """
    )
    op.execute(
        "CREATE INDEX ix_person_fact_organisation ON person_fact "
        "(instrument, organisation_code, latest_assessed_on)"
    )

    op.execute(
        """
        CREATE TABLE assessment_feed_state (
            assessment_key text PRIMARY KEY,
            revision integer NOT NULL,
            deleted boolean NOT NULL,
            person_key text NOT NULL,
            assessed_on date NOT NULL,
            changed_at timestamptz NOT NULL
        )
        """
    )

    op.execute(
        "ALTER TABLE feed_checkpoint "
        "ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC', "
        "ADD COLUMN events_applied bigint NOT NULL DEFAULT 0, "
        "ADD COLUMN last_event_at timestamptz, "
        "ADD COLUMN behind_events integer NOT NULL DEFAULT 0, "
        "ADD COLUMN behind_since timestamptz, "
        "ADD COLUMN checked_at timestamptz"
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE feed_checkpoint "
        "DROP COLUMN checked_at, DROP COLUMN behind_since, DROP COLUMN behind_events, "
        "DROP COLUMN last_event_at, DROP COLUMN events_applied, "
        "ALTER COLUMN updated_at TYPE timestamp USING updated_at AT TIME ZONE 'UTC'"
    )
    op.execute("DROP TABLE assessment_feed_state")
    op.execute("DROP TABLE person_fact")
    op.execute("DROP TABLE assessment_fact")
