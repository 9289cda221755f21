"""Summary rollups: what each fact adds to the rollup cells, and how cells change when a
person's facts change (decision 0034). Pure: no I/O; ``rollup_writes`` writes the result.

A cell is one (instrument, grain, unit, period, period start, breakdown, category) with the
distinct people, assessments, scored assessments and the exact sum and sum of squares of the
overall score. Distinct people do not add up across cells, so a cell's people are never
summed from others: a change is worked out per person, from all of that person's facts
before and after it (a person is in a cell when any of their facts is), and only the
difference is written.

Grains: ``team`` (``team_code``), ``trust`` (``organisation_code``), ``icb``
(``commissioner_code`` as recorded, '' when none) and ``all`` (every fact of the instrument,
unit ''). Periods: month, quarter, financial year. Breakdowns: none ('' category) and IMD
quintile ('1'..'5', 'unknown'). The metrics map a grain's units onto the units a query asks
for, and use a rollup only where that mapping keeps people distinct
(``services/aggregation/metrics/rollup.py``).

Each (instrument, team, trust, commissioner) combination met is also kept as a placement,
with how many facts it has and the range of their dates, so a query can check that mapping.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal, localcontext
from functools import lru_cache
from math import sqrt
from typing import Any, NamedTuple

GRAINS = ("team", "trust", "icb", "all")
PERIODS = ("month", "quarter", "financial_year")
BREAKDOWNS = ("none", "imd_quintile")
UNKNOWN = "unknown"  # as the metrics' breakdowns say it

# instrument, grain, unit code, period, period start, breakdown, category
CellKey = tuple[str, str, str, str, date, str, str]
# instrument, team, trust, commissioner ('' when none)
PlacementKey = tuple[str, str, str, str]

# What the rollups read of a fact (``assessment_fact`` columns, in this order).
FACT_FIELDS = (
    "person_key",
    "assessment_key",
    "instrument",
    "team_code",
    "organisation_code",
    "commissioner_code",
    "assessed_on",
    "month_start",
    "quarter_start",
    "financial_year",
    "imd_quintile",
    "overall_score",
)


class RollupFact(NamedTuple):
    # A tuple: facts are hashed and compared by the thousand per page.
    person_key: str
    assessment_key: str
    instrument: str
    team_code: str
    organisation_code: str
    commissioner_code: str | None
    assessed_on: date
    month_start: date
    quarter_start: date
    financial_year: int
    imd_quintile: int | None
    overall_score: float | None


@dataclass
class Totals:
    people: int = 0
    assessments: int = 0
    scored: int = 0
    score_sum: Decimal = field(default_factory=Decimal)
    score_squares: Decimal = field(default_factory=Decimal)

    def is_zero(self) -> bool:
        return not (
            self.people or self.assessments or self.scored or self.score_sum or self.score_squares
        )


@dataclass
class Placement:
    facts: int = 0
    first_day: date = date.max
    last_day: date = date.min


# Enough digits that sums and squares of 15-digit scores are never rounded (numeric in the
# database is exact too).
EXACT = Context(prec=1000)


def exact(score: float) -> Decimal:
    """The score as Postgres casts a float8 to numeric (15 significant digits), so sums made
    here and sums made by SQL over the facts are the same number."""
    return Decimal(format(score, ".15g"))


# What decides a fact's cells: instrument, team, trust, commissioner ('' when none), month,
# quarter, financial year, IMD quintile. Many facts share one; its cells are worked out once.
Base = tuple[str, str, str, str, date, date, int, int | None]


def base_of(fact: RollupFact) -> Base:
    return (
        fact.instrument,
        fact.team_code,
        fact.organisation_code,
        fact.commissioner_code or "",
        fact.month_start,
        fact.quarter_start,
        fact.financial_year,
        fact.imd_quintile,
    )


@lru_cache(maxsize=4096)
def cells_of_base(base: Base) -> tuple[CellKey, ...]:
    """Every cell of a base: one per grain, period and breakdown."""
    instrument, team, trust, icb, month, quarter, year, quintile = base
    units = {"team": team, "trust": trust, "icb": icb, "all": ""}
    starts = {"month": month, "quarter": quarter, "financial_year": date(year, 4, 1)}
    categories = {"none": "", "imd_quintile": UNKNOWN if quintile is None else str(quintile)}
    return tuple(
        (instrument, grain, units[grain], period, starts[period], breakdown, categories[breakdown])
        for grain in GRAINS
        for period in PERIODS
        for breakdown in BREAKDOWNS
    )


class _CellNumbers:
    """Cells numbered in the order met, with each base's and each set of bases' cells as
    numbers: sets and sums keyed by small ints are much cheaper than by 7-tuples (whose
    hash is worked out anew each time). Forgotten whole when too many have been met."""

    LIMIT = 500_000

    def __init__(self) -> None:
        self.keys: list[CellKey] = []
        self.ids: dict[CellKey, int] = {}
        self.of_base: dict[Base, tuple[int, ...]] = {}
        self.of_bases: dict[frozenset[Base], frozenset[int]] = {}

    def forget_if_full(self) -> None:
        """Called before a page's deltas, never during (its numbers must stay valid)."""
        if len(self.keys) > self.LIMIT or len(self.of_bases) > self.LIMIT:
            self.keys, self.ids, self.of_base, self.of_bases = [], {}, {}, {}

    def base(self, base: Base) -> tuple[int, ...]:
        found = self.of_base.get(base)
        if found is None:
            numbered = []
            for key in cells_of_base(base):
                number = self.ids.get(key)
                if number is None:
                    number = self.ids[key] = len(self.keys)
                    self.keys.append(key)
                numbered.append(number)
            found = self.of_base[base] = tuple(numbered)
        return found

    def bases(self, bases: frozenset[Base]) -> frozenset[int]:
        found = self.of_bases.get(bases)
        if found is None:
            found = frozenset(number for base in bases for number in self.base(base))
            self.of_bases[bases] = found
        return found


_NUMBERS = _CellNumbers()


def cells_of(fact: RollupFact) -> list[CellKey]:
    """Every cell the fact is in: one per grain, period and breakdown."""
    return list(cells_of_base(base_of(fact)))


def contributions(facts: Iterable[RollupFact]) -> dict[CellKey, Totals]:
    """The cells of these facts as if they were the whole store (people distinct per cell)."""
    cells: dict[CellKey, Totals] = defaultdict(Totals)
    people: dict[CellKey, set[str]] = defaultdict(set)
    for fact in facts:
        score = None if fact.overall_score is None else exact(fact.overall_score)
        for key in cells_of(fact):
            totals = cells[key]
            people[key].add(fact.person_key)
            totals.assessments += 1
            if score is not None:
                totals.scored += 1
                totals.score_sum = EXACT.add(totals.score_sum, score)
                totals.score_squares = EXACT.add(totals.score_squares, EXACT.multiply(score, score))
    for key, keys in people.items():
        cells[key].people = len(keys)
    return dict(cells)


def cell_deltas(before: Iterable[RollupFact], after: Iterable[RollupFact]) -> dict[CellKey, Totals]:
    """What to add to each cell when some people's facts go from ``before`` to ``after``.

    Both must hold *every* fact of the people concerned (not only those that changed):
    a person stays in a cell while any of their facts is in it. Counts and sums change by
    the facts removed and added; people by the cells each person enters or leaves.

    Worked out per base (facts with the same cells) rather than per fact and cell: sums
    per base first, then each base's cells once; people by how their set of bases moved,
    each distinct move once however many people made it."""
    before, after = list(before), list(after)
    kept_before, kept_after = set(before), set(after)
    removed = [f for f in before if f not in kept_after]
    added = [f for f in after if f not in kept_before]
    numbers = _NUMBERS
    numbers.forget_if_full()
    # Accumulators are lists [people, assessments, scored, sum, sum of squares]: this loop
    # runs 24 times a base, and a list is cheaper to update than an object.
    with localcontext(EXACT):  # exact: +, - and * below never round
        sums: dict[Base, list[Any]] = {}
        for sign, facts in ((-1, removed), (1, added)):
            for fact in facts:
                base = base_of(fact)
                totals = sums.get(base)
                if totals is None:
                    totals = sums[base] = [0, 0, 0, _ZERO, _ZERO]
                totals[1] += sign
                if fact.overall_score is not None:
                    score = exact(fact.overall_score)
                    totals[2] += sign
                    if sign > 0:
                        totals[3] += score
                        totals[4] += score * score
                    else:
                        totals[3] -= score
                        totals[4] -= score * score
        changes: dict[int, list[Any]] = {}
        for base, (_, assessments, scored, total, squares) in sums.items():
            if not (assessments or scored or total or squares):
                continue
            for key in numbers.base(base):
                cell = changes.get(key)
                if cell is None:
                    changes[key] = [0, assessments, scored, total, squares]
                else:
                    cell[1] += assessments
                    cell[2] += scored
                    if total or squares:
                        cell[3] += total
                        cell[4] += squares
    touched = {f.person_key for f in removed} | {f.person_key for f in added}
    was: dict[str, set[Base]] = defaultdict(set)
    now: dict[str, set[Base]] = defaultdict(set)
    for facts, into in ((before, was), (after, now)):
        for fact in facts:
            if fact.person_key in touched:
                into[fact.person_key].add(base_of(fact))
    moves: Counter[tuple[frozenset[Base], frozenset[Base]]] = Counter()
    for person in touched:
        move = (frozenset(was.get(person, ())), frozenset(now.get(person, ())))
        if move[0] != move[1]:
            moves[move] += 1
    for (was_bases, now_bases), people in moves.items():
        was_cells, now_cells = numbers.bases(was_bases), numbers.bases(now_bases)
        for sign, entered in ((people, now_cells - was_cells), (-people, was_cells - now_cells)):
            for key in entered:
                cell = changes.get(key)
                if cell is None:
                    changes[key] = [sign, 0, 0, _ZERO, _ZERO]
                else:
                    cell[0] += sign
    keys = numbers.keys
    return {keys[number]: Totals(*cell) for number, cell in changes.items() if any(cell)}


_ZERO = Decimal(0)


def placement_of(fact: RollupFact) -> PlacementKey:
    return (fact.instrument, fact.team_code, fact.organisation_code, fact.commissioner_code or "")


def placement_deltas(
    before: Iterable[RollupFact], after: Iterable[RollupFact]
) -> dict[PlacementKey, Placement]:
    """Facts added to (or taken from) each placement, and the dates of the facts added: a
    stored range only widens (a query treats it as "facts may lie anywhere in it")."""
    changes: dict[PlacementKey, Placement] = defaultdict(Placement)
    for fact in before:
        changes[placement_of(fact)].facts -= 1
    for fact in after:
        change = changes[placement_of(fact)]
        change.facts += 1
        change.first_day = min(change.first_day, fact.assessed_on)
        change.last_day = max(change.last_day, fact.assessed_on)
    return {
        key: change
        for key, change in changes.items()
        if change.facts or change.first_day <= change.last_day
    }


def mean_and_sd(
    scored: int, score_sum: Decimal, score_squares: Decimal
) -> tuple[float | None, float | None]:
    """Mean and sample SD (k - 1) from a count and exact sums: the same numbers whether the
    sums came from the facts or from a rollup. Whole-number arithmetic on the sums' exact
    ratios, one correctly rounded division each (int / int), so nothing depends on order."""
    if scored == 0:
        return None, None
    s, s_den = score_sum.as_integer_ratio()
    mean = s / (s_den * scored)
    if scored < 2:
        return mean, None
    q, q_den = score_squares.as_integer_ratio()
    # (q/q_den - (s/s_den)^2 / n) / (n - 1), over one common denominator.
    numerator = q * s_den * s_den * scored - s * s * q_den
    variance = numerator / (q_den * s_den * s_den * scored * (scored - 1))
    return mean, sqrt(max(variance, 0.0))
