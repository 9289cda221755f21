"""What every metric shares: checking a query against the caller's scope, period labels,
unit names, disclosure-controlled counts and intervals, and the blocks that travel with
every response (method, caveats, suppression)."""

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import asyncpg

from services.aggregation.access.scope import Basis, ReaderScope
from services.aggregation.disclosure import HIDDEN, ProtectedTable, Status, Table, protect
from services.aggregation.hierarchy import repository
from services.aggregation.hierarchy.rules import Level
from services.aggregation.metrics.query import MetricQuery, Period, Structure
from services.aggregation.metrics.schemas import Count, Interval, PeriodOf, Suppression, Unit
from services.aggregation.statistics import DEFAULT_THRESHOLD, Estimate, suppress_count
from services.common.errors import FieldProblem, Forbidden

THRESHOLD = DEFAULT_THRESHOLD
UNPLACED = "(unplaced)"  # a row's unit where the hierarchy has none at the level asked

SUPPRESSION_RULE = (
    "NHS Digital small-number rule: 0 is shown, counts from 1 to {below} are hidden and "
    "every other count is rounded to the nearest 5; secondary suppression over the whole "
    "table (rows, columns and margins) so no hidden count can be worked out; means, "
    "percentages and SII withheld where a count they rest on is hidden"
)

BASE_CAVEATS = [
    "HEF describes exposure to the determinants of health inequalities; it is not a measure "
    "of a service's performance, and comparing services needs care.",
    "Counts are rounded to the nearest 5, so rows may not add up to their totals.",
]


async def protect_whole(table: Table, unit: str) -> ProtectedTable:
    """Disclosure control of a whole table, in a worker thread: a large table with small
    cells takes seconds of CPU, which must not stall the other requests on the loop."""
    return await asyncio.to_thread(protect, table, THRESHOLD, unit)


def refuse(field_name: str, message: str) -> Forbidden:
    return Forbidden(
        f"{field_name}: {message}", errors=[FieldProblem(field=field_name, message=message)]
    )


TEAM_OF_SCOPE = """
SELECT EXISTS (SELECT 1 FROM assessment_fact WHERE team_code = $1
               AND (organisation_code = ANY($2::text[]) OR commissioner_code = ANY($2::text[])))
"""


@dataclass(frozen=True)
class Checked:
    """A query the caller may make: the units under ``organisation=`` (None: all theirs)."""

    query: MetricQuery
    within: frozenset[str] | None


async def check_query(
    conn: asyncpg.Connection, scope: ReaderScope, query: MetricQuery, *, level: Level | None = None
) -> Checked:
    """403 naming the parameter when the caller asks above their level or for an
    organisation outside what they may read (decision 0021)."""
    asked = level or query.level or scope.level
    query = replace(query, level=asked)
    if not scope.may_roll_up_to(asked):
        raise refuse(
            "query.level",
            f"your figures roll up to {scope.level.value} level at most "
            f"(a {asked.value} would hold only your part of it)",
        )
    if query.organisation is None:
        return Checked(query, None)
    if scope.basis is Basis.teams:
        if query.organisation not in scope.teams:
            raise refuse("query.organisation", "not one of the teams you lead")
        return Checked(query, frozenset({query.organisation}))
    if query.organisation not in scope.units:
        # A team the hierarchy does not list is the trust's its assessments name (0024).
        if not await conn.fetchval(TEAM_OF_SCOPE, query.organisation, scope.unit_codes):
            raise refuse("query.organisation", "not your organisation nor one under it")
        return Checked(query, frozenset({query.organisation}))
    on = query.structure_on if query.structure is Structure.current else None
    within = await repository.units_under(conn, [query.organisation], on or date.today())
    return Checked(query, within)


def period_label(start: date, period: Period) -> str:
    if period is Period.month:
        return start.strftime("%Y-%m")
    year = start.year if start.month >= 4 else start.year - 1
    financial = f"{year}/{(year + 1) % 100:02d}"
    if period is Period.financial_year:
        return financial
    quarter = ((start.month - 4) % 12) // 3 + 1
    return f"{financial} Q{quarter}"


def period_of(start: date, period: Period) -> PeriodOf:
    return PeriodOf(start=start, label=period_label(start, period))


async def unit_names(conn: asyncpg.Connection, codes: Iterable[str]) -> dict[str, str]:
    rows = await conn.fetch(
        "SELECT code, name FROM org_unit WHERE code = ANY($1::text[])", sorted(set(codes))
    )
    return {r["code"]: r["name"] for r in rows}


def unit_of(code: str, names: dict[str, str], level: Level) -> Unit:
    if code == UNPLACED:
        return Unit(code=None, name=None, level=level)
    return Unit(code=code, name=names.get(code), level=level)


@dataclass
class Tally:
    """How many cells a response hid and withheld, for its suppression block."""

    primary: int = 0
    secondary: int = 0
    withheld: int = 0
    seen: set[tuple[int, object]] = field(default_factory=set)

    def count(self, table: ProtectedTable, key: Sequence[object]) -> Count:
        cell = table.cell(tuple(key))  # type: ignore[arg-type]
        marker = (id(table), cell.key)
        if marker not in self.seen:
            self.seen.add(marker)
            if cell.status is Status.PRIMARY:
                self.primary += 1
            elif cell.status is Status.SECONDARY:
                self.secondary += 1
        return Count(value=cell.shown, suppressed=cell.status in HIDDEN, reason=cell.reason)

    def plain(self, count: int, hidden_reason: str | None = None) -> Count:
        """A count shown only alongside counts of people that were shown: rounded, or hidden
        with them."""
        if hidden_reason is not None:
            return Count(value=None, suppressed=True, reason=hidden_reason)
        shown = suppress_count(count, THRESHOLD)
        if shown is None:
            self.primary += 1
            return Count(value=None, suppressed=True, reason=f"fewer than {THRESHOLD} assessments")
        return Count(value=shown, suppressed=False)

    def interval(
        self, estimate: Estimate | None, withheld: str | None, scale: float = 1
    ) -> Interval:
        if withheld is not None or estimate is None:
            self.withheld += 1
            return Interval(value=None, withheld=withheld or "withheld: too few to estimate")
        return Interval(
            value=estimate.value * scale,
            lower=estimate.lower * scale,
            upper=estimate.upper * scale,
        )

    def block(self) -> Suppression:
        return Suppression(
            rule=SUPPRESSION_RULE.format(below=THRESHOLD - 1),
            threshold=THRESHOLD,
            rounding="nearest 5",
            primary=self.primary,
            secondary=self.secondary,
            withheld=self.withheld,
        )


def structure_caveat(query: MetricQuery) -> str:
    if query.structure is Structure.current:
        on = (query.structure_on or date.today()).isoformat()
        return f"Organisations as structured on {on}: earlier assessments are restated to it."
    return (
        "Organisations as they were on each assessment's date (history is not restated); "
        "ask structure=current for today's structure."
    )
