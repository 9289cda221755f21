"""The equity analyses of a dataset (pure: no I/O). Every figure rests on a protected table
(``services.aggregation.disclosure``) and is shown only where its counts are.

- ``engagement``: opt-in rate, DNA rate, drop-out, length of stay and outcome change by
  group, with Wilson / t intervals, and SII/RII across IMD quintiles.
- ``completeness``: recorded / not stated / not known per field, per group.
- ``representation``: observed against expected from a reference population.
- ``evaluation``: before against after per group, and whether the gap narrowed.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from scipy.stats import norm
from scipy.stats import t as student_t

from services.aggregation.dimensions import NOT_KNOWN
from services.aggregation.disclosure import HIDDEN, Key, ProtectedTable, Table, protect
from services.aggregation.equity.records import NOT_STATED
from services.aggregation.statistics import PROPORTION, mean_from_summary, rate, sii, wilson

THRESHOLD: Final = 8
CONFIDENCE: Final = 0.95
SII_REPETITIONS: Final = 20_000
SII_SEED: Final = 20261207
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


def _binary_table(
    dimension: str, groups: Sequence[GroupTotals], numerator: str, denominator: str, unit: str
) -> ProtectedTable:
    counts: dict[tuple[object, ...], int] = {}
    for g in groups:
        x, n = int(getattr(g, numerator)), int(getattr(g, denominator))
        counts[(g.category, "yes")] = x
        counts[(g.category, "no")] = n - x
    table = Table.from_counts(
        [dimension, "event"],
        counts,  # type: ignore[arg-type]
        categories={dimension: [g.category for g in groups], "event": ["yes", "no"]},
    )
    return protect(table, threshold=THRESHOLD, unit=unit)


def _count_table(dimension: str, counts: Mapping[str, int], unit: str = "people") -> ProtectedTable:
    table = Table.from_counts(
        [dimension],
        {(c,): n for c, n in counts.items()},
        categories={dimension: list(counts)},
    )
    return protect(table, threshold=THRESHOLD, unit=unit)


def proportion(table: ProtectedTable, category: str | None, guard: str | None = None) -> Figure:
    """x/n of a protected binary table, with its Wilson interval, or withheld."""
    reason = guard or table.proportion_withheld((category, "yes"), (category, None))
    if reason is not None:
        return Figure.hidden(reason)
    x = table.cell((category, "yes")).count
    n = table.cell((category, None)).count
    if n == 0:
        return Figure.hidden("withheld: no one in this group")
    e = wilson(x, n, CONFIDENCE)
    return Figure(e.value, e.lower, e.upper, e.method, None)


def mean_figure(count: int, mean: float | None, sd: float | None, reason: str | None) -> Figure:
    if reason is not None:
        return Figure.hidden(reason)
    if count < 2 or mean is None or sd is None:
        return Figure.hidden("withheld: fewer than two values")
    e = mean_from_summary(count, mean, sd, CONFIDENCE)
    return Figure(e.value, e.lower, e.upper, e.method, None)


@dataclass(frozen=True)
class EngagementRow:
    category: str
    referrals: Shown
    figures: dict[str, Figure]


@dataclass(frozen=True)
class EngagementResult:
    rows: list[EngagementRow]
    total: EngagementRow
    sii: dict[str, tuple[Figure, Figure]]  # measure -> (SII, RII), by IMD quintile only
    hidden: int


def engagement(dimension: str, groups: Sequence[GroupTotals]) -> EngagementResult:
    """Each measure by group and overall, every figure disclosure-controlled."""
    referrals = _count_table(dimension, {g.category: g.referrals for g in groups})
    binaries = {
        m: _binary_table(dimension, groups, num, den, unit)
        for m, (num, den, unit) in PROPORTIONS.items()
    }
    means = {
        m: _count_table(dimension, {g.category: getattr(g, f"{p}_n") for g in groups})
        for m, p in MEANS.items()
    }
    total = _total(groups)

    def row(category: str | None, g: GroupTotals) -> EngagementRow:
        people = referrals.withheld((category,))
        figures: dict[str, Figure] = {}
        for m, table in binaries.items():
            figures[m] = proportion(table, category, people)
        for m, p in MEANS.items():
            reason = people or means[m].withheld((category,))
            figures[m] = mean_figure(
                getattr(g, f"{p}_n"), getattr(g, f"{p}_mean"), getattr(g, f"{p}_sd"), reason
            )
        return EngagementRow(
            str(category) if category is not None else "all", shown(referrals, (category,)), figures
        )

    rows = [row(g.category, g) for g in groups]
    hidden = sum(1 for c in referrals.cells.values() if c.status in HIDDEN)
    result_sii: dict[str, tuple[Figure, Figure]] = {}
    if dimension == "imd_quintile":
        for m, table in binaries.items():
            result_sii[m] = proportion_sii(table, referrals, groups)
    return EngagementResult(rows, row(None, total), result_sii, hidden)


def _total(groups: Sequence[GroupTotals]) -> GroupTotals:
    def pooled(prefix: str) -> tuple[int, float | None, float | None]:
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

    stay = pooled("stay")
    change = pooled("change")
    return GroupTotals(
        category="all",
        referrals=sum(g.referrals for g in groups),
        asked=sum(g.asked for g in groups),
        opted_in=sum(g.opted_in for g in groups),
        offered=sum(g.offered for g in groups),
        dna=sum(g.dna for g in groups),
        discharged=sum(g.discharged for g in groups),
        dropped_out=sum(g.dropped_out for g in groups),
        stay_n=stay[0],
        stay_mean=stay[1],
        stay_sd=stay[2],
        change_n=change[0],
        change_mean=change[1],
        change_sd=change[2],
    )


QUINTILES: Final = ("1", "2", "3", "4", "5")


def proportion_sii(
    table: ProtectedTable, referrals: ProtectedTable, groups: Sequence[GroupTotals]
) -> tuple[Figure, Figure]:
    """SII and RII of a proportion across IMD quintiles 1 (most deprived) to 5 (PHE method,
    simulated limits): withheld when a quintile is hidden, empty or has no events."""
    present = {g.category for g in groups}
    if not set(QUINTILES) <= present:
        reason = "withheld: every IMD quintile needs people"
        return Figure.hidden(reason), Figure.hidden(reason)
    withheld = table.sii_withheld(
        [(q, "yes") for q in QUINTILES], [(q, None) for q in QUINTILES]
    ) or referrals.withheld(*[(q,) for q in QUINTILES])
    if withheld is not None:
        reason = withheld
        return Figure.hidden(reason), Figure.hidden(reason)
    quantiles = []
    for q in QUINTILES:
        x = table.cell((q, "yes")).count
        n = table.cell((q, None)).count
        e = wilson(x, n, CONFIDENCE)
        quantiles.append(
            {
                "quantile": int(q),
                "population": n,
                "value": e.value,
                "lower_cl": e.lower,
                "upper_cl": e.upper,
            }
        )
    result = sii(
        quantiles,
        value_type=PROPORTION,
        confidence=CONFIDENCE,
        repetitions=SII_REPETITIONS,
        seed=SII_SEED,
    )
    method = "PHE SII (simulated limits)"
    return (
        Figure(result.sii, result.sii_lower, result.sii_upper, method, None),
        Figure(result.rii, result.rii_lower, result.rii_upper, method, None),
    )


# Completeness ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldCompleteness:
    field: str
    group: str
    records: Shown
    recorded: Shown
    not_stated: Shown
    not_known: Shown
    not_recorded_percent: Figure
    least_complete: bool = False


def completeness(
    dimension: str, field: str, counts: Mapping[tuple[str, str], int]
) -> list[FieldCompleteness]:
    """``counts``: (group, status) -> records, status one of recorded / not_stated /
    not_known. One row per group and one for all (group ``all``)."""
    groups = sorted({g for g, _ in counts})
    statuses = ["recorded", NOT_STATED, NOT_KNOWN]
    table = protect(
        Table.from_counts(
            [dimension, "status"],
            dict(counts),  # type: ignore[arg-type]
            categories={dimension: groups, "status": statuses},
        ),
        threshold=THRESHOLD,
        unit="records",
    )
    rows = []
    for g in [*groups, None]:
        recorded = table.cell((g, "recorded"))
        total = table.cell((g, None))
        reason = table.proportion_withheld((g, "recorded"), (g, None))
        if reason is None and total.count > 0:
            e = wilson(total.count - recorded.count, total.count, CONFIDENCE, multiplier=100)
            percent = Figure(e.value, e.lower, e.upper, e.method, None)
        else:
            percent = Figure.hidden(reason or "withheld: no records")
        rows.append(
            FieldCompleteness(
                field=field,
                group="all" if g is None else g,
                records=shown(table, (g, None)),
                recorded=shown(table, (g, "recorded")),
                not_stated=shown(table, (g, NOT_STATED)),
                not_known=shown(table, (g, NOT_KNOWN)),
                not_recorded_percent=percent,
            )
        )
    return rows


def mark_least_complete(rows: list[FieldCompleteness]) -> list[FieldCompleteness]:
    """Flag, among rows whose percentage is shown, those with the highest share not
    recorded (ties all flagged), so the worst fields and groups stand out."""
    values = [
        r.not_recorded_percent.value for r in rows if r.not_recorded_percent.value is not None
    ]
    if not values or max(values) == 0:
        return rows
    worst = max(values)
    return [
        FieldCompleteness(**{**r.__dict__, "least_complete": r.not_recorded_percent.value == worst})
        for r in rows
    ]


# Representation ------------------------------------------------------------------------


@dataclass(frozen=True)
class RepresentationRow:
    category: str
    observed: Shown
    reference_people: int
    expected: float | None
    observed_share: Figure
    reference_share: float
    ratio: Figure
    absent: bool


def representation(
    dimension: str, observed: Mapping[str, int], reference: Mapping[str, int]
) -> list[RepresentationRow]:
    """Each group's people in the service against the reference population's share.

    Only recorded categories count (not stated / not known are left out of both sides);
    expected = recorded people x reference share; the ratio observed/expected has exact
    (fewer than 10) or Byar's limits on the observed count. A group of the reference with
    nobody in the service is ``absent``.
    """
    categories = sorted(set(reference) | {c for c in observed if c not in UNRECORDED})
    counts = {c: observed.get(c, 0) for c in categories}
    table = _count_table(dimension, counts)
    people = sum(counts.values())
    reference_total = sum(reference.values())
    rows = []
    for c in categories:
        share = reference.get(c, 0) / reference_total if reference_total else 0.0
        expected = people * share if reference_total else None
        reason = table.withheld((c,))
        total_reason = table.withheld((None,))
        if reason or total_reason:
            ratio = Figure.hidden(reason or total_reason or "")
            observed_share = Figure.hidden(reason or total_reason or "")
        else:
            observed_share = proportion_of(table, c)
            if expected:
                e = rate(counts[c], expected, multiplier=1, confidence=CONFIDENCE)
                ratio = Figure(e.value, e.lower, e.upper, e.method, None)
            else:
                ratio = Figure.hidden("withheld: the reference population has no one in this group")
        rows.append(
            RepresentationRow(
                category=c,
                observed=shown(table, (c,)),
                reference_people=reference.get(c, 0),
                expected=expected,
                observed_share=observed_share,
                reference_share=share,
                ratio=ratio,
                absent=counts[c] == 0 and reference.get(c, 0) > 0,
            )
        )
    return rows


def proportion_of(table: ProtectedTable, category: str) -> Figure:
    x = table.cell((category,)).count
    n = table.cell((None,)).count
    if n == 0:  # nobody in the period (or the dataset): no share to estimate
        return Figure.hidden("no one to count")
    if n - x < THRESHOLD and n - x > 0:
        return Figure.hidden(f"withheld: the rest is fewer than {THRESHOLD} people")
    e = wilson(x, n, CONFIDENCE)
    return Figure(e.value, e.lower, e.upper, e.method, None)


# Evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    value: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    withheld: str | None


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
    pooled = (x1 + x2) / (n1 + n2)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p = 1.0 if se0 == 0 else float(2 * norm.sf(abs(p2 - p1) / se0))
    return Difference(d, lower, upper, p, None)


def gap_change(focus: tuple[int, int, int, int], rest: tuple[int, int, int, int]) -> Difference:
    """Difference in differences of proportions: (focus after - before) - (rest after -
    before), each (x_before, n_before, x_after, n_after); normal interval and z-test from the
    four independent binomial variances. Negative: the focus group's rate fell more."""

    def var(x: int, n: int) -> float:
        p = x / n
        return p * (1 - p) / n

    fb, fn, fa, fan = focus
    rb, rn, ra, ran = rest
    dd = (fa / fan - fb / fn) - (ra / ran - rb / rn)
    se = math.sqrt(var(fb, fn) + var(fa, fan) + var(rb, rn) + var(ra, ran))
    z = float(norm.ppf(0.5 + CONFIDENCE / 2))
    p = 1.0 if se == 0 else float(2 * norm.sf(abs(dd) / se))
    return Difference(dd, dd - z * se, dd + z * se, p, None)


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


@dataclass(frozen=True)
class EvaluationResult:
    measure: str
    rows: list[EvaluationRow]
    gap: GapResult | None


def _withheld_difference(reason: str) -> Difference:
    return Difference(None, None, None, None, reason)


def _stats(g: GroupTotals, measure: str) -> tuple[float, float, int] | None:
    """(estimate, variance, n) of a measure in one group, or None with no data."""
    if measure in PROPORTIONS:
        num, den, _ = PROPORTIONS[measure]
        x, n = int(getattr(g, num)), int(getattr(g, den))
        if n == 0:
            return None
        p = x / n
        return p, p * (1 - p) / n, n
    prefix = MEANS[measure]
    n, m, sd = getattr(g, f"{prefix}_n"), getattr(g, f"{prefix}_mean"), getattr(g, f"{prefix}_sd")
    if n < 2 or m is None or sd is None:
        return None
    return m, sd * sd / n, n


def _merge(groups: Sequence[GroupTotals], category: str) -> GroupTotals:
    merged = _total(groups)
    return GroupTotals(**{**merged.__dict__, "category": category})


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
    b = empty | {g.category: g for g in before}
    a = empty | {g.category: g for g in after}
    people = protect(
        Table.from_counts(
            ["period", dimension],
            {("before", c): b[c].referrals for c in categories}
            | {("after", c): a[c].referrals for c in categories},  # type: ignore[arg-type]
            categories={"period": ["before", "after"], dimension: categories},
        ),
        threshold=THRESHOLD,
        unit="people",
    )
    binary: ProtectedTable | None = None
    if measure in PROPORTIONS:
        num, den, unit = PROPORTIONS[measure]
        counts: dict[tuple[object, ...], int] = {}
        for period, source in (("before", b), ("after", a)):
            for c in categories:
                x, n = int(getattr(source[c], num)), int(getattr(source[c], den))
                counts[(period, c, "yes")] = x
                counts[(period, c, "no")] = n - x
        binary = protect(
            Table.from_counts(
                ["period", dimension, "event"],
                counts,  # type: ignore[arg-type]
                categories={
                    "period": ["before", "after"],
                    dimension: categories,
                    "event": ["yes", "no"],
                },
            ),
            threshold=THRESHOLD,
            unit=unit,
        )

    def figure(period: str, c: str, g: GroupTotals) -> Figure:
        reason = people.withheld((period, c))
        if binary is not None:
            reason = reason or binary.proportion_withheld((period, c, "yes"), (period, c, None))
            if reason is not None:
                return Figure.hidden(reason)
            x = binary.cell((period, c, "yes")).count
            n = binary.cell((period, c, None)).count
            if n == 0:
                return Figure.hidden("withheld: no one in this group")
            e = wilson(x, n, CONFIDENCE)
            return Figure(e.value, e.lower, e.upper, e.method, None)
        prefix = MEANS[measure]
        return mean_figure(
            getattr(g, f"{prefix}_n"),
            getattr(g, f"{prefix}_mean"),
            getattr(g, f"{prefix}_sd"),
            reason,
        )

    rows = []
    for c in categories:
        before_f, after_f = figure("before", c, b[c]), figure("after", c, a[c])
        if before_f.withheld or after_f.withheld:
            change = _withheld_difference(before_f.withheld or after_f.withheld or "")
        else:
            change = _change(measure, b[c], a[c])
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
        gap = _gap(measure, focus, b, a, rows)
    return EvaluationResult(measure, rows, gap)


def _change(measure: str, before: GroupTotals, after: GroupTotals) -> Difference:
    if measure in PROPORTIONS:
        num, den, _ = PROPORTIONS[measure]
        return proportion_change(
            int(getattr(before, num)), int(getattr(before, den)),
            int(getattr(after, num)), int(getattr(after, den)),
        )  # fmt: skip
    prefix = MEANS[measure]
    n1, m1, s1 = (getattr(before, f"{prefix}_{k}") for k in ("n", "mean", "sd"))
    n2, m2, s2 = (getattr(after, f"{prefix}_{k}") for k in ("n", "mean", "sd"))
    d, lower, upper, p = welch(n1, m1, s1, n2, m2, s2)
    return Difference(d, lower, upper, p, None)


def _gap(
    measure: str,
    focus: str,
    before: Mapping[str, GroupTotals],
    after: Mapping[str, GroupTotals],
    rows: Sequence[EvaluationRow],
) -> GapResult:
    if focus not in before or focus not in after:
        reason = "withheld: the focus group has no one before or after"
        return GapResult(
            focus,
            Figure.hidden(reason),
            Figure.hidden(reason),
            _withheld_difference(reason),
            None,
            reason,
        )
    hidden = next(
        (
            r.before.withheld or r.after.withheld
            for r in rows
            if r.category == focus and (r.before.withheld or r.after.withheld)
        ),
        None,
    )
    rest_b = _merge([g for c, g in before.items() if c != focus], "rest")
    rest_a = _merge([g for c, g in after.items() if c != focus], "rest")
    parts = [
        _stats(before[focus], measure),
        _stats(after[focus], measure),
        _stats(rest_b, measure),
        _stats(rest_a, measure),
    ]
    if hidden is None and any(p is None or p[2] < THRESHOLD for p in parts):
        hidden = "withheld: the focus group or the rest has too few people before or after"
    if hidden is not None:
        return GapResult(
            focus,
            Figure.hidden(hidden),
            Figure.hidden(hidden),
            _withheld_difference(hidden),
            None,
            hidden,
        )
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
