"""A unit's children against the parent: each child's proportion with the 95% and 99.8%
funnel limits around the parent's proportion at the child's size, and the funnel's curve
for a plot. Children are listed in code order, never ranked."""

from dataclasses import replace
from datetime import date
from enum import StrEnum
from typing import Any

import asyncpg

from services.aggregation.access.scope import Basis, ReaderScope
from services.aggregation.disclosure import Table
from services.aggregation.hierarchy import repository
from services.aggregation.hierarchy.rules import LEVEL_OF_KIND, LEVEL_ORDER, Level
from services.aggregation.metrics import sql
from services.aggregation.metrics.change import DIRECTIONS
from services.aggregation.metrics.common import (
    THRESHOLD,
    UNPLACED,
    Tally,
    check_query,
    protect_whole,
    refuse,
    unit_names,
    unit_of,
)
from services.aggregation.metrics.query import MetricQuery
from services.aggregation.metrics.schemas import Funnel, FunnelCurvePoint, FunnelUnit, Interval
from services.aggregation.metrics.summary import caveats, method_block
from services.aggregation.statistics import funnel_limits, funnel_significance, wilson
from services.aggregation.statistics.funnel import INNER, OUTER
from services.common.errors import FieldProblem, InvalidInput

CURVE_POINTS = 40


class FunnelMeasure(StrEnum):
    """``improved``: of people with two assessments, the per cent whose latest is better
    than their first. ``moderate_or_high``: of assessments, the per cent with any indicator
    at moderate or high impact."""

    improved = "improved"
    moderate_or_high = "moderate_or_high"


FUNNEL_CAVEATS = [
    "Units are listed in code order: a funnel plot shows which differ from the parent by "
    "more than chance, not a ranking. Points outside the 99.8% limits merit a look, not a "
    "verdict.",
    "Limits use the parent's own proportion (p0 +/- z sqrt(p0(1-p0)/n)); no overdispersion "
    "adjustment is made.",
]


def _statement(
    scope: ReaderScope, query: MetricQuery, within: frozenset[str] | None, measure: FunnelMeasure
) -> tuple[str, list[Any]]:
    st = sql.Statement()
    if measure is FunnelMeasure.improved:
        source = sql.PEOPLE
        lower_is_better = DIRECTIONS.get(query.instrument, "lower_is_better") == "lower_is_better"
        better = "<" if lower_is_better else ">"
        x = f"count(*) FILTER (WHERE p.latest_overall_score {better} p.first_overall_score)"
        n = "count(*) FILTER (WHERE p.assessments > 1 AND p.latest_overall_score IS NOT NULL)"
        table = "person_fact p"
    else:
        source = sql.FACTS
        x = "count(*) FILTER (WHERE (f.scores->'overall'->>'moderate_or_high')::float8 > 0)"
        n = "count(*) FILTER (WHERE f.scores->'overall'->>'moderate_or_high' IS NOT NULL)"
        table = "assessment_fact f"
    unit, joins = sql.unit_sql(source, query.row_level, query, st)
    conditions = [sql.filters_sql(source, query, st), sql.scope_sql(source, scope, within, st)]
    statement = (
        f"SELECT COALESCE({unit}, '{UNPLACED}') AS unit, {x} AS x, {n} AS n "  # noqa: S608
        f"FROM {table} {joins} WHERE {' AND '.join(conditions)} GROUP BY 1"
    )
    return statement, st.params


async def compute_funnel(
    conn: asyncpg.Connection, scope: ReaderScope, query: MetricQuery, measure: FunnelMeasure
) -> Funnel:
    """The children of ``organisation=`` (default: the caller's organisation) at the level
    below it (or ``level=``), against the parent. Entry point for the API and BI."""
    if query.by:
        message = "a funnel compares units; breakdowns are not used here"
        raise InvalidInput(message, errors=[FieldProblem(field="query.by", message=message)])
    if scope.basis is Basis.teams:
        raise refuse(
            "query.organisation",
            "comparing units with their parent needs an organisation role; team leads see "
            "their teams' own figures",
        )
    parent_code = query.organisation or scope.organisation_code
    parent = await repository.unit(conn, parent_code)
    parent_level = LEVEL_OF_KIND[parent.kind] if parent else Level.trust
    if query.level is None:
        index = LEVEL_ORDER.index(parent_level)
        if index == 0:
            raise refuse("query.organisation", "a team has no units under it to compare")
        query = replace(query, level=LEVEL_ORDER[index - 1])
    checked = await check_query(conn, scope, query)
    query = checked.query
    if LEVEL_ORDER.index(query.row_level) >= LEVEL_ORDER.index(parent_level):
        message = f"must be below the parent's level ({parent_level.value})"
        raise InvalidInput(message, errors=[FieldProblem(field="query.level", message=message)])
    within = checked.within
    if within is None:
        within = await repository.units_under(
            conn, [parent_code], query.structure_on or date.today()
        )
    statement, params = _statement(scope, query, within, measure)
    found = {row["unit"]: (row["x"], row["n"]) for row in await conn.fetch(statement, *params)}
    names = await unit_names(conn, [*found, parent_code])
    tally = Tally()
    units: list[FunnelUnit] = []
    total_x = sum(x for x, _ in found.values())
    total_n = sum(n for _, n in found.values())
    baseline = total_x / total_n if total_n else None
    baseline_interval = Interval(value=None, withheld="withheld: no one to compare")
    curve: list[FunnelCurvePoint] = []
    if found and total_n:
        counts: dict[tuple[str | int, ...], int] = {
            (u, o): (x if o == "yes" else n - x)
            for u, (x, n) in found.items()
            for o in ("yes", "no")
        }
        protected = await protect_whole(
            Table.from_counts(["unit", "outcome"], counts, {"outcome": ["yes", "no"]}), "people"
        )
        reason = protected.proportion_withheld((None, "yes"), (None, None))
        baseline_interval = tally.interval(wilson(total_x, total_n, query.confidence), reason, 100)
        for code in sorted(found, key=lambda c: (c == UNPLACED, c)):
            x, n = found[code]
            reason = protected.proportion_withheld((code, "yes"), (code, None))
            own = wilson(x, n, query.confidence) if n else None
            shown = reason is None and baseline is not None and n > 0
            limits_95 = limits_998 = None
            significance = None
            if shown and baseline is not None:
                low, high = funnel_limits(baseline, n, INNER)
                limits_95 = Interval(value=baseline * 100, lower=low * 100, upper=high * 100)
                low, high = funnel_limits(baseline, n, OUTER)
                limits_998 = Interval(value=baseline * 100, lower=low * 100, upper=high * 100)
                significance = funnel_significance(x, n, baseline)
            units.append(
                FunnelUnit(
                    unit=unit_of(code, names, query.row_level),
                    numerator=tally.count(protected, (code, "yes")),
                    denominator=tally.count(protected, (code, None)),
                    percent=tally.interval(own, reason, 100),
                    limits_95=limits_95,
                    limits_99_8=limits_998,
                    significance=significance,
                )
            )
        if baseline is not None and baseline_interval.value is not None:
            curve = _curve(baseline, max(n for _, n in found.values()))
    return Funnel(
        instrument=query.instrument,
        score=query.score,
        structure=query.structure.value,
        measure=measure.value,
        parent=unit_of(parent_code, names, parent_level),
        baseline=baseline_interval,
        units=units,
        curve=curve,
        method=method_block(query).model_copy(
            update={
                "other": [
                    "Funnel limits: p0 +/- z sqrt(p0(1-p0)/n), z = 1.959964 (95%) "
                    "and 3.090232 (99.8%), clamped to 0-100%"
                ]
            }
        ),
        caveats=caveats(query, FUNNEL_CAVEATS),
        suppression=tally.block(),
    )


def _curve(baseline: float, largest: int) -> list[FunnelCurvePoint]:
    """The limits at sizes from the threshold to a little beyond the largest unit, spaced
    evenly on a log scale (the funnel narrows fast at first)."""
    top = max(THRESHOLD + 1, int(largest * 1.1) + 1)
    sizes = sorted(
        {
            round(THRESHOLD * (top / THRESHOLD) ** (i / (CURVE_POINTS - 1)))
            for i in range(CURVE_POINTS)
        }
    )
    points = []
    for n in sizes:
        low95, high95 = funnel_limits(baseline, n, INNER)
        low998, high998 = funnel_limits(baseline, n, OUTER)
        points.append(
            FunnelCurvePoint(
                denominator=n,
                lower_95=low95 * 100,
                upper_95=high95 * 100,
                lower_99_8=low998 * 100,
                upper_99_8=high998 * 100,
            )
        )
    return points
