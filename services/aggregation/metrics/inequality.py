"""Slope and relative index of inequality of the mean score across IMD quintiles (default)
or deciles, per unit and period (PHE method: ``statistics.sii``), refused with the reason
where a quantile's people are hidden or empty."""

from collections import defaultdict
from datetime import date
from enum import StrEnum
from typing import Any

import asyncpg

from services.aggregation.access.scope import ReaderScope
from services.aggregation.disclosure import Table
from services.aggregation.metrics import sql
from services.aggregation.metrics.common import (
    UNPLACED,
    Tally,
    check_query,
    period_of,
    protect_whole,
    unit_names,
    unit_of,
)
from services.aggregation.metrics.query import MetricQuery
from services.aggregation.metrics.schemas import Inequality, InequalityRow, Interval, QuantileValue
from services.aggregation.metrics.summary import caveats, method_block
from services.aggregation.statistics import Estimate, mean_from_summary, sii
from services.common.errors import FieldProblem, InvalidInput

# Simulated limits: PHEindicatormethods' default repetitions, and a fixed seed so the same
# data gives the same limits every time it is asked.
REPETITIONS = 100_000
SEED = 20261207


class Quantiles(StrEnum):
    imd_quintile = "imd_quintile"
    imd_decile = "imd_decile"


SII_CAVEATS = [
    "SII is the modelled gap in mean score from the most deprived (rank 0) to the least "
    "deprived (rank 1) end; RII is their ratio. The model assumes a straight line.",
    "People with no IMD decile recorded are left out of the SII; their number is the "
    "'unknown' row of the summary by IMD.",
    "Limits are simulated (100,000 draws, fixed seed) and vary slightly with the data.",
]


async def compute_inequality(
    conn: asyncpg.Connection, scope: ReaderScope, query: MetricQuery, quantiles: Quantiles
) -> Inequality:
    """SII and RII per unit x period across IMD quantiles. Entry point for the API and BI."""
    if query.by:
        message = "inequality is across IMD quantiles; breakdowns are not used here"
        raise InvalidInput(message, errors=[FieldProblem(field="query.by", message=message)])
    checked = await check_query(conn, scope, query)
    query = checked.query
    st = sql.Statement()
    source = sql.FACTS
    unit, joins = sql.unit_sql(source, query.row_level, query, st)
    value = "f.overall_score"
    if query.determinant is not None:
        value = (
            f"(f.scores->{st.bind(query.determinant)}::text->>{st.bind(query.score)}::text)::float8"
        )
    elif query.score != "total":
        value = f"(f.scores->'overall'->>{st.bind(query.score)}::text)::float8"
    conditions = [
        sql.filters_sql(source, query, st),
        sql.scope_sql(source, scope, checked.within, st),
    ]
    statement = (
        f"SELECT COALESCE({unit}, '{UNPLACED}') AS unit, "  # noqa: S608 - our expressions only
        f"{sql.period_sql(source, query.period)} AS period, f.{quantiles.value} AS q, "
        f"count(DISTINCT f.person_key) AS people, count({value}) AS scored, avg({value}) AS mean, "
        f"stddev_samp({value}) AS sd FROM assessment_fact f {joins} "
        f"WHERE {' AND '.join(conditions)} AND f.{quantiles.value} IS NOT NULL "
        "GROUP BY 1, 2, 3"
    )
    cells: dict[tuple[str, str], dict[int, asyncpg.Record]] = defaultdict(dict)
    for row in await conn.fetch(statement, *st.params):
        cells[(row["unit"], row["period"].isoformat())][int(row["q"])] = row
    labels = list(range(1, 6 if quantiles is Quantiles.imd_quintile else 11))
    tally = Tally()
    names = await unit_names(conn, (k[0] for k in cells))
    rows: list[InequalityRow] = []
    if cells:
        counts: dict[tuple[str | int, ...], int] = {
            (u, p, q): r["people"] for (u, p), by_q in cells.items() for q, r in by_q.items()
        }
        protected = await protect_whole(
            Table.from_counts(["unit", "period", "quantile"], counts, {"quantile": labels}),
            "people",
        )
        for (unit_code, period), by_q in sorted(cells.items()):
            keys = [(unit_code, period, q) for q in labels]
            values: list[QuantileValue] = []
            inputs: list[dict[str, Any]] = []
            for q, key in zip(labels, keys, strict=True):
                record = by_q.get(q)
                withheld = protected.withheld(key)
                estimate: Estimate | None = None
                if record is not None and withheld is None and record["scored"] >= 2:
                    estimate = mean_from_summary(
                        record["scored"], record["mean"], record["sd"], query.confidence
                    )
                    inputs.append(
                        {"quantile": q, "population": record["people"], "value": estimate.value,
                         "lower_cl": estimate.lower, "upper_cl": estimate.upper}
                    )  # fmt: skip
                values.append(
                    QuantileValue(
                        quantile=q,
                        people=tally.count(protected, key),
                        mean_score=tally.interval(estimate, withheld),
                    )
                )
            reason = protected.sii_withheld([], keys)
            if reason is None and len(inputs) != len(labels):
                reason = "withheld: a quantile has too few scores for an interval"
            sii_value, rii_value = _sii(inputs, reason, query.confidence)
            rows.append(
                InequalityRow(
                    unit=unit_of(unit_code, names, query.row_level),
                    period=period_of(date.fromisoformat(period), query.period),
                    quantiles=values,
                    sii=tally_interval(tally, sii_value, reason),
                    rii=tally_interval(tally, rii_value, reason),
                )
            )
    return Inequality(
        instrument=query.instrument,
        score=query.score,
        structure=query.structure.value,
        quantile=quantiles.value,
        method=method_block(query).model_copy(
            update={
                "other": [
                    "SII/RII: PHE method (phe_sii), WLS on population-share ranks, "
                    "Monte Carlo limits from each quantile's 95% interval"
                ]
            }
        ),
        caveats=caveats(query, SII_CAVEATS),
        suppression=tally.block(),
        rows=rows,
    )


def _sii(
    inputs: list[dict[str, Any]], reason: str | None, confidence: float
) -> tuple[Estimate | None, Estimate | None]:
    if reason is not None:
        return None, None
    result = sii(inputs, value_type=0, confidence=confidence, repetitions=REPETITIONS, seed=SEED)
    method = "PHE SII"
    return (
        Estimate(result.sii, result.sii_lower, result.sii_upper, confidence, method),
        Estimate(result.rii, result.rii_lower, result.rii_upper, confidence, method),
    )


def tally_interval(tally: Tally, estimate: Estimate | None, reason: str | None) -> Interval:
    return tally.interval(estimate, reason)
