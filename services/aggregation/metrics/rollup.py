"""Answering a summary from the rollups the consumer keeps (decision 0034), where that gives
exactly what the facts give; otherwise None and the caller reads the facts.

A query can use a rollup when:

- it asks the overall score (``score=total``, no determinant), all variants, all episode
  types, at most one breakdown and that one IMD quintile;
- ``from`` and ``to`` (if given) fall on its periods' edges, so whole cells are in or out;
- and the grain of its level (team, trust, ICB: recorded ``team_code``,
  ``organisation_code``, ``commissioner_code``; region: the whole instrument) maps onto the
  units it asks for one to one: checked on ``rollup_placement`` (every recorded
  combination, with the dates its facts lie between) using the same unit and scope SQL as
  the facts query, on every date where the hierarchy changes within that range. Each grain
  unit must be wholly in or out of the caller's scope and under one unit of the level, and
  no two grain units under the same unit; then each unit's distinct people are one cell's.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import asyncpg

from services.aggregation.access.scope import ReaderScope
from services.aggregation.feed.rollups import mean_and_sd
from services.aggregation.hierarchy.rules import Level
from services.aggregation.metrics import sql
from services.aggregation.metrics.common import UNPLACED, Checked
from services.aggregation.metrics.query import Breakdown, MetricQuery, Period

GRAIN_OF_LEVEL = {Level.team: "team", Level.trust: "trust", Level.icb: "icb", Level.region: "all"}
_GRAIN_UNIT = {
    "team": "p.team_code",
    "trust": "p.organisation_code",
    "icb": "p.commissioner_code",
    "all": "''",
}


@dataclass(frozen=True)
class Shape:
    grain: str
    period: str
    breakdown: str


def _period_start(day: date, period: Period) -> date:
    if period is Period.month:
        return day.replace(day=1)
    if period is Period.quarter:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    year = day.year if day.month >= 4 else day.year - 1
    return date(year, 4, 1)


def rollup_shape(query: MetricQuery) -> Shape | None:
    """The rollup a query's shape could come from, before the placement check (pure)."""
    if (
        query.variant is not None
        or query.determinant is not None
        or query.episode_type is not None
        or query.score != "total"
        or query.level is None
    ):
        return None
    if query.by not in ((), (Breakdown.imd_quintile,)):
        return None
    if query.start is not None and _period_start(query.start, query.period) != query.start:
        return None
    if query.end is not None:
        after = query.end + timedelta(days=1)
        if _period_start(after, query.period) != after:
            return None
    breakdown = "imd_quintile" if query.by else "none"
    return Shape(GRAIN_OF_LEVEL[query.level], query.period.value, breakdown)


def placement_statement(
    scope: ReaderScope, checked: Checked, shape: Shape
) -> tuple[str, list[Any]]:
    """Each recorded combination on each date its unit could change: its grain unit, the
    unit it counts under at the query's level and whether the caller's scope takes it."""
    query = checked.query
    st = sql.Statement()
    instrument = st.bind(query.instrument)
    # The combinations stand in for facts: the same column names, alias f.
    unit, joins = sql.unit_sql(sql.FACTS, query.row_level, query, st)
    passes = sql.scope_sql(sql.FACTS, scope, checked.within, st)
    statement = f"""
        WITH changes AS (
            SELECT valid_from AS day FROM org_link
            UNION SELECT valid_to FROM org_link WHERE valid_to IS NOT NULL)
        SELECT f.grain_unit, {unit} AS unit, ({passes}) AS passes
        FROM (
            SELECT {_GRAIN_UNIT[shape.grain]} AS grain_unit, p.team_code, p.organisation_code,
                   NULLIF(p.commissioner_code, '') AS commissioner_code, d.day AS assessed_on
            FROM rollup_placement p
            CROSS JOIN LATERAL (
                SELECT p.first_day AS day
                UNION SELECT c.day FROM changes c
                WHERE c.day > p.first_day AND c.day <= p.last_day) d
            WHERE p.instrument = {instrument} AND p.facts > 0
        ) f {joins}
    """  # noqa: S608 - our own expressions; values are parameters
    return statement, st.params


def unit_map(rows: list[tuple[str, str | None, bool]]) -> dict[str, str] | None:
    """Grain unit -> the unit it counts under, for the grain units the caller reads; None
    when the rollup would not be exact (pure)."""
    seen: dict[str, set[tuple[str, bool]]] = defaultdict(set)
    for grain_unit, unit, passes in rows:
        seen[grain_unit].add((unit if unit is not None else UNPLACED, bool(passes)))
    mapping: dict[str, str] = {}
    for grain_unit, outcomes in seen.items():
        if len(outcomes) != 1:
            return None  # split between units, or partly in scope
        ((unit, passes),) = outcomes
        if passes:
            mapping[grain_unit] = unit
    if len(set(mapping.values())) != len(mapping):
        return None  # two grain units under one unit: their people may overlap
    return mapping


_CELLS = """
    SELECT unit_code, period_start, category, people, assessments, scored, score_sum,
           score_squares
    FROM rollup_cell
    WHERE instrument = $1 AND grain = $2 AND period = $3 AND breakdown = $4
      AND unit_code = ANY($5::text[]) AND assessments > 0
      AND ($6::date IS NULL OR period_start >= $6) AND ($7::date IS NULL OR period_start <= $7)
"""


@dataclass
class RollupCell:
    people: int
    assessments: int
    scored: int
    mean: float | None
    sd: float | None


async def rollup_cells(
    conn: asyncpg.Connection, scope: ReaderScope, checked: Checked
) -> dict[tuple[str, ...], RollupCell] | None:
    """The summary's cells (unit, period start, [IMD quintile]) from a rollup, or None when
    the query must read the facts."""
    shape = rollup_shape(checked.query)
    if shape is None:
        return None
    statement, params = placement_statement(scope, checked, shape)
    mapping = unit_map([tuple(r) for r in await conn.fetch(statement, *params)])
    if mapping is None:
        return None
    query = checked.query
    cells: dict[tuple[str, ...], RollupCell] = {}
    rows = await conn.fetch(
        _CELLS,
        query.instrument,
        shape.grain,
        shape.period,
        shape.breakdown,
        sorted(mapping),
        query.start,
        query.end,
    )
    for r in rows:
        key: tuple[str, ...] = (mapping[r["unit_code"]], r["period_start"].isoformat())
        if shape.breakdown != "none":
            key += (r["category"],)
        mean, sd = mean_and_sd(r["scored"], r["score_sum"], r["score_squares"])
        cells[key] = RollupCell(r["people"], r["assessments"], r["scored"], mean, sd)
    return cells
