"""Completeness per field: of the assessments in each unit and period, how many record the
person's sex, ethnic group, IMD decile, age band and a score; "not stated" (asked, declined:
ethnic category Z) kept apart from "unknown" (not asked, not known or not recorded)."""

from datetime import date

import asyncpg

from services.aggregation.access.scope import ReaderScope
from services.aggregation.disclosure import ProtectedTable, Table
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
from services.aggregation.metrics.schemas import Completeness, CompletenessRow, FieldCompleteness
from services.aggregation.metrics.summary import caveats, method_block
from services.aggregation.statistics import wilson
from services.common.errors import FieldProblem, InvalidInput

STATUSES = ("recorded", "not_stated", "unknown")

# Field -> SQL giving each assessment's status for it.
FIELDS: dict[str, str] = {
    "sex": "CASE WHEN f.sex IS NULL OR f.sex = 'unknown' THEN 'unknown' ELSE 'recorded' END",
    "ethnic_group": (
        "CASE f.ethnic_group WHEN 'not_stated' THEN 'not_stated' "
        "WHEN 'not_known' THEN 'unknown' ELSE 'recorded' END"
    ),
    "imd_decile": "CASE WHEN f.imd_decile IS NULL THEN 'unknown' ELSE 'recorded' END",
    "age_band": "CASE WHEN f.age_band IS NULL THEN 'unknown' ELSE 'recorded' END",
    "overall_score": "CASE WHEN f.overall_score IS NULL THEN 'unknown' ELSE 'recorded' END",
}

COMPLETENESS_CAVEATS = [
    "Counts are of assessments. Ethnic group 'not stated' means the person was asked and "
    "chose not to say (code Z); 'unknown' means not known (code 99) or not recorded.",
    "overall_score is unknown where no indicator was rated (all 'not assessed').",
]


async def compute_completeness(
    conn: asyncpg.Connection, scope: ReaderScope, query: MetricQuery
) -> Completeness:
    """Per unit x period, each field's recorded / not stated / unknown counts, each field's
    table protected whole. Entry point for the API and BI."""
    if query.by:
        message = "completeness is per field; breakdowns are not used here"
        raise InvalidInput(message, errors=[FieldProblem(field="query.by", message=message)])
    checked = await check_query(conn, scope, query)
    query = checked.query
    st = sql.Statement()
    source = sql.FACTS
    unit, joins = sql.unit_sql(source, query.row_level, query, st)
    conditions = [
        sql.filters_sql(source, query, st),
        sql.scope_sql(source, scope, checked.within, st),
    ]
    statuses = ", ".join(f"{expression} AS {name}" for name, expression in FIELDS.items())
    statement = (
        f"SELECT unit, period, {', '.join(FIELDS)}, count(*) AS n FROM ("  # noqa: S608 - ours
        f"SELECT COALESCE({unit}, '{UNPLACED}') AS unit, "
        f"{sql.period_sql(source, query.period)} AS period, {statuses} "
        f"FROM assessment_fact f {joins} WHERE {' AND '.join(conditions)}) x "
        f"GROUP BY unit, period, {', '.join(FIELDS)}"
    )
    counts: dict[str, dict[tuple[str | int, ...], int]] = {name: {} for name in FIELDS}
    cells: set[tuple[str, str]] = set()
    for row in await conn.fetch(statement, *st.params):
        cell = (row["unit"], row["period"].isoformat())
        cells.add(cell)
        for name in FIELDS:
            key = (*cell, row[name])
            counts[name][key] = counts[name].get(key, 0) + row["n"]
    tally = Tally()
    rows: list[CompletenessRow] = []
    if cells:
        tables: dict[str, ProtectedTable] = {}
        for name, found in counts.items():
            table = Table.from_counts(["unit", "period", "status"], found, {"status": [*STATUSES]})
            tables[name] = await protect_whole(table, "assessments")
        names = await unit_names(conn, (c[0] for c in cells))
        for unit_code, period in sorted(cells):
            fields: list[FieldCompleteness] = []
            for name, protected in tables.items():
                total = (unit_code, period, None)
                n = protected.cell(total).count
                missing = sum(protected.cell((unit_code, period, s)).count for s in STATUSES[1:])
                reason = protected.withheld(
                    total, *((unit_code, period, s) for s in STATUSES[1:])
                ) or (protected.proportion_withheld((unit_code, period, "recorded"), total))
                estimate = wilson(missing, n, query.confidence) if n else None
                fields.append(
                    FieldCompleteness(
                        field=name,
                        recorded=tally.count(protected, (unit_code, period, "recorded")),
                        not_stated=tally.count(protected, (unit_code, period, "not_stated")),
                        unknown=tally.count(protected, (unit_code, period, "unknown")),
                        unknown_percent=tally.interval(estimate, reason, 100),
                    )
                )
            first = next(iter(tables.values()))
            rows.append(
                CompletenessRow(
                    unit=unit_of(unit_code, names, query.row_level),
                    period=period_of(date.fromisoformat(period), query.period),
                    assessments=tally.count(first, (unit_code, period, None)),
                    fields=fields,
                )
            )
    return Completeness(
        instrument=query.instrument,
        score=query.score,
        structure=query.structure.value,
        method=method_block(query),
        caveats=caveats(query, COMPLETENESS_CAVEATS),
        suppression=tally.block(),
        rows=rows,
    )
