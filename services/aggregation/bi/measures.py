"""The ``measures`` table: the metrics module's summaries (people, assessments, mean score
with its 95% interval), disclosure-controlled there, reshaped into tidy rows.

Which summaries: each period type of ``plan.PERIODS`` x each breakdown of ``plan.BREAKDOWNS`` x the
caller's own level and the level below it (a trust's figures and its teams'; an ICB's and
its trusts'). Each is one summary as ``GET /api/aggregation/metrics/summary`` answers it,
so the table shows nothing the metrics API does not. A filtered export computes only the
summaries its filter may match (``plan``).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

import asyncpg
from fastapi import Request

from services.aggregation.access.scope import ReaderScope
from services.aggregation.bi.filter import Condition
from services.aggregation.bi.plan import (
    ALL,
    INSTRUMENT,
    JOIN,
    PERIODS,
    Cells,
    needed,
    needs_cells,
    parts_at,
    period_end,
)
from services.aggregation.bi.table import TidyRow
from services.aggregation.hierarchy.rules import LEVEL_ORDER, Level
from services.aggregation.metrics import sql
from services.aggregation.metrics.common import UNPLACED
from services.aggregation.metrics.query import MetricQuery, Period
from services.aggregation.metrics.schemas import Count, Interval, Summary, SummaryRow
from services.aggregation.metrics.summary import compute_summary
from services.common.direct import direct_connection


def _count(base: TidyRow, measure: str, count: Count, denominator: int | None = None) -> TidyRow:
    return replace(
        base,
        measure=measure,
        value=None if count.value is None else float(count.value),
        denominator=denominator,
        suppressed=count.suppressed,
    )


def _interval(base: TidyRow, measure: str, interval: Interval, denominator: int | None) -> TidyRow:
    return replace(
        base,
        measure=measure,
        value=interval.value,
        lower_ci=interval.lower,
        upper_ci=interval.upper,
        denominator=denominator if interval.value is not None else None,
        suppressed=interval.withheld is not None,
    )


def tidy_rows_of(summary: Summary, period: Period) -> Iterable[TidyRow]:
    """One summary's rows as tidy rows: people, assessments and mean_score per row, and
    each impact band's count and per cent where the summary has them."""
    for row in summary.rows:
        yield from _tidy(row, summary.instrument, period)


def _tidy(row: SummaryRow, instrument: str, period: Period) -> Iterable[TidyRow]:
    names = list(row.breakdown)
    base = TidyRow(
        organisation_code=row.unit.code or UNPLACED,
        organisation_name=row.unit.name,
        organisation_level=row.unit.level.value,
        period_type=period.value,
        period=row.period.label,
        period_start=row.period.start,
        period_end=period_end(row.period.start, period),
        instrument=instrument,
        breakdown=JOIN.join(names) if names else ALL,
        breakdown_value=JOIN.join(row.breakdown[n] for n in names) if names else ALL,
        measure="",
        value=None,
        lower_ci=None,
        upper_ci=None,
        denominator=None,
        suppressed=False,
    )
    yield _count(base, "people", row.people)
    yield _count(base, "assessments", row.assessments)
    yield _interval(base, "mean_score", row.mean_score, row.assessments.value)
    for band in row.bands:
        yield _count(base, f"band_{band.band}_assessments", band.count)
        yield _interval(base, f"band_{band.band}_percent", band.percent, row.assessments.value)


def levels_for(scope: ReaderScope) -> Sequence[Level]:
    """The caller's own level and the one below it (a team lead's: teams only)."""
    index = LEVEL_ORDER.index(scope.level)
    return LEVEL_ORDER[max(0, index - 1) : index + 1]


async def occupied(conn: asyncpg.Connection, scope: ReaderScope, levels: Iterable[Level]) -> Cells:
    """The units and periods the caller's summaries have rows for, at each level and period
    type: the first two keys of every summary's cells, read with the same unit, filter and
    scope SQL (one scan of the facts per level, no disclosure control)."""
    found: defaultdict[tuple[Level, Period], set[tuple[str, date]]] = defaultdict(set)
    for level in levels:
        st = sql.Statement()
        query = MetricQuery(instrument=INSTRUMENT, level=level)
        unit, joins = sql.unit_sql(sql.FACTS, level, query, st)
        starts = ", ".join(f"{sql.period_sql(sql.FACTS, p)} AS p{i}" for i, p in enumerate(PERIODS))
        conditions = [
            sql.filters_sql(sql.FACTS, query, st),
            sql.scope_sql(sql.FACTS, scope, None, st),
        ]
        # Only our own expressions are spliced in; every value is a parameter.
        statement = (
            f"SELECT DISTINCT COALESCE({unit}, '{UNPLACED}') AS unit, {starts} "  # noqa: S608
            f"FROM assessment_fact f {joins} WHERE {' AND '.join(conditions)}"
        )
        for row in await conn.fetch(statement, *st.params):
            for i, period in enumerate(PERIODS):
                found[(level, period)].add((row["unit"], row[f"p{i}"]))
    return found


async def measures(
    request: Request, scope: ReaderScope, condition: Condition | None = None
) -> list[TidyRow]:
    """The table's rows, from the summaries ``condition`` may match (all without one)."""
    rows: list[TidyRow] = []
    levels = levels_for(scope)
    async with direct_connection(request.app.state.engine) as conn:
        parts = needed(parts_at(levels), condition, None)
        if parts and needs_cells(condition):
            cells = await occupied(
                conn, scope, sorted({p.level for p in parts}, key=LEVEL_ORDER.index)
            )
            parts = needed(parts, condition, cells)
        for part in parts:
            summary = await compute_summary(conn, scope, part.query())
            rows.extend(tidy_rows_of(summary, part.period))
    return rows
