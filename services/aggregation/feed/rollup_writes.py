"""Keeping the summary rollups (decision 0034) in the store: the consumer's deltas, in the
transaction that changes the facts and moves the checkpoint, and a rebuild from the facts
for bulk loads. The arithmetic is ``rollups`` (pure)."""

from collections.abc import Sequence
from datetime import date

import asyncpg

from services.aggregation.feed import rollups
from services.aggregation.feed.contract import collector_paused
from services.aggregation.feed.rollups import FACT_FIELDS, GRAINS, PERIODS, RollupFact

_FIELDS = ", ".join(f"f.{name}" for name in FACT_FIELDS)
# Every fact of the people named, each probed by key between their own first and latest
# dates (from person_fact, kept in the same transaction): index probes, never a scan.
_FACTS_OF_PEOPLE = f"""
    SELECT {_FIELDS}
    FROM unnest($1::text[], $2::date[], $3::date[]) AS k(person_key, lo, hi)
    CROSS JOIN LATERAL (
        SELECT {_FIELDS} FROM assessment_fact f
        WHERE f.person_key = k.person_key AND f.assessed_on BETWEEN k.lo AND k.hi
        OFFSET 0  -- probed per person
    ) AS f
"""  # noqa: S608 - names from constants
# Straight from the facts, whatever person_fact says (tests writing facts by hand).
_FACTS_OF_PEOPLE_SCAN = (
    f"SELECT {_FIELDS} FROM assessment_fact f WHERE f.person_key = ANY($1::text[])"  # noqa: S608
)

CELL_KEY = ("instrument", "grain", "period", "breakdown", "unit_code", "period_start", "category")
CELL_TOTALS = ("people", "assessments", "scored", "score_sum", "score_squares")
PLACEMENT_KEY = ("instrument", "team_code", "organisation_code", "commissioner_code")

# The sums travel as text (exact decimal strings, cast on the way in): asyncpg's binary
# numeric encoding cost six times as much as the rest of the row.
_CELL_CHANGES = (
    "CREATE TEMP TABLE IF NOT EXISTS rollup_cell_delta ("
    "instrument text, grain text, period text, breakdown text, unit_code text, "
    "period_start date, category text, people integer, assessments integer, scored integer, "
    "score_sum text, score_squares text) ON COMMIT DELETE ROWS"
)
_PLACEMENT_CHANGES = (
    "CREATE TEMP TABLE IF NOT EXISTS rollup_placement_change ON COMMIT DELETE ROWS AS "
    "SELECT * FROM rollup_placement WITH NO DATA"
)
_ADD_CELLS = f"""
    INSERT INTO rollup_cell ({", ".join(CELL_KEY)}, {", ".join(CELL_TOTALS)})
    SELECT {", ".join(CELL_KEY)}, people, assessments, scored,
           score_sum::numeric, score_squares::numeric
    FROM rollup_cell_delta
    ON CONFLICT ({", ".join(CELL_KEY)}) DO UPDATE SET
    {", ".join(f"{c} = rollup_cell.{c} + excluded.{c}" for c in CELL_TOTALS)}
"""  # noqa: S608
# A cell with no assessment left is gone, as it would be from a rebuild. Only a cell that
# lost assessments can have none left: the others are not looked up (most pages only add).
_DROP_EMPTY_CELLS = f"""
    DELETE FROM rollup_cell c USING rollup_cell_delta d
    WHERE d.assessments < 0
      AND {" AND ".join(f"c.{k} = d.{k}" for k in CELL_KEY)} AND c.assessments = 0
"""  # noqa: S608
_ADD_PLACEMENTS = f"""
    INSERT INTO rollup_placement SELECT * FROM rollup_placement_change
    ON CONFLICT ({", ".join(PLACEMENT_KEY)}) DO UPDATE SET
        facts = rollup_placement.facts + excluded.facts,
        first_day = least(rollup_placement.first_day, excluded.first_day),
        last_day = greatest(rollup_placement.last_day, excluded.last_day)
"""  # noqa: S608
_DROP_EMPTY_PLACEMENTS = f"""
    DELETE FROM rollup_placement p USING rollup_placement_change d
    WHERE d.facts < 0
      AND {" AND ".join(f"p.{k} = d.{k}" for k in PLACEMENT_KEY)} AND p.facts = 0
"""  # noqa: S608


async def facts_of_stored_people(
    conn: asyncpg.Connection, stored: Sequence[asyncpg.Record]
) -> list[RollupFact]:
    """Every fact of the people of ``stored`` (their ``person_fact`` rows, with
    ``first_assessed_on`` and ``latest_assessed_on``): a person has no fact outside them."""
    if not stored:
        return []
    bounds: dict[str, tuple[date, date]] = {}
    for row in stored:
        lo, hi = row["first_assessed_on"], row["latest_assessed_on"]
        known = bounds.get(row["person_key"])
        bounds[row["person_key"]] = (
            (lo, hi) if known is None else (min(known[0], lo), max(known[1], hi))
        )
    keys = list(bounds)
    rows = await conn.fetch(
        _FACTS_OF_PEOPLE, keys, [bounds[k][0] for k in keys], [bounds[k][1] for k in keys]
    )
    return [RollupFact._make(r) for r in rows]


async def facts_of_people(conn: asyncpg.Connection, person_keys: Sequence[str]) -> list[RollupFact]:
    """Every fact of these people, straight from the facts (a scan of the key index)."""
    if not person_keys:
        return []
    return [RollupFact._make(r) for r in await conn.fetch(_FACTS_OF_PEOPLE_SCAN, list(person_keys))]


async def write_changes(
    conn: asyncpg.Connection, before: Sequence[RollupFact], after: Sequence[RollupFact]
) -> None:
    """Move the rollups from ``before`` to ``after``: every fact of the people concerned,
    before and after the change. Run inside the caller's transaction."""
    with collector_paused():  # many short-lived objects, none in a cycle
        cells = rollups.cell_deltas(before, after)
        placements = rollups.placement_deltas(before, after)
    if cells:
        await conn.execute(_CELL_CHANGES)
        await conn.copy_records_to_table(
            "rollup_cell_delta",
            records=[
                (
                    k[0],
                    k[1],
                    k[3],
                    k[5],
                    k[2],
                    k[4],
                    k[6],
                    t.people,
                    t.assessments,
                    t.scored,
                    str(t.score_sum),
                    str(t.score_squares),
                )
                for k, t in cells.items()
            ],
            columns=(*CELL_KEY, *CELL_TOTALS),
        )
        await conn.execute(_ADD_CELLS)
        if any(t.assessments < 0 for t in cells.values()):
            await conn.execute(_DROP_EMPTY_CELLS)
    if placements:
        await conn.execute(_PLACEMENT_CHANGES)
        await conn.copy_records_to_table(
            "rollup_placement_change",
            records=[(*k, p.facts, p.first_day, p.last_day) for k, p in placements.items()],
            columns=(*PLACEMENT_KEY, "facts", "first_day", "last_day"),
        )
        await conn.execute(_ADD_PLACEMENTS)
        if any(p.facts < 0 for p in placements.values()):
            await conn.execute(_DROP_EMPTY_PLACEMENTS)


async def add_new_people(conn: asyncpg.Connection, person_keys: Sequence[str]) -> None:
    """Roll up the facts of people who had none before (tests that write facts directly)."""
    async with conn.transaction():
        after = await facts_of_people(conn, person_keys)
        await write_changes(conn, [], after)


_UNIT = {
    "team": "f.team_code",
    "trust": "f.organisation_code",
    "icb": "COALESCE(f.commissioner_code, '')",
    "all": "''",
}
_START = {
    "month": "f.month_start",
    "quarter": "f.quarter_start",
    "financial_year": "make_date(f.financial_year::int, 4, 1)",
}


def _rebuild_cells(grain: str, period: str) -> str:
    # Both breakdowns in one scan: no breakdown ('' category) and IMD quintile. (Postgres
    # refuses a text constant in GROUP BY: grain "all" groups by nothing more.)
    keys = ", ".join(["f.instrument", *([] if grain == "all" else [_UNIT[grain]]), _START[period]])
    return f"""
        INSERT INTO rollup_cell ({", ".join(CELL_KEY)}, {", ".join(CELL_TOTALS)})
        SELECT f.instrument, '{grain}', '{period}',
               CASE WHEN GROUPING(f.imd_quintile) = 1 THEN 'none' ELSE 'imd_quintile' END,
               {_UNIT[grain]}, {_START[period]},
               CASE WHEN GROUPING(f.imd_quintile) = 1 THEN ''
                    ELSE COALESCE(f.imd_quintile::text, '{rollups.UNKNOWN}') END,
               count(DISTINCT f.person_key), count(*), count(f.overall_score),
               COALESCE(sum(f.overall_score::numeric), 0),
               COALESCE(sum(f.overall_score::numeric * f.overall_score::numeric), 0)
        FROM assessment_fact f
        GROUP BY GROUPING SETS (
            ({keys}), ({keys}, f.imd_quintile))
    """  # noqa: S608 - constants only


REBUILD_STATEMENTS = (
    "DELETE FROM rollup_cell",
    "DELETE FROM rollup_placement",
    *(_rebuild_cells(grain, period) for grain in GRAINS for period in PERIODS),
    """
    INSERT INTO rollup_placement
    SELECT instrument, team_code, organisation_code, COALESCE(commissioner_code, ''),
           count(*), min(assessed_on), max(assessed_on)
    FROM assessment_fact GROUP BY 1, 2, 3, 4
    """,
)


async def rebuild_rollups(conn: asyncpg.Connection) -> None:
    """Remake the rollups from ``assessment_fact`` (after a bulk load of facts), in one
    transaction."""
    async with conn.transaction():
        # The distinct counts sort the facts: in memory where the server allows.
        await conn.execute("SET LOCAL work_mem = '256MB'")
        for statement in REBUILD_STATEMENTS:
            await conn.execute(statement)
