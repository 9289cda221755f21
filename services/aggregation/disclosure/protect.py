"""Primary and secondary suppression of a whole table, and what may be derived from it."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from services.aggregation.disclosure.audit import Budget, TooFine, pinned
from services.aggregation.disclosure.table import Category, Key, Line, Table
from services.aggregation.statistics.suppression import (
    DEFAULT_THRESHOLD,
    round_to_five,
    whole_count,
)


class Status(StrEnum):
    ZERO = "zero"  # shown as 0, exactly
    ROUNDED = "rounded"  # shown rounded to the nearest 5
    PRIMARY = "primary"  # hidden: 1 to threshold - 1
    SECONDARY = "secondary"  # hidden so that a primary cannot be worked out
    TOO_FINE = "too_fine"  # hidden with every non-zero cell: the table is too fine to protect


HIDDEN = frozenset({Status.PRIMARY, Status.SECONDARY, Status.TOO_FINE})

# Pinned cells an audit round looks for before hiding more (the last round looks at all): fewer
# integer programs per round, at the cost of more rounds.
_ENOUGH = 6


@dataclass(frozen=True, slots=True)
class Cell:
    key: Key
    count: int  # the true count: for computing, never for showing
    status: Status
    shown: int | None  # what may be shown: 0, a multiple of 5, or None
    reason: str | None  # for a hidden cell, the words to show instead of a number


@dataclass(frozen=True)
class ProtectedTable:
    table: Table
    threshold: int
    unit: str
    cells: Mapping[Key, Cell]

    def cell(self, key: Key) -> Cell:
        try:
            return self.cells[tuple(key)]
        except KeyError:
            raise ValueError(f"{key!r} is not a cell of this table") from None

    def shown(self, key: Key) -> int | None:
        return self.cell(key).shown

    def withheld(self, *keys: Key) -> str | None:
        """Why a figure derived from these cells (a mean, rate, interval, SII input) must not be
        shown, or None when it may: every cell it rests on must itself be shown."""
        for key in keys:
            cell = self.cell(key)
            if cell.status in HIDDEN:
                return f"withheld: {cell.reason}"
        return None

    def proportion_withheld(self, numerator: Key, denominator: Key) -> str | None:
        """A percentage x/n is withheld when x or n is hidden, and also when the rest of the
        group (n - x) is small: 177 of 180 would show 3."""
        reason = self.withheld(numerator, denominator)
        if reason is not None:
            return reason
        rest = self.cell(denominator).count - self.cell(numerator).count
        if rest < 0:
            raise ValueError(f"{numerator!r} is larger than {denominator!r}")
        if 0 < rest < self.threshold:
            return f"withheld: the rest of the group is fewer than {self.threshold} {self.unit}"
        return None

    def sii_withheld(self, events: Iterable[Key], populations: Iterable[Key]) -> str | None:
        """SII/RII across quantiles is refused when any quantile's population or events are
        hidden, or a quantile has none (the reference's rule for small caseloads)."""
        event_keys, population_keys = list(events), list(populations)
        reason = self.withheld(*event_keys, *population_keys)
        if reason is not None:
            return reason
        for key in (*event_keys, *population_keys):
            if self.cell(key).count == 0:
                return "withheld: a quantile has no one in it, so the slope cannot be fitted"
        return None


def _reasons(threshold: int, unit: str) -> dict[Status, str]:
    return {
        Status.PRIMARY: f"fewer than {threshold} {unit}",
        Status.SECONDARY: f"hidden so that a number below {threshold} cannot be worked out from the totals",
        Status.TOO_FINE: (
            f"not shown: this breakdown splits too few {unit} too finely to protect each figure; "
            "ask for fewer breakdowns or a larger unit"
        ),
    }


class _Suppression:
    """The state of one run: statuses, and the fixed order every choice follows."""

    def __init__(self, table: Table, threshold: int) -> None:
        self.threshold = threshold
        self.budget = Budget()
        self.keys = table.keys()
        self.order = {key: position for position, key in enumerate(self.keys)}
        self.values = table.values()
        self.lines = table.lines()
        self.lines_of: dict[Key, list[Line]] = {key: [] for key in self.keys}
        for line in self.lines:
            for member in line.members:
                self.lines_of[member].append(line)
        self.status: dict[Key, Status] = {}
        for key in self.keys:
            value = self.values[key]
            if value == 0:
                self.status[key] = Status.ZERO
            elif value < threshold:
                self.status[key] = Status.PRIMARY
            else:
                self.status[key] = Status.ROUNDED

    def hidden(self, key: Key) -> bool:
        return self.status[key] in HIDDEN

    def preference(self, key: Key) -> tuple[int, int, int]:
        # Detailed cells before totals (totals stay shown, as other queries show them), then the
        # smallest (least lost), then the table's own order (the same table, the same choice).
        return (sum(value is None for value in key), self.values[key], self.order[key])

    def exposed(self, line: Line) -> bool:
        """A line hiding exactly one cell, or hiding cells that add up to a small number under
        a shown total."""
        hidden = [member for member in line.members if self.hidden(member)]
        if not hidden:
            return False
        return len(hidden) == 1 or (
            not self.hidden(line.total)
            and sum(self.values[member] for member in hidden) < self.threshold
        )

    def mends(self, key: Key) -> int:
        """How many exposed lines hiding this cell would mend: one cell closing several lines
        at once hides less in all."""
        return sum(self.exposed(line) for line in self.lines_of[key])

    def hide_one_of(self, candidates: Iterable[Key]) -> bool:
        available = [key for key in candidates if self.status[key] is Status.ROUNDED]
        if not available:
            return False
        chosen = min(available, key=lambda key: (-self.mends(key), *self.preference(key)))
        self.status[chosen] = Status.SECONDARY
        return True

    def apply_line_rules(self) -> None:
        """Until nothing changes: no line may hide exactly one cell, and where a line's total is
        shown the cells it hides must add up to threshold or more."""
        changed = True
        while changed:
            changed = False
            for line in self.lines:
                if self.exposed(line) and self.hide_one_of(line.members):
                    changed = True

    def neighbours(self, key: Key) -> list[Key]:
        return [member for line in self.lines_of[key] for member in line.members]

    def audit_lists(self) -> tuple[list[Key], list[Key]]:
        small = [key for key in self.keys if self.status[key] is Status.PRIMARY]
        other = [key for key in self.keys if self.status[key] is Status.SECONDARY]
        return small, other

    def nearest(self, key: Key) -> list[Key]:
        """The shown, non-zero cells nearest a hidden one, in the usual preference: those sharing
        a line with it, else those one line further, and so on."""
        frontier, seen = [key], {key}
        while frontier:
            reach = list(dict.fromkeys(o for cell in frontier for o in self.neighbours(cell)))
            ring = [o for o in reach if self.status[o] is Status.ROUNDED]
            if ring:
                return sorted(ring, key=self.preference)
            frontier = [o for o in reach if o not in seen]
            seen.update(frontier)
        return []

    def protect_pinned(self) -> bool:
        """Hide more cells around the cells the audit finds pinned; False when none is.

        For each pinned cell in the table's order, unless a cell sharing a line with it was
        hidden in this round already, its nearest shown cell (in the usual preference) is hidden;
        then the line rules and the audit run again, until the audit finds nothing pinned."""
        small, other = self.audit_lists()
        found = sorted(
            pinned(
                small,
                other,
                self.values,
                self.lines,
                self.threshold,
                enough=_ENOUGH,
                budget=self.budget,
            ),
            key=self.order.__getitem__,
        )
        added: set[Key] = set()
        for key in found:
            if added.intersection(self.neighbours(key)):
                continue
            nearest = self.nearest(key)
            if nearest:
                self.status[nearest[0]] = Status.SECONDARY
                added.add(nearest[0])
        return bool(added)


@lru_cache(maxsize=256)
def _statuses(
    dimensions: tuple[str, ...],
    categories: tuple[tuple[Category, ...], ...],
    counts: tuple[tuple[tuple[Category, ...], int], ...],
    threshold: int,
) -> tuple[tuple[Key, Status], ...]:
    # The same table always gets the same answer, so a repeated query is not worked out again.
    state = _Suppression(Table(dimensions, categories, dict(counts)), threshold)
    try:
        while True:
            state.apply_line_rules()
            if not state.protect_pinned():
                break
    except TooFine:
        # Every non-zero cell hidden, the grand total too: then any cell, with every total above
        # it, could be one higher, so none can be worked out (safe by construction).
        return tuple(
            (key, Status.ZERO if state.values[key] == 0 else Status.TOO_FINE) for key in state.keys
        )
    return tuple((key, state.status[key]) for key in state.keys)


def protect(
    table: Table, threshold: int = DEFAULT_THRESHOLD, unit: str = "people"
) -> ProtectedTable:
    """Suppress and round a whole table, margins included, deterministically.

    Primary: every cell (margins too) counting 1 to threshold - 1. Secondary, repeated until
    stable: a line (a total and the cells that add up to it) never hides exactly one cell, nor
    hidden cells adding up to less than threshold under a shown total; then an integer-programming
    audit hides one more cell beside any hidden cell that is still the only value consistent with
    the shown counts (see `audit`). Shown counts are rounded to the nearest 5; 0 stays 0.

    A table too fine for its population to protect cell by cell within a fixed amount of work
    (`audit.MAX_GROUP`, `audit.MAX_SEARCHES`) has every non-zero cell hidden as TOO_FINE.
    """
    threshold = whole_count("threshold", threshold)
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, not {threshold}")
    position = [{value: index for index, value in enumerate(values)} for values in table.categories]
    counts = tuple(
        sorted(
            ((key, int(count)) for key, count in table.counts.items() if count),
            key=lambda item: [position[d][value] for d, value in enumerate(item[0])],
        )
    )
    statuses = _statuses(table.dimensions, table.categories, counts, threshold)
    values = table.values()
    reasons = _reasons(threshold, unit)
    cells = {}
    for key, status in statuses:
        value = values[key]
        shown = None if status in HIDDEN else round_to_five(value) if value else 0
        cells[key] = Cell(
            key=key, count=value, status=status, shown=shown, reason=reasons.get(status)
        )
    return ProtectedTable(table=table, threshold=threshold, unit=unit, cells=cells)
