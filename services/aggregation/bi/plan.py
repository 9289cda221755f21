"""Which parts of the ``measures`` table a filtered export needs. Pure: no I/O.

The table is made of parts, one summary each (a level x a period type x a breakdown), and
each part is disclosure-controlled on its own, as a whole (its units, periods and groups
with their margins). So the filter cannot narrow a part's own query (by organisation or
period) without changing what that part suppresses: the rows of a narrowed export would
differ from the same rows of the whole table, and comparing the two could give away a
hidden count. What it can do is skip every part none of whose rows could match: the
columns a part fixes (level, period type, breakdown, instrument) decide most filters, and
the units and periods a part holds (``Cells``, read cheaply from the facts) decide filters
on organisation and period. The parts kept are computed exactly as for the whole table,
so a filtered export holds exactly the matching rows of the unfiltered one (decision 0051).
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.aggregation.bi.filter import Condition, Known
from services.aggregation.hierarchy.rules import Level
from services.aggregation.metrics.common import period_label
from services.aggregation.metrics.query import Breakdown, MetricQuery, Period

INSTRUMENT = "hef"
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

# The columns a part's units and periods fix, row by row.
CELL_COLUMNS = frozenset({"organisation_code", "period", "period_start", "period_end"})

# The (unit code, period start) pairs a part at a level and period type has rows for.
Cells = Mapping[tuple[Level, Period], Collection[tuple[str, date]]]


@dataclass(frozen=True)
class Part:
    """One summary of the table."""

    level: Level
    period: Period
    by: tuple[Breakdown, ...]

    def query(self) -> MetricQuery:
        return MetricQuery(instrument=INSTRUMENT, level=self.level, period=self.period, by=self.by)

    def known(self) -> dict[str, str | date]:
        """The columns every row of this part has."""
        names = [b.value for b in self.by]
        known: dict[str, str | date] = {
            "organisation_level": self.level.value,
            "period_type": self.period.value,
            "instrument": INSTRUMENT,
            "breakdown": JOIN.join(names) if names else ALL,
        }
        if not names:
            known["breakdown_value"] = ALL
        return known


def parts_at(levels: Iterable[Level]) -> list[Part]:
    """Every part of the table at these levels, in the order they are computed."""
    return [Part(level, period, by) for level in levels for period in PERIODS for by in BREAKDOWNS]


def period_end(start: date, period: Period) -> date:
    months = {Period.month: 1, Period.quarter: 3, Period.financial_year: 12}[period]
    index = start.month - 1 + months
    following = date(start.year + index // 12, index % 12 + 1, 1)
    return following - timedelta(days=1)


def cell_known(part: Part, unit: str, start: date) -> Known:
    """The columns of the rows of one unit and period of ``part``."""
    return {
        **part.known(),
        "organisation_code": unit,
        "period": period_label(start, part.period),
        "period_start": start,
        "period_end": period_end(start, part.period),
    }


def needs_cells(condition: Condition | None) -> bool:
    """Whether deciding ``condition`` part by part needs the units and periods each holds."""
    return condition is not None and bool(condition.columns & CELL_COLUMNS)


def needed(parts: Sequence[Part], condition: Condition | None, cells: Cells | None) -> list[Part]:
    """The parts that may hold a row ``condition`` matches (all of them without one). With
    ``cells``, a part is needed only when one of its units and periods may match."""
    if condition is None:
        return list(parts)
    chosen = []
    for part in parts:
        decision = condition.decide(part.known())
        if decision is None and cells is not None:
            found = cells.get((part.level, part.period), ())
            if all(condition.decide(cell_known(part, u, s)) is False for u, s in found):
                decision = False
        if decision is not False:
            chosen.append(part)
    return chosen
