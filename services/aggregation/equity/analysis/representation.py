"""Representation (pure): each group's people in the service against a reference
population's share."""

from collections.abc import Mapping
from dataclasses import dataclass

from services.aggregation.disclosure import ProtectedTable
from services.aggregation.equity.analysis.figures import (
    CONFIDENCE,
    THRESHOLD,
    UNRECORDED,
    Figure,
    Shown,
    count_table,
    shown,
)
from services.aggregation.statistics import rate, wilson


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
    expected = recorded people x reference share, from the total as published (rounded):
    from the exact total it would give that total away, and with it a suppressed group
    (the groups shown and the total differ by the hidden ones); the ratio observed/expected has exact
    (fewer than 10) or Byar's limits on the observed count. A group of the reference with
    nobody in the service is ``absent``.
    """
    categories = sorted(set(reference) | {c for c in observed if c not in UNRECORDED})
    counts = {c: observed.get(c, 0) for c in categories}
    table = count_table(dimension, counts)
    published_people = table.cell((None,)).shown
    reference_total = sum(reference.values())
    rows = []
    for c in categories:
        share = reference.get(c, 0) / reference_total if reference_total else 0.0
        expected = (
            published_people * share if reference_total and published_people is not None else None
        )
        reason = table.withheld((c,)) or table.withheld((None,))
        if reason:
            ratio = observed_share = Figure.hidden(reason)
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
