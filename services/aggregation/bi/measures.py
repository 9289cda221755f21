"""The ``measures`` table: the metrics module's summaries (people, assessments, mean score
with its 95% interval), disclosure-controlled there, reshaped into tidy rows.

Which summaries: each period type of ``PERIODS`` x each breakdown of ``BREAKDOWNS`` x the
caller's own level and the level below it (a trust's figures and its teams'; an ICB's and
its trusts'). Each is one summary as ``GET /api/aggregation/metrics/summary`` answers it,
so the table shows nothing the metrics API does not.
"""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from fastapi import Request

from services.aggregation.access.scope import ReaderScope
from services.aggregation.bi.table import TidyRow
from services.aggregation.hierarchy.rules import LEVEL_ORDER, Level
from services.aggregation.metrics.common import UNPLACED
from services.aggregation.metrics.query import Breakdown, MetricQuery, Period
from services.aggregation.metrics.schemas import Count, Interval, Summary, SummaryRow
from services.aggregation.metrics.summary import compute_summary
from services.common.direct import direct_connection

PERIODS: tuple[Period, ...] = (Period.quarter, Period.financial_year)
BREAKDOWNS: tuple[tuple[Breakdown, ...], ...] = (
    (),
    (Breakdown.imd_quintile,),
    (Breakdown.ethnic_group,),
    (Breakdown.age_band,),
    (Breakdown.sex,),
    (Breakdown.ethnic_group, Breakdown.imd_quintile),
)
ALL = "all"
JOIN = " x "  # two-way breakdowns: names and values joined in the same order


def period_end(start: date, period: Period) -> date:
    months = {Period.month: 1, Period.quarter: 3, Period.financial_year: 12}[period]
    index = start.month - 1 + months
    following = date(start.year + index // 12, index % 12 + 1, 1)
    return following - timedelta(days=1)


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


async def measures(request: Request, scope: ReaderScope) -> list[TidyRow]:
    rows: list[TidyRow] = []
    async with direct_connection(request.app.state.engine) as conn:
        for level in levels_for(scope):
            for period in PERIODS:
                for by in BREAKDOWNS:
                    query = MetricQuery(level=level, period=period, by=by)
                    summary = await compute_summary(conn, scope, query)
                    rows.extend(tidy_rows_of(summary, period))
    return rows
