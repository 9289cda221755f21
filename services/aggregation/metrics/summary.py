"""People, assessments, mean score and impact bands by unit, period and breakdowns, with
disclosure control over the whole table; and the time series built from it."""

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from services.aggregation.access.scope import ReaderScope
from services.aggregation.disclosure import ProtectedTable, Table, protect
from services.aggregation.feed.rollups import mean_and_sd
from services.aggregation.metrics import sql
from services.aggregation.metrics.common import (
    BASE_CAVEATS,
    THRESHOLD,
    UNPLACED,
    Checked,
    Tally,
    check_query,
    period_of,
    protect_whole,
    structure_caveat,
    unit_names,
    unit_of,
)
from services.aggregation.metrics.query import Breakdown, MetricQuery
from services.aggregation.metrics.rollup import rollup_cells
from services.aggregation.metrics.schemas import (
    Band,
    Method,
    Series,
    SeriesPoint,
    Summary,
    SummaryRow,
    TimeSeries,
)
from services.aggregation.statistics import mean_from_summary, wilson

# The order bands are shown in where an instrument's band set is known (HEF impact levels);
# others in the order of their codes.
BAND_ORDER = {"impact": ("none", "low", "moderate", "high")}

# Every category of the breakdowns with a fixed code list, so empty ones show as 0.
CATEGORIES: dict[Breakdown, tuple[str, ...]] = {
    Breakdown.imd_decile: (*(str(d) for d in range(1, 11)), sql.UNKNOWN),
    Breakdown.imd_quintile: (*(str(q) for q in range(1, 6)), sql.UNKNOWN),
    Breakdown.core20: ("core20", "other", sql.UNKNOWN),
    Breakdown.sex: ("female", "male", "other", sql.UNKNOWN),
    Breakdown.ethnic_group: (
        "white",
        "mixed",
        "asian_or_asian_british",
        "black_or_black_british",
        "other",
        "not_stated",
        "not_known",
    ),
}

SUMMARY_CAVEATS = [
    "People are counted once in each row they have an assessment in; a person assessed in "
    "two periods or two categories is in both, so people do not add up across rows.",
    "Means and impact bands are over assessments: a person assessed twice in a period "
    "counts twice.",
]


@dataclass
class Cell:
    people: int = 0
    assessments: int = 0
    scored: int = 0
    mean: float | None = None
    sd: float | None = None
    bands: dict[str, int] = field(default_factory=dict)


@dataclass
class Aggregates:
    """The true figures of each cell (unit, period, *breakdowns), before disclosure control."""

    query: MetricQuery
    cells: dict[tuple[str, ...], Cell]


def _value_sql(query: MetricQuery, st: sql.Statement) -> tuple[str, str | None]:
    """(score expression, band expression or None) of each row."""
    if Breakdown.determinant in query.by:
        score, band_set = st.bind(query.score), st.bind(query.band_set)
        return f"(d.vals->>{score}::text)::float8", f"f.bands->d.section->>{band_set}::text"
    if query.determinant is not None:
        score, band_set = st.bind(query.score), st.bind(query.band_set)
        section = st.bind(query.determinant) + "::text"
        return (
            f"(f.scores->{section}->>{score}::text)::float8",
            f"f.bands->{section}->>{band_set}::text",
        )
    if query.score == "total":
        return "f.overall_score", None
    return f"(f.scores->'overall'->>{st.bind(query.score)}::text)::float8", None


def summary_statement(scope: ReaderScope, checked: Checked) -> tuple[str, list[Any]]:
    """The one statement behind a summary from the facts: every cell's people, assessments,
    the scores' sum and sum of squares, and (for determinants) each band's count, in one
    scan."""
    query = checked.query
    st = sql.Statement()
    source = sql.FACTS
    unit, joins = sql.unit_sql(source, query.row_level, query, st)
    value, band = _value_sql(query, st)
    keys = [
        f"COALESCE({unit}, '{UNPLACED}') AS unit",
        f"{sql.period_sql(source, query.period)} AS period",
    ]
    keys += [f"{sql.breakdown_sql(source, b)} AS b{i}" for i, b in enumerate(query.by)]
    names = ["unit", "period", *(f"b{i}" for i in range(len(query.by)))]
    conditions = [
        sql.filters_sql(source, query, st),
        sql.scope_sql(source, scope, checked.within, st),
    ]
    lateral = ""
    if Breakdown.determinant in query.by:
        lateral = sql.DETERMINANT_JOIN.format(scores="f.scores")
        conditions.append(sql.DETERMINANT_CONDITION)
    # Only our own expressions are spliced in; every value the caller sent is a parameter.
    inner = (
        f"SELECT {', '.join(keys)}, f.person_key, {value} AS v"  # noqa: S608
        + (f", {band} AS band" if band else "")
        + f" FROM assessment_fact f {joins} {lateral} WHERE {' AND '.join(conditions)}"
    )
    cell = ", ".join(names)
    # Exact sums (numeric), so the mean and SD are the same numbers as from a rollup.
    measures = (
        "count(DISTINCT person_key) AS people, count(*) AS assessments, count(v) AS scored, "
        "sum(v::numeric) AS score_sum, sum(v::numeric * v::numeric) AS score_squares"
    )
    if band:
        statement = (
            f"SELECT {cell}, band, GROUPING(band) AS all_bands, {measures} FROM ({inner}) x "  # noqa: S608
            f"GROUP BY GROUPING SETS (({cell}), ({cell}, band))"
        )
    else:
        statement = (
            f"SELECT {cell}, NULL AS band, 1 AS all_bands, {measures} "  # noqa: S608
            f"FROM ({inner}) x GROUP BY {cell}"
        )
    return statement, st.params


async def aggregate(
    conn: asyncpg.Connection, scope: ReaderScope, checked: Checked, *, rollups: bool = True
) -> Aggregates:
    """Every cell's true figures: from the consumer's rollups where the query's shape allows
    and they are exact (``metrics/rollup.py``, decision 0034), else from the facts."""
    if rollups:
        from_rollup = await rollup_cells(conn, scope, checked)
        if from_rollup is not None:
            return Aggregates(
                checked.query,
                {
                    key: Cell(c.people, c.assessments, c.scored, c.mean, c.sd)
                    for key, c in from_rollup.items()
                },
            )
    statement, params = summary_statement(scope, checked)
    cells: dict[tuple[str, ...], Cell] = {}
    width = len(checked.query.by)
    for row in await conn.fetch(statement, *params):
        key = (row["unit"], row["period"].isoformat(), *(row[f"b{i}"] for i in range(width)))
        cell = cells.setdefault(key, Cell())
        if row["all_bands"]:
            cell.people, cell.assessments = row["people"], row["assessments"]
            cell.scored = row["scored"]
            cell.mean, cell.sd = mean_and_sd(
                row["scored"], row["score_sum"] or Decimal(0), row["score_squares"] or Decimal(0)
            )
        elif row["band"] is not None:
            cell.bands[row["band"]] = row["assessments"]
    return Aggregates(checked.query, cells)


def people_table(aggregates: Aggregates) -> tuple[Table, list[int]]:
    """The table disclosure control protects: people by unit, period and every breakdown but
    the determinant (each person is in every determinant: it splits nothing). Returns the
    table and, for each cell key, the positions of its dimensions in the table."""
    query = aggregates.query
    positions = [0, 1] + [2 + i for i, b in enumerate(query.by) if b is not Breakdown.determinant]
    dimensions = ["unit", "period"] + [b.value for b in query.by if b is not Breakdown.determinant]
    counts: dict[tuple[str | int, ...], int] = {}
    for key, cell in aggregates.cells.items():
        counts[tuple(key[p] for p in positions)] = cell.people
    categories: dict[str, list[str | int]] = {}
    for b in query.by:
        if b in CATEGORIES:
            seen = {k[positions.index(2 + query.by.index(b))] for k in counts}
            fixed: list[str | int] = list(CATEGORIES[b])
            categories[b.value] = fixed + sorted(str(s) for s in seen if s not in fixed)
    if not counts:
        return Table.from_counts(["unit"], {("-",): 0}), positions
    return Table.from_counts(dimensions, counts, categories), positions


def _bands_table(cell: Cell, band_set: str) -> ProtectedTable | None:
    """The cell's band counts protected as one line (None: the band set has no bands)."""
    order = BAND_ORDER.get(band_set, ())
    codes = [*order, *sorted(b for b in cell.bands if b not in order)]
    if not codes:
        return None
    counts: dict[tuple[str | int, ...], int] = {(b,): cell.bands.get(b, 0) for b in codes}
    categories: dict[str, list[str | int]] = {"band": list(codes)}
    return protect(
        Table.from_counts(["band"], counts, categories),
        THRESHOLD,
        "assessments",
    )


@dataclass
class Protected:
    aggregates: Aggregates
    people: ProtectedTable
    positions: list[int]
    names: dict[str, str]
    tally: Tally = field(default_factory=Tally)


def _rows_keys(protected: Protected) -> list[tuple[str, ...]]:
    """Every interior cell of a unit and period that has anyone in it (empty categories of
    those shown as 0), in table order."""
    query = protected.aggregates.query
    table = protected.people.table
    if table.dimensions == ("unit",):
        return []
    occupied = {(k[0], k[1]) for k in protected.aggregates.cells}
    determinants = (
        sorted({k[2 + query.by.index(Breakdown.determinant)] for k in protected.aggregates.cells})
        if Breakdown.determinant in query.by
        else [None]
    )
    keys: list[tuple[str, ...]] = []
    for table_key in table.keys():  # noqa: SIM118 - a Table, not a dict
        if None in table_key or (table_key[0], table_key[1]) not in occupied:
            continue
        for section in determinants:
            full: list[Any] = [None] * (2 + len(query.by))
            for position, value in zip(protected.positions, table_key, strict=True):
                full[position] = value
            if section is not None:
                full[2 + query.by.index(Breakdown.determinant)] = section
            keys.append(tuple(full))
    return keys


def summary_rows(protected: Protected) -> list[SummaryRow]:
    query = protected.aggregates.query
    tally = protected.tally
    rows = []
    for key in _rows_keys(protected):
        table_key = tuple(key[p] for p in protected.positions)
        cell = protected.aggregates.cells.get(key, Cell())
        people = tally.count(protected.people, table_key)
        hidden = people.reason if people.suppressed else None
        withheld = protected.people.withheld(table_key)
        mean = None
        if withheld is None and cell.scored >= 2 and cell.mean is not None and cell.sd is not None:
            mean = mean_from_summary(cell.scored, cell.mean, cell.sd, query.confidence)
        bands: list[Band] = []
        banded = _bands_table(cell, query.band_set) if query.by_determinant else None
        if banded is not None:
            total = (None,)
            for (code,) in [k for k in banded.table.keys() if None not in k]:  # noqa: SIM118
                # Nothing about a group whose people are hidden is shown.
                count = tally.plain(0, hidden) if hidden else tally.count(banded, (code,))
                reason = withheld or banded.proportion_withheld((code,), total)
                n = banded.cell(total).count
                estimate = wilson(banded.cell((code,)).count, n, query.confidence) if n else None
                percent = tally.interval(estimate, reason, 100)
                bands.append(Band(band=str(code), count=count, percent=percent))
        rows.append(
            SummaryRow(
                unit=unit_of(str(key[0]), protected.names, query.row_level),
                period=period_of(date.fromisoformat(str(key[1])), query.period),
                breakdown={b.value: str(key[2 + i]) for i, b in enumerate(query.by)},
                people=people,
                assessments=tally.plain(cell.assessments, hidden),
                mean_score=tally.interval(mean, withheld),
                bands=bands,
            )
        )
    return rows


async def protected_aggregates(
    conn: asyncpg.Connection, scope: ReaderScope, query: MetricQuery, *, rollups: bool = True
) -> Protected:
    checked = await check_query(conn, scope, query)
    aggregates = await aggregate(conn, scope, checked, rollups=rollups)
    table, positions = people_table(aggregates)
    people = await protect_whole(table, "people")
    names = await unit_names(conn, (k[0] for k in aggregates.cells))
    return Protected(aggregates, people, positions, names)


def method_block(query: MetricQuery) -> Method:
    return Method(
        confidence=query.confidence,
        counts="People: distinct pseudonymous people with a submitted assessment in the row; "
        "assessments: submitted assessments at their latest revision.",
        mean="Student's t interval: mean +/- t(k-1) x s / sqrt(k), s the sample SD",
        proportion="Wilson score interval (z = 1.959964 at 95%)",
    )


def caveats(query: MetricQuery, extra: list[str]) -> list[str]:
    found = [*BASE_CAVEATS, structure_caveat(query), *extra]
    if not query.by_determinant:
        found.append(
            f"Bands ({query.band_set}) are per determinant: break down by determinant, or "
            "name one (determinant=), to see them."
        )
    return found


async def compute_summary(
    conn: asyncpg.Connection, scope: ReaderScope, query: MetricQuery, *, rollups: bool = True
) -> Summary:
    """The summary table: one row per unit x period x breakdown with people, assessments,
    mean score (t interval) and, for determinants, each band's count and per cent (Wilson),
    disclosure-controlled as one table. Entry point for the API and the BI tables.
    ``rollups=False`` reads the facts even where a rollup would answer (tests compare)."""
    protected = await protected_aggregates(conn, scope, query, rollups=rollups)
    # Each row's bands are protected too (CPU): off the loop, like the table.
    rows = await asyncio.to_thread(summary_rows, protected)
    return Summary(
        instrument=query.instrument,
        score=query.score,
        structure=query.structure.value,
        method=method_block(query),
        caveats=caveats(query, SUMMARY_CAVEATS),
        suppression=protected.tally.block(),
        rows=rows,
    )


async def compute_timeseries(
    conn: asyncpg.Connection, scope: ReaderScope, query: MetricQuery, *, rollups: bool = True
) -> TimeSeries:
    """The summary as one series per unit (and breakdown), periods in order."""
    summary = await compute_summary(conn, scope, query, rollups=rollups)
    grouped: dict[tuple[Any, ...], list[SummaryRow]] = defaultdict(list)
    for row in summary.rows:
        grouped[(row.unit.code, tuple(sorted(row.breakdown.items())))].append(row)
    series = [
        Series(
            unit=rows[0].unit,
            breakdown=rows[0].breakdown,
            points=[
                SeriesPoint(
                    period=r.period,
                    people=r.people,
                    assessments=r.assessments,
                    mean_score=r.mean_score,
                )
                for r in sorted(rows, key=lambda r: r.period.start)
            ],
        )
        for rows in grouped.values()
    ]
    return TimeSeries(
        instrument=summary.instrument,
        score=summary.score,
        structure=summary.structure,
        method=summary.method,
        caveats=summary.caveats,
        suppression=summary.suppression,
        series=series,
    )
