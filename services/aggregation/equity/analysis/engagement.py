"""Engagement by group (pure): opt-in rate, DNA rate, drop-out, length of stay and outcome
change, with Wilson / t intervals, and the slope and relative index of inequality across
IMD quintiles."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from services.aggregation.disclosure import HIDDEN, ProtectedTable
from services.aggregation.equity.analysis.figures import (
    CONFIDENCE,
    MEANS,
    PROPORTIONS,
    Figure,
    GroupTotals,
    Shown,
    binary_table,
    count_table,
    mean_figure,
    pooled,
    proportion,
    shown,
)
from services.aggregation.statistics import PROPORTION, sii, wilson

SII_REPETITIONS: Final = 20_000
SII_SEED: Final = 20261207
QUINTILES: Final = ("1", "2", "3", "4", "5")


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
    referrals = count_table(dimension, {g.category: g.referrals for g in groups})
    categories = {dimension: [g.category for g in groups]}
    binaries = {
        m: binary_table([dimension], {(g.category,): g.events(m) for g in groups}, categories, unit)
        for m, (_, _, unit) in PROPORTIONS.items()
    }
    means = {
        m: count_table(dimension, {g.category: g.summary(m)[0] for g in groups}) for m in MEANS
    }

    def row(category: str | None, g: GroupTotals) -> EngagementRow:
        people = referrals.withheld((category,))
        figures: dict[str, Figure] = {}
        for m, table in binaries.items():
            figures[m] = proportion(table, (category,), people)
        for m in MEANS:
            figures[m] = mean_figure(g.summary(m), people or means[m].withheld((category,)))
        return EngagementRow(
            str(category) if category is not None else "all", shown(referrals, (category,)), figures
        )

    rows = [row(g.category, g) for g in groups]
    hidden = sum(1 for c in referrals.cells.values() if c.status in HIDDEN)
    result_sii: dict[str, tuple[Figure, Figure]] = {}
    if dimension == "imd_quintile":
        for m, table in binaries.items():
            result_sii[m] = proportion_sii(table, referrals, groups)
    return EngagementResult(rows, row(None, pooled(groups)), result_sii, hidden)


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
        return Figure.hidden(withheld), Figure.hidden(withheld)
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
