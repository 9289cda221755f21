"""Evaluation of a change (pure): before against after an intervention date per group, and
whether the gap between a focus group and everyone else narrowed (difference in
differences)."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from scipy.stats import norm
from scipy.stats import t as student_t

from services.aggregation.disclosure import ProtectedTable, Table, protect
from services.aggregation.equity.analysis.figures import (
    CONFIDENCE,
    PROPORTIONS,
    THRESHOLD,
    Figure,
    GroupTotals,
    Shown,
    binary_table,
    mean_figure,
    pooled,
    proportion,
    shown,
)
from services.aggregation.statistics import wilson

PERIODS: Final = ["before", "after"]
CAVEATS: Final = (
    "Regression to the mean: a group chosen because its figures were unusually bad in the "
    "baseline tends to look better afterwards without any change.",
    "Small numbers: with few people in a group, differences are imprecise; read the "
    "intervals, and hidden figures are hidden because the groups are small.",
    "Secular trend: figures may have changed for everyone (seasons, waiting lists, policy) "
    "over the same time; compare the focus group's change with everyone else's, as the gap "
    "test does, before crediting the change you made.",
    "Before and after are different referrals, not the same people followed up.",
)


@dataclass(frozen=True)
class Difference:
    value: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    withheld: str | None

    @staticmethod
    def hidden(reason: str) -> "Difference":
        return Difference(None, None, None, None, reason)


@dataclass(frozen=True)
class EvaluationRow:
    category: str
    before_people: Shown
    after_people: Shown
    before: Figure
    after: Figure
    change: Difference


@dataclass(frozen=True)
class GapResult:
    focus: str
    before: Figure  # focus minus the rest, before
    after: Figure
    change: Difference  # after gap minus before gap
    narrowed: bool | None
    verdict: str

    @staticmethod
    def hidden(focus: str, reason: str) -> "GapResult":
        figure = Figure.hidden(reason)
        return GapResult(focus, figure, figure, Difference.hidden(reason), None, reason)


@dataclass(frozen=True)
class EvaluationResult:
    measure: str
    rows: list[EvaluationRow]
    gap: GapResult | None


def newcombe(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float, float]:
    """p2 - p1 with Newcombe's hybrid score interval (method 10, from Wilson limits)."""
    a = wilson(x1, n1, CONFIDENCE)
    b = wilson(x2, n2, CONFIDENCE)
    d = b.value - a.value
    lower = d - math.sqrt((b.value - b.lower) ** 2 + (a.upper - a.value) ** 2)
    upper = d + math.sqrt((b.upper - b.value) ** 2 + (a.value - a.lower) ** 2)
    return d, lower, upper


def welch(
    n1: int, m1: float, s1: float, n2: int, m2: float, s2: float
) -> tuple[float, float, float, float]:
    """m2 - m1 with Welch's t interval, and its two-sided p-value."""
    v1, v2 = s1 * s1 / n1, s2 * s2 / n2
    se = math.sqrt(v1 + v2)
    d = m2 - m1
    if se == 0:
        return d, d, d, 1.0 if d == 0 else 0.0
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    q = float(student_t.ppf(0.5 + CONFIDENCE / 2, df))
    p = float(2 * student_t.sf(abs(d) / se, df))
    return d, d - q * se, d + q * se, p


def proportion_change(x1: int, n1: int, x2: int, n2: int) -> Difference:
    d, lower, upper = newcombe(x1, n1, x2, n2)
    p1, p2 = x1 / n1, x2 / n2
    pooled_p = (x1 + x2) / (n1 + n2)
    se0 = math.sqrt(pooled_p * (1 - pooled_p) * (1 / n1 + 1 / n2))
    p = 1.0 if se0 == 0 else float(2 * norm.sf(abs(p2 - p1) / se0))
    return Difference(d, lower, upper, p, None)


def evaluation(
    dimension: str,
    measure: str,
    before: Sequence[GroupTotals],
    after: Sequence[GroupTotals],
    focus: str | None,
) -> EvaluationResult:
    """Before against after per group (difference with its interval and test), and, for a
    focus group, whether its gap to everyone else narrowed (difference in differences)."""
    categories = sorted({g.category for g in (*before, *after)})
    empty = {c: GroupTotals(c, 0) for c in categories}
    sides = {"before": empty | {g.category: g for g in before}}
    sides["after"] = empty | {g.category: g for g in after}
    axes = {"period": PERIODS, dimension: categories}
    people = protect(
        Table.from_counts(
            ["period", dimension],
            {(p, c): sides[p][c].referrals for p in PERIODS for c in categories},
            categories=axes,
        ),
        threshold=THRESHOLD,
        unit="people",
    )
    binary: ProtectedTable | None = None
    if measure in PROPORTIONS:
        events: dict[tuple[str, ...], tuple[int, int]] = {
            (p, c): sides[p][c].events(measure) for p in PERIODS for c in categories
        }
        binary = binary_table(["period", dimension], events, axes, PROPORTIONS[measure][2])

    def figure(period: str, c: str) -> Figure:
        reason = people.withheld((period, c))
        if binary is not None:
            return proportion(binary, (period, c), reason)
        return mean_figure(sides[period][c].summary(measure), reason)

    rows = []
    for c in categories:
        before_f, after_f = figure("before", c), figure("after", c)
        if before_f.withheld or after_f.withheld:
            change = Difference.hidden(before_f.withheld or after_f.withheld or "")
        else:
            change = _change(measure, sides["before"][c], sides["after"][c])
        rows.append(
            EvaluationRow(
                c,
                shown(people, ("before", c)),
                shown(people, ("after", c)),
                before_f,
                after_f,
                change,
            )
        )
    gap = None
    if focus is not None:
        gap = _gap(measure, focus, sides["before"], sides["after"], rows)
    return EvaluationResult(measure, rows, gap)


def _change(measure: str, before: GroupTotals, after: GroupTotals) -> Difference:
    if measure in PROPORTIONS:
        return proportion_change(*before.events(measure), *after.events(measure))
    n1, m1, s1 = before.summary(measure)
    n2, m2, s2 = after.summary(measure)
    d, lower, upper, p = welch(n1, m1, s1, n2, m2, s2)  # type: ignore[arg-type]
    return Difference(d, lower, upper, p, None)


def _stats(g: GroupTotals, measure: str) -> tuple[float, float, int] | None:
    """(estimate, variance, n) of a measure in one group, or None with no data."""
    if measure in PROPORTIONS:
        x, n = g.events(measure)
        if n == 0:
            return None
        p = x / n
        return p, p * (1 - p) / n, n
    n, m, sd = g.summary(measure)
    if n < 2 or m is None or sd is None:
        return None
    return m, sd * sd / n, n


def _gap(
    measure: str,
    focus: str,
    before: Mapping[str, GroupTotals],
    after: Mapping[str, GroupTotals],
    rows: Sequence[EvaluationRow],
) -> GapResult:
    if focus not in before or focus not in after:
        return GapResult.hidden(focus, "withheld: the focus group has no one before or after")
    hidden = next(
        (
            r.before.withheld or r.after.withheld
            for r in rows
            if r.category == focus and (r.before.withheld or r.after.withheld)
        ),
        None,
    )
    rest_b = replace(pooled([g for c, g in before.items() if c != focus]), category="rest")
    rest_a = replace(pooled([g for c, g in after.items() if c != focus]), category="rest")
    parts = [
        _stats(before[focus], measure),
        _stats(after[focus], measure),
        _stats(rest_b, measure),
        _stats(rest_a, measure),
    ]
    if hidden is None and any(p is None or p[2] < THRESHOLD for p in parts):
        hidden = "withheld: the focus group or the rest has too few people before or after"
    if hidden is not None:
        return GapResult.hidden(focus, hidden)
    (fb, vfb, _), (fa, vfa, _), (rb, vrb, _), (ra, vra, _) = parts  # type: ignore[misc]
    z = float(norm.ppf(0.5 + CONFIDENCE / 2))

    def gap_figure(d: float, v: float) -> Figure:
        return Figure(d, d - z * math.sqrt(v), d + z * math.sqrt(v), "normal approximation", None)

    before_gap = gap_figure(fb - rb, vfb + vrb)
    after_gap = gap_figure(fa - ra, vfa + vra)
    dd = (fa - ra) - (fb - rb)
    se = math.sqrt(vfb + vfa + vrb + vra)
    p = 1.0 if se == 0 else float(2 * norm.sf(abs(dd) / se))
    change = Difference(dd, dd - z * se, dd + z * se, p, None)
    narrowed_by = abs(fb - rb) - abs(fa - ra)
    significant = p < 1 - CONFIDENCE
    if significant and narrowed_by > 0:
        narrowed: bool | None = True
        verdict = "The gap narrowed, beyond what chance would explain (p < 0.05)"
    elif significant:
        narrowed = False
        verdict = "The gap widened, beyond what chance would explain (p < 0.05)"
    else:
        narrowed = None
        verdict = "No change in the gap beyond what chance would explain"
    return GapResult(focus, before_gap, after_gap, change, narrowed, verdict)
