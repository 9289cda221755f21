"""Paired change, first -> latest assessment per person: mean change with a t interval and
the per cent improved, unchanged and worse with Wilson intervals, with the number not
followed up (one assessment only), so survivorship is visible."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from services.aggregation.access.scope import ReaderScope
from services.aggregation.disclosure import ProtectedTable, Table
from services.aggregation.metrics import sql
from services.aggregation.metrics.common import (
    THRESHOLD,
    UNPLACED,
    Checked,
    Tally,
    check_query,
    period_of,
    protect_whole,
    unit_names,
    unit_of,
)
from services.aggregation.metrics.query import Breakdown, MetricQuery
from services.aggregation.metrics.schemas import Change, ChangeRow, Interval
from services.aggregation.metrics.summary import CATEGORIES, caveats, method_block
from services.aggregation.statistics import mean_from_summary, wilson
from services.common.errors import FieldProblem, InvalidInput

# Which way is better, per instrument (HEF: less exposure to the determinants is better).
DIRECTIONS = {"hef": "lower_is_better"}
OUTCOMES = ("improved", "unchanged", "worse", "not_followed_up")
MAX_CHANGE_BREAKDOWNS = 2  # the outcome is a dimension of the protected table too

CHANGE_CAVEATS = [
    "Change is each person's latest assessment minus their first; people with one "
    "assessment are counted as not followed up, not left out.",
    "HEF change is descriptive: no validated minimal important difference exists, and "
    "people who are reassessed may differ from those who are not.",
    "Each person counts under the unit, period and categories of their latest assessment.",
]


# A person row keeps the overall score of their first and latest; any other score is read
# from those two facts (decision 0048): same shard on Citus, found by their keys.
_FIRST_AND_LATEST = (
    "LEFT JOIN assessment_fact ff ON ff.person_key = p.person_key "
    "AND ff.assessment_key = p.first_assessment_key AND ff.assessed_on = p.first_assessed_on "
    "LEFT JOIN assessment_fact fl ON fl.person_key = p.person_key "
    "AND fl.assessment_key = p.latest_assessment_key AND fl.assessed_on = p.latest_assessed_on"
)


def _difference(query: MetricQuery, st: sql.Statement) -> tuple[str, str]:
    """(latest minus first, the joins it needs)."""
    if Breakdown.determinant in query.by:
        score = st.bind(query.score) + "::text"
        return (
            f"(d.vals->>{score})::float8 - (ff.scores->d.section->>{score})::float8",
            _FIRST_AND_LATEST,
        )
    if query.determinant is not None:
        section, score = st.bind(query.determinant) + "::text", st.bind(query.score) + "::text"
        return (
            f"(fl.scores->{section}->>{score})::float8 - (ff.scores->{section}->>{score})::float8",
            _FIRST_AND_LATEST,
        )
    if query.score == "total":
        return "p.latest_overall_score - p.first_overall_score", ""
    score = st.bind(query.score) + "::text"
    return (
        f"(fl.scores->'overall'->>{score})::float8 - (ff.scores->'overall'->>{score})::float8",
        _FIRST_AND_LATEST,
    )


def change_statement(scope: ReaderScope, checked: Checked, direction: str) -> tuple[str, list[Any]]:
    query = checked.query
    st = sql.Statement()
    source = sql.PEOPLE
    unit, joins = sql.unit_sql(source, query.row_level, query, st)
    keys = [
        f"COALESCE({unit}, '{UNPLACED}') AS unit",
        f"{sql.period_sql(source, query.period)} AS period",
        *(f"{sql.breakdown_sql(source, b)} AS b{i}" for i, b in enumerate(query.by)),
    ]
    names = ["unit", "period", *(f"b{i}" for i in range(len(query.by)))]
    conditions = [
        sql.filters_sql(source, query, st),
        sql.scope_sql(source, scope, checked.within, st),
    ]
    difference, facts = _difference(query, st)
    lateral = ""
    if Breakdown.determinant in query.by:
        lateral = sql.DETERMINANT_JOIN.format(scores="fl.scores")
        conditions.append(sql.DETERMINANT_CONDITION)
    better = "<" if direction == "lower_is_better" else ">"
    worse = ">" if direction == "lower_is_better" else "<"
    inner = (
        f"SELECT {', '.join(keys)}, p.assessments > 1 AS paired, "  # noqa: S608 - ours only
        f"{difference} AS d FROM person_fact p {joins} {facts} {lateral} "
        f"WHERE {' AND '.join(conditions)}"
    )
    cell = ", ".join(names)
    statement = (
        f"SELECT {cell}, count(*) FILTER (WHERE NOT paired OR d IS NULL) AS not_followed_up, "  # noqa: S608
        f"count(*) FILTER (WHERE paired AND d {better} 0) AS improved, "
        f"count(*) FILTER (WHERE paired AND d = 0) AS unchanged, "
        f"count(*) FILTER (WHERE paired AND d {worse} 0) AS worse, "
        f"avg(d) FILTER (WHERE paired) AS mean, stddev_samp(d) FILTER (WHERE paired) AS sd "
        f"FROM ({inner}) x GROUP BY {cell}"
    )
    return statement, st.params


@dataclass
class ChangeCell:
    outcomes: dict[str, int]
    mean: float | None
    sd: float | None

    @property
    def paired(self) -> int:
        return sum(self.outcomes[o] for o in OUTCOMES[:3])


async def compute_change(
    conn: asyncpg.Connection, scope: ReaderScope, query: MetricQuery
) -> Change:
    """Paired change by unit x period (of the latest assessment) x breakdowns, protected as
    one table whose last dimension is the outcome (improved, unchanged, worse, not followed
    up): its margin is the people. Entry point for the API and the BI tables."""
    if len([b for b in query.by if b is not Breakdown.determinant]) > MAX_CHANGE_BREAKDOWNS:
        message = f"at most {MAX_CHANGE_BREAKDOWNS} breakdowns (besides determinant) for change"
        raise InvalidInput(message, errors=[FieldProblem(field="query.by", message=message)])
    checked = await check_query(conn, scope, query)
    query = checked.query
    direction = DIRECTIONS.get(query.instrument, "lower_is_better")
    statement, params = change_statement(scope, checked, direction)
    width = len(query.by)
    cells: dict[tuple[str, ...], ChangeCell] = {}
    for row in await conn.fetch(statement, *params):
        key = (row["unit"], row["period"].isoformat(), *(row[f"b{i}"] for i in range(width)))
        cells[key] = ChangeCell({o: row[o] for o in OUTCOMES}, row["mean"], row["sd"])
    names = await unit_names(conn, (k[0] for k in cells))
    tally = Tally()
    rows: list[ChangeRow] = []
    # Determinants each get their own table: a person is in every determinant.
    at = 2 + query.by.index(Breakdown.determinant) if Breakdown.determinant in query.by else -1
    sections = sorted({k[at] for k in cells}) if at >= 0 else [None]
    for section in sections:
        chosen = {k: c for k, c in cells.items() if section is None or k[at] == section}
        if not chosen:
            continue
        table = _outcome_table(query, chosen)
        protected = await protect_whole(table, "people")
        for key, cell in sorted(chosen.items()):
            rows.append(_row(query, key, cell, protected, names, tally))
    return Change(
        instrument=query.instrument,
        score=query.score,
        structure=query.structure.value,
        direction="higher_is_better" if direction == "higher_is_better" else "lower_is_better",
        method=method_block(query),
        caveats=caveats(query, CHANGE_CAVEATS),
        suppression=tally.block(),
        rows=rows,
    )


def _table_key(query: MetricQuery, key: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        v for i, v in enumerate(key) if i < 2 or query.by[i - 2] is not Breakdown.determinant
    )


def _outcome_table(query: MetricQuery, cells: dict[tuple[str, ...], ChangeCell]) -> Table:
    dims = [
        "unit",
        "period",
        *(b.value for b in query.by if b is not Breakdown.determinant),
        "outcome",
    ]
    counts: dict[tuple[str | int, ...], int] = {
        (*_table_key(query, key), outcome): cell.outcomes[outcome]
        for key, cell in cells.items()
        for outcome in OUTCOMES
    }
    categories: dict[str, list[str | int]] = {"outcome": list(OUTCOMES)}
    for b in query.by:
        if b in CATEGORIES:
            extra = {str(k[2 + query.by.index(b)]) for k in cells} - set(CATEGORIES[b])
            fixed: list[str | int] = [*CATEGORIES[b], *sorted(extra)]
            categories[b.value] = fixed
    return Table.from_counts(dims, counts, categories)


def _row(
    query: MetricQuery,
    key: tuple[str, ...],
    cell: ChangeCell,
    protected: ProtectedTable,
    names: dict[str, str],
    tally: Tally,
) -> ChangeRow:
    base = _table_key(query, key)
    people = tally.count(protected, (*base, None))
    counts = {o: tally.count(protected, (*base, o)) for o in OUTCOMES}
    hidden_people = protected.withheld((*base, None))
    not_paired = protected.withheld((*base, "not_followed_up"))
    paired_reason = hidden_people or not_paired
    if paired_reason is None and cell.paired and cell.paired < THRESHOLD:
        paired_reason = f"withheld: fewer than {THRESHOLD} people with two assessments"
    paired = tally.plain(cell.paired, paired_reason)
    mean = None
    if paired_reason is None and cell.paired >= 2 and cell.mean is not None and cell.sd is not None:
        mean = mean_from_summary(cell.paired, cell.mean, cell.sd, query.confidence)
    percents: dict[str, Interval] = {}
    for outcome in OUTCOMES[:3]:
        x = cell.outcomes[outcome]
        reason = paired_reason or protected.withheld((*base, outcome))
        if reason is None and 0 < cell.paired - x < THRESHOLD:
            reason = f"withheld: the rest of the group is fewer than {THRESHOLD} people"
        estimate = wilson(x, cell.paired, query.confidence) if cell.paired else None
        percents[outcome] = tally.interval(estimate, reason, 100)
    return ChangeRow(
        unit=unit_of(str(key[0]), names, query.row_level),
        period=period_of(date.fromisoformat(str(key[1])), query.period),
        breakdown={b.value: str(key[2 + i]) for i, b in enumerate(query.by)},
        people=people,
        paired=paired,
        not_followed_up=counts["not_followed_up"],
        mean_change=tally.interval(mean, paired_reason),
        improved=percents["improved"],
        unchanged=percents["unchanged"],
        worse=percents["worse"],
        improved_count=counts["improved"],
        unchanged_count=counts["unchanged"],
        worse_count=counts["worse"],
    )
