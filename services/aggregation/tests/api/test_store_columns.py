"""Aggregation never holds a name, NHS number, local id, date of birth, postcode or free
text: every column of its database (as migrated in the running system) is on this list,
with what it holds. A new column fails this test until it is added here, on purpose."""

from equitas_stack.stack import Stack

from services.aggregation.tests.api.feed_support import service_db

_FACT = {
    # Pseudonyms (keyed HMACs made by scoring), never identifiers.
    "person_key",
    "assessment_key",
    # Codes, dates and numbers.
    "revision",
    "instrument",
    "variant",
    "instrument_version",
    "episode_type",
    "assessed_on",
    "submitted_at",
    "month_start",
    "quarter_start",
    "financial_year",
    "organisation_code",
    "commissioner_code",
    "team_code",
    "age_band",
    "sex",
    "ethnic_category",
    "ethnic_group",
    "imd_decile",
    "imd_quintile",
    "core20",
    "imd_vintage",
    "overall_score",
    "complete",
    # JSON of score ids, band codes and item ids to numbers: no text.
    "scores",
    "bands",
    "item_values",
}
_PART = (
    "assessment_key",
    "assessed_on",
    "submitted_at",
    "episode_type",
    "overall_score",
)
ALLOWED: dict[str, set[str]] = {
    "assessment_fact": _FACT,
    "person_fact": {
        "person_key",
        "instrument",
        "variant",
        "assessments",
        *(f"first_{c}" for c in _PART),
        *(f"latest_{c}" for c in _PART),
        "organisation_code",
        "commissioner_code",
        "team_code",
        "age_band",
        "sex",
        "ethnic_category",
        "ethnic_group",
        "imd_decile",
        "imd_quintile",
        "core20",
    },
    "assessment_feed_state": {
        "assessment_key",
        "revision",
        "deleted",
        "person_key",
        "assessed_on",
        "changed_at",
    },
    "feed_checkpoint": {
        "feed",
        "cursor",
        "updated_at",
        "events_applied",
        "last_event_at",
        "behind_events",
        "behind_since",
        "checked_at",
    },
    # Summary rollups (decision 0034): codes, dates and numbers.
    "rollup_cell": {
        "instrument",
        "grain",
        "period",
        "breakdown",
        "unit_code",
        "period_start",
        "category",
        "people",
        "assessments",
        "scored",
        "score_sum",
        "score_squares",
    },
    "rollup_placement": {
        "instrument",
        "team_code",
        "organisation_code",
        "commissioner_code",
        "facts",
        "first_day",
        "last_day",
    },
    # The organisation hierarchy: organisations' codes and names (public ODS data).
    "org_unit": {"code", "name", "kind", "source", "updated_at"},
    "org_link": {
        "id",
        "child_code",
        "parent_code",
        "valid_from",
        "valid_to",
        "source",
        "created_at",
    },
    # BI access tokens: the dataset's name an administrator gives, a hash of the secret,
    # and staff user ids (who minted or revoked it), none of them about a patient.
    "bi_access_token": {
        "id",
        "secret_hash",
        "dataset",
        "organisation_code",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    },
    "bi_token_use": {"id", "token_id", "used_at", "method", "path", "status"},
    # Service equity (decisions 0032, 0033): activity rows are pseudonymised on import (an
    # identifier column refuses the file, or becomes a keyed pseudonym); characteristics are
    # codes; LSOA is an area of ~1,500 people (what IMD and census comparisons need), not an
    # address. Datasets and steps carry short labels staff give the service's own work (a
    # dataset's title, a step's owning role), never notes about people; an import's problems
    # name a row, a column and a fixed reason, never the value.
    "equity_dataset": {
        "id",
        "unit_code",
        "title",
        "plus_groups",
        "created_by",
        "created_at",
        "imd_vintage",
    },
    "equity_import": {
        "id",
        "dataset_id",
        "source",
        "status",
        "rows_read",
        "rows_imported",
        "rows_rejected",
        "problems",
        "started_by",
        "started_at",
        "finished_at",
        "import_key",  # a UUID the uploading client chose (decision 0050)
    },
    "equity_activity": {
        "dataset_id",
        "import_id",
        "row_no",
        "person_key",
        "referral_date",
        "opted_in",
        "appointments_offered",
        "appointments_attended",
        "appointments_dna",
        "appointments_cancelled",
        "discharge_date",
        "discharge_reason",
        "contacts",
        "length_of_stay_days",
        "outcome_before",
        "outcome_after",
        "age_band",
        "sex",
        "ethnic_category",
        "ethnic_group",
        "imd_decile",
        "lsoa",
        "religion",
        "sexual_orientation",
        "carer",
        "disability",
        "military_service",
        "pregnancy",
        "language",
        "interpreter_needed",
        "inclusion_groups",
        "clinical_areas",
        "imd_vintage",
    },
    # The IMD lookup (decision 0046): published area statistics, LSOA code to decile.
    "equity_imd_vintage": {"vintage", "lsoa_year", "lsoas", "loaded_by", "loaded_at"},
    "equity_imd_lsoa": {"vintage", "lsoa_code", "decile"},
    "equity_reference_population": {"id", "title", "dimension", "created_by", "created_at"},
    "equity_reference_count": {"population_id", "area_code", "category", "people"},
    "equity_action_step": {
        "id",
        "unit_code",
        "dataset_id",
        "stage",
        "action",
        "owner_role",
        "starts_on",
        "due_on",
        "status",
        "analysis",
        "breakdown",
        "category",
        "created_by",
        "created_at",
        "updated_at",
    },
    # Board roll-ups (decision 0047): about a trust's board, not a person. A keyed pseudonym
    # of the assessment, codes, dates, and JSON of score ids and band codes to numbers and
    # level codes (labels, answers and notes are never kept).
    "board_result": {
        "assessment_key",
        "revision",
        "deleted",
        "instrument",
        "instrument_version",
        "organisation_code",
        "commissioner_code",
        "assessed_on",
        "submitted_at",
        "overall",
        "sections",
        "groupings",
        "changed_at",
    },
    "alembic_version": {"version_num"},
}


async def test_every_column_of_the_aggregation_database_is_allowed(stack: Stack) -> None:
    async with service_db(stack, "aggregation") as db:
        rows = await db.fetch(
            """
            SELECT c.relname AS table_name, a.attname AS column_name
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%'
              -- sessions' temporary tables: the consumer's copy of person_fact rows
              AND n.nspname NOT LIKE 'pg\\_temp\\_%'
              AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND NOT c.relispartition  -- a partition has its parent's columns
            """
        )
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["table_name"], set()).add(row["column_name"])
    unexpected = {
        table: sorted(columns - ALLOWED.get(table, set()))
        for table, columns in found.items()
        if columns - ALLOWED.get(table, set())
    }
    assert unexpected == {}, f"columns not on the allow-list: {unexpected}"
    assert {"assessment_fact", "person_fact", "feed_checkpoint"} <= set(found)
