"""The service equity report's tables, from aggregation's answers as given: a hidden count
is shown as suppressed and a figure resting on one as withheld, each with aggregation's
reason; nothing is worked out. Proportions (0 to 1 in aggregation's answers) are shown as
per cents. Pure: no I/O."""

from collections.abc import Mapping, Sequence
from typing import Any

from services.reporting.machinery.organisational import words
from services.reporting.machinery.tables import (
    NO_VALUE,
    Cell,
    Table,
    cell,
    long_date,
    suppressed,
    withheld,
)

PROPORTIONS = ("opt_in", "dna", "drop_out")  # given as 0-1 by aggregation, shown as %
MEASURES = (
    ("opt_in", "Opt-in (%)"),
    ("dna", "DNA (%)"),
    ("drop_out", "Drop-out (%)"),
    ("length_of_stay", "Length of stay (days)"),
    ("outcome_change", "Outcome change"),
)
BREAKDOWNS = {
    "imd_quintile": "IMD quintile (1 = most deprived)",
    "core20plus": "Core20PLUS",
    "ethnic_group": "Ethnic group",
    "age_band": "Age band",
    "sex": "Sex",
}


def interval(of: str) -> str:
    """The heading of a figure's interval column, named after it (a CSV's headings are
    each different): "DNA (%)" -> "DNA: 95% interval"."""
    return f"{of.replace(' (%)', '')}: 95% interval"


def shown_cell(count: Mapping[str, Any] | None) -> Cell:
    """A count as aggregation published it: a value, or suppressed with its reason."""
    if not count:
        return cell(None)
    if count.get("value") is None:
        return suppressed(str(count.get("reason") or "small number"))
    return cell(int(count["value"]))


def figure_cells(
    figure: Mapping[str, Any] | None, scale: float = 1.0, digits: int = 1
) -> tuple[Cell, Cell]:
    """A figure and its 95% interval ("12.5 to 20.1"), on ``scale`` (100 for a proportion
    shown as a per cent); one aggregation withheld says why."""
    if not figure or figure.get("value") is None:
        reason = (figure or {}).get("withheld")
        return (withheld(str(reason)) if reason else cell(None)), Cell(NO_VALUE)
    value = round(float(figure["value"]) * scale, digits)
    lower, upper = figure.get("lower"), figure.get("upper")
    span = (
        f"{float(lower) * scale:.{digits}f} to {float(upper) * scale:.{digits}f}"
        if lower is not None and upper is not None
        else NO_VALUE
    )
    return Cell(f"{value:.{digits}f}", value), Cell(span)


def p_value_cell(p: float | None) -> Cell:
    """Three decimals, and "< 0.001" below that (the CSV keeps the value itself)."""
    if p is None:
        return cell(None)
    return Cell("< 0.001", p) if p < 0.001 else Cell(f"{p:.3f}", round(p, 3))


def _scale(measure: str) -> float:
    return 100.0 if measure in PROPORTIONS else 1.0


def group_label(category: str) -> str:
    """A group as a reader names it: "black_or_black_british" -> "Black or black british";
    quintiles, bands and codes starting with a digit as they are ("1", "25-34")."""
    return words(category) if not category[:1].isdigit() else category


def completeness_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    out = []
    for r in rows:
        label = words(str(r["field"]))
        if r.get("group") not in (None, "all"):
            label = f"{label}: {group_label(str(r['group']))}"
        percent, span = figure_cells(r.get("not_recorded_percent"))
        out.append(
            [
                Cell(label),
                shown_cell(r.get("records")),
                shown_cell(r.get("recorded")),
                shown_cell(r.get("not_stated")),
                shown_cell(r.get("not_known")),
                percent,
                span,
                cell(bool(r.get("least_complete"))),
            ]
        )
    return Table(
        id="completeness",
        caption="Data completeness: recorded, not stated and not known, per field",
        columns=(
            "Field",
            "Records",
            "Recorded",
            "Not stated",
            "Not known",
            "Not recorded (%)",
            interval("Not recorded (%)"),
            "Least complete",
        ),
        rows=out,
        notes=("Unknowns can hide an inequality: the least complete fields are marked.",),
    )


def _engagement_row(label: str, row: Mapping[str, Any]) -> list[Cell]:
    figures = row.get("figures") or {}
    cells = [Cell(label), shown_cell(row.get("referrals"))]
    for measure, _ in MEASURES:
        cells.extend(figure_cells(figures.get(measure), _scale(measure)))
    return cells


def engagement_table(answer: Mapping[str, Any]) -> Table:
    by = str(answer["by"])
    heading = BREAKDOWNS.get(by, words(by))
    rows = [_engagement_row(group_label(str(r["category"])), r) for r in answer["rows"]]
    rows.append(_engagement_row("Everyone", answer["total"]))
    columns = [heading, "Referrals"]
    for _, label in MEASURES:
        columns.extend([label, interval(label)])
    return Table(
        id=f"engagement-{by.replace('_', '-')}",
        caption=f"Engagement and outcomes by {heading[:1].lower() + heading[1:]}",
        columns=columns,
        rows=rows,
    )


def inequality_table(answer: Mapping[str, Any]) -> Table:
    rows = []
    for index in answer.get("inequality", []):
        measure = str(index["measure"])
        sii, sii_span = figure_cells(index.get("sii"), _scale(measure))
        rii, rii_span = figure_cells(index.get("rii"), digits=2)
        label = dict(MEASURES).get(measure, words(measure)).replace(" (%)", "")
        rows.append([Cell(label), sii, sii_span, rii, rii_span])
    return Table(
        id="inequality",
        caption="Inequality across IMD quintiles: slope and relative index",
        columns=("Measure", "SII (percentage points)", interval("SII"), "RII", interval("RII")),
        rows=rows,
        notes=(
            "SII: the difference between the most and least deprived ends of the quintiles; "
            "RII: their ratio (PHE method, simulated limits).",
        ),
    )


def representation_table(answer: Mapping[str, Any]) -> Table:
    rows = []
    for r in answer["rows"]:
        share, share_span = figure_cells(r.get("observed_share"), 100)
        ratio, ratio_span = figure_cells(r.get("ratio"), digits=2)
        expected = r.get("expected")
        rows.append(
            [
                Cell(group_label(str(r["category"]))),
                shown_cell(r.get("observed")),
                share,
                share_span,
                cell(round(float(r["reference_share"]) * 100, 1)),
                cell(round(float(expected), 1) if expected is not None else None),
                ratio,
                ratio_span,
                cell(bool(r.get("absent"))),
            ]
        )
    return Table(
        id="representation",
        caption=f"Who is missing: the service's people against the reference population "
        f"(by {words(str(answer['by'])).lower()})",
        columns=(
            "Group",
            "People",
            "Share of the service's people (%)",
            interval("Share of the service's people (%)"),
            "Share of the reference population (%)",
            "Expected people",
            "Observed/expected",
            interval("Observed/expected"),
            "Absent",
        ),
        rows=rows,
    )


def evaluation_table(answer: Mapping[str, Any]) -> Table:
    scale = _scale(str(answer["measure"]))

    def compared(label: str, r: Mapping[str, Any], people: list[Cell]) -> list[Cell]:
        p = (r.get("change") or {}).get("p_value")
        return [
            Cell(label),
            *people,
            *figure_cells(r.get("before"), scale),
            *figure_cells(r.get("after"), scale),
            *figure_cells(r.get("change"), scale),
            p_value_cell(p),
        ]

    rows = [
        compared(
            group_label(str(r["category"])),
            r,
            [shown_cell(r.get("before_people")), shown_cell(r.get("after_people"))],
        )
        for r in answer["rows"]
    ]
    gap = answer.get("gap")
    if gap:  # the focus group's gap to everyone else, before and after
        label = f"Gap: {group_label(str(gap['focus']))} against everyone else"
        rows.append(compared(label, gap, [cell(None), cell(None)]))
    measure = dict(MEASURES).get(str(answer["measure"]), words(str(answer["measure"])))
    return Table(
        id="evaluation",
        caption=f"{measure} before and after the change of "
        f"{long_date(str(answer['intervention']))}, by {words(str(answer['by'])).lower()}",
        columns=(
            "Group",
            "People before",
            "People after",
            "Before",
            interval("Before"),
            "After",
            interval("After"),
            "Change",
            interval("Change"),
            "p-value",
        ),
        rows=rows,
    )


def plan_table(steps: Sequence[Mapping[str, Any]]) -> Table:
    rows = [
        [
            Cell(words(str(s["action"]))),
            Cell(words(str(s["stage"]))),
            Cell(str(s["owner_role"])),
            Cell(long_date(s.get("starts_on"))),
            Cell(long_date(s.get("due_on"))),
            Cell(words(str(s["status"]))),
            Cell(
                " · ".join(
                    words(str(s[k])) for k in ("analysis", "breakdown", "category") if s.get(k)
                )
                or NO_VALUE
            ),
        ]
        for s in steps
    ]
    return Table(
        id="plan",
        caption="The service's action plan",
        columns=("Step", "Stage", "Owner", "Starts", "Due", "Status", "Prompted by"),
        rows=rows,
    )
