"""What every equity analysis is made of (pure): a group's true counts, the protected
tables built from them, and the figures (proportions, means) shown only where the counts
they rest on are."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from services.aggregation.dimensions import NOT_KNOWN
from services.aggregation.disclosure import HIDDEN, Key, ProtectedTable, Table, protect
from services.aggregation.equity.codes import NOT_STATED
from services.aggregation.statistics import mean_from_summary, wilson

THRESHOLD: Final = 8
CONFIDENCE: Final = 0.95
UNRECORDED: Final = frozenset({NOT_STATED, NOT_KNOWN})


@dataclass(frozen=True)
class Figure:
    value: float | None
    lower: float | None
    upper: float | None
    method: str | None
    withheld: str | None

    @staticmethod
    def hidden(reason: str) -> "Figure":
        return Figure(None, None, None, None, reason)


@dataclass(frozen=True)
class Shown:
    """A count as published: 0, a multiple of 5, or hidden with the reason."""

    value: int | None
    reason: str | None


@dataclass(frozen=True)
class GroupTotals:
    """True counts of one group of a dataset (from SQL; never published as they are)."""

    category: str
    referrals: int
    asked: int = 0  # opt-in recorded
    opted_in: int = 0
    offered: int = 0
    dna: int = 0
    discharged: int = 0
    dropped_out: int = 0
    stay_n: int = 0
    stay_mean: float | None = None
    stay_sd: float | None = None
    change_n: int = 0
    change_mean: float | None = None
    change_sd: float | None = None

    def events(self, measure: str) -> tuple[int, int]:
        """(x, n) of a proportion measure."""
        numerator, denominator, _ = PROPORTIONS[measure]
        return int(getattr(self, numerator)), int(getattr(self, denominator))

    def summary(self, measure: str) -> tuple[int, float | None, float | None]:
        """(count, mean, standard deviation) of a mean measure."""
        prefix = MEANS[measure]
        return (
            getattr(self, f"{prefix}_n"),
            getattr(self, f"{prefix}_mean"),
            getattr(self, f"{prefix}_sd"),
        )


MEASURES: Final = ("opt_in", "dna", "drop_out", "length_of_stay", "outcome_change")
PROPORTIONS: Final = {
    # measure: (numerator, denominator, unit of the denominator)
    "opt_in": ("opted_in", "asked", "people"),
    "dna": ("dna", "offered", "appointments"),
    "drop_out": ("dropped_out", "discharged", "people"),
}
MEANS: Final = {"length_of_stay": "stay", "outcome_change": "change"}


def shown(table: ProtectedTable, key: Key) -> Shown:
    cell = table.cell(key)
    return Shown(cell.shown, cell.reason if cell.status in HIDDEN else None)


def binary_table(
    dimensions: Sequence[str],
    events: Mapping[tuple[str, ...], tuple[int, int]],
    categories: Mapping[str, list[str]],
    unit: str,
) -> ProtectedTable:
    """A protected table of events: each key's (x, n) as x "yes" and n - x "no"."""
    counts: dict[tuple[object, ...], int] = {}
    for key, (x, n) in events.items():
        counts[(*key, "yes")] = x
        counts[(*key, "no")] = n - x
    table = Table.from_counts(
        [*dimensions, "event"],
        counts,  # type: ignore[arg-type]
        categories={**categories, "event": ["yes", "no"]},
    )
    return protect(table, threshold=THRESHOLD, unit=unit)


def count_table(dimension: str, counts: Mapping[str, int], unit: str = "people") -> ProtectedTable:
    table = Table.from_counts(
        [dimension],
        {(c,): n for c, n in counts.items()},
        categories={dimension: list(counts)},
    )
    return protect(table, threshold=THRESHOLD, unit=unit)


def proportion(table: ProtectedTable, group: Key, guard: str | None = None) -> Figure:
    """x/n of a group of a protected binary table (``group``: its key without the event),
    with its Wilson interval, or withheld."""
    reason = guard or table.proportion_withheld((*group, "yes"), (*group, None))
    if reason is not None:
        return Figure.hidden(reason)
    x = table.cell((*group, "yes")).count
    n = table.cell((*group, None)).count
    if n == 0:
        return Figure.hidden("withheld: no one in this group")
    e = wilson(x, n, CONFIDENCE)
    return Figure(e.value, e.lower, e.upper, e.method, None)


def mean_figure(summary: tuple[int, float | None, float | None], reason: str | None) -> Figure:
    count, mean, sd = summary
    if reason is not None:
        return Figure.hidden(reason)
    if count < 2 or mean is None or sd is None:
        return Figure.hidden("withheld: fewer than two values")
    e = mean_from_summary(count, mean, sd, CONFIDENCE)
    return Figure(e.value, e.lower, e.upper, e.method, None)


def pooled(groups: Sequence[GroupTotals], category: str = "all") -> GroupTotals:
    """Several groups as one: counts added, means and standard deviations pooled."""

    def pooled_mean(prefix: str) -> tuple[int, float | None, float | None]:
        parts = [
            (getattr(g, f"{prefix}_n"), getattr(g, f"{prefix}_mean"), getattr(g, f"{prefix}_sd"))
            for g in groups
            if getattr(g, f"{prefix}_n") > 0 and getattr(g, f"{prefix}_mean") is not None
        ]
        n = sum(p[0] for p in parts)
        if n == 0:
            return 0, None, None
        m = sum(c * mu for c, mu, _ in parts) / n
        if n < 2:
            return n, m, None
        # Sum of squares about the pooled mean, from each group's count, mean and sd.
        ss = sum((c - 1) * (sd or 0.0) ** 2 + c * (mu - m) ** 2 for c, mu, sd in parts)
        return n, m, math.sqrt(ss / (n - 1))

    stay = pooled_mean("stay")
    change = pooled_mean("change")
    added = {
        name: sum(getattr(g, name) for g in groups)
        for name in (
            "referrals", "asked", "opted_in", "offered", "dna", "discharged", "dropped_out",
        )
    }  # fmt: skip
    return GroupTotals(
        category,
        **added,
        stay_n=stay[0],
        stay_mean=stay[1],
        stay_sd=stay[2],
        change_n=change[0],
        change_mean=change[1],
        change_sd=change[2],
    )
