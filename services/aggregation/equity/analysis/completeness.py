"""Completeness (pure): recorded / not stated / not known per field, per group, and which
fields and groups are least complete."""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from services.aggregation.dimensions import NOT_KNOWN
from services.aggregation.disclosure import Table, protect
from services.aggregation.equity.analysis.figures import (
    CONFIDENCE,
    THRESHOLD,
    Figure,
    Shown,
    shown,
)
from services.aggregation.equity.codes import NOT_STATED
from services.aggregation.statistics import wilson


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
    return [replace(r, least_complete=r.not_recorded_percent.value == worst) for r in rows]


def completeness_rows(
    counts: Mapping[str, Mapping[tuple[str, str], int]], by: str
) -> list[FieldCompleteness]:
    """Every field's rows (``counts``: field -> (group, status) -> records), the least
    complete marked."""
    rows = []
    for field_name, by_group in counts.items():
        rows.extend(completeness(by, field_name, by_group))
    return mark_least_complete(rows)
