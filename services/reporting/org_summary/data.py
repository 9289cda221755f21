"""The HEF summary's data function: aggregation's disclosure-controlled figures, read with
the caller's own token (aggregation decides what they may read and hides small numbers;
reporting shows a hidden figure as suppressed, never works one out)."""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import httpx

from services.reporting.machinery.charts import Chart, bar_chart
from services.reporting.machinery.instruments import Definition, latest_definition
from services.reporting.machinery.report import ReportDocument
from services.reporting.machinery.tables import (
    NO_VALUE,
    Cell,
    Table,
    cell,
    suppressed,
    withheld,
)
from services.reporting.upstream import Upstream

AGGREGATION = "/api/aggregation"
INSTRUMENT, VARIANT = "hef", "standard"
Level = Literal["team", "trust", "icb", "region"]
Params = list[tuple[str, str | int | float | bool | None]]
BREAKDOWNS = (
    ("imd_quintile", "IMD quintile (1 = most deprived)"),
    ("ethnic_group", "Ethnic group"),
    ("age_band", "Age band"),
    ("sex", "Sex"),
)


@dataclass(frozen=True)
class SummaryRequest:
    """``year``: the NHS financial year starting 1 April of that year."""

    organisation: str | None
    level: Level | None
    year: int


def financial_year(year: int) -> tuple[date, date, str]:
    return date(year, 4, 1), date(year + 1, 3, 31), f"{year}/{str(year + 1)[2:]}"


def current_financial_year(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1


def count_cell(count: Mapping[str, Any] | None) -> Cell:
    if not count:
        return cell(None)
    if count.get("suppressed"):
        return suppressed(str(count.get("reason") or "small number"))
    return cell(count.get("value"))


def interval_cells(interval: Mapping[str, Any] | None, digits: int = 1) -> tuple[Cell, Cell]:
    """The figure and its interval ("55.1 to 60.9"); withheld figures say why."""
    if not interval or interval.get("value") is None:
        reason = (interval or {}).get("withheld")
        if reason:
            return withheld(str(reason)), Cell(NO_VALUE)
        return cell(None), cell(None)
    value = round(float(interval["value"]), digits)
    lower, upper = interval.get("lower"), interval.get("upper")
    span = (
        f"{float(lower):.{digits}f} to {float(upper):.{digits}f}"
        if lower is not None and upper is not None
        else NO_VALUE
    )
    return Cell(f"{value:.{digits}f}", value), Cell(span)


def lower_first(text: str) -> str:
    """ "Ethnic group" -> "ethnic group"; "IMD quintile" stays."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def unit_name(unit: Mapping[str, Any]) -> str:
    return str(unit.get("name") or unit.get("code") or "Not placed in the hierarchy")


class Fetched:
    """The answers behind one summary, and what they say about suppression and caveats."""

    def __init__(self) -> None:
        self.caveats: list[str] = []
        self.hidden = 0
        self.rules: set[str] = set()

    def take(self, answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        for caveat in answer.get("caveats", []):
            if caveat not in self.caveats:
                self.caveats.append(str(caveat))
        rule = answer.get("suppression") or {}
        self.hidden += int(rule.get("primary", 0)) + int(rule.get("secondary", 0))
        if rule.get("rule"):
            self.rules.add(f"{rule['rule']} {rule.get('rounding', '')}".strip())
        return list(answer.get("rows", []))


def _base_params(request: SummaryRequest) -> Params:
    start, end, _ = financial_year(request.year)
    base: Params = [
        ("instrument", INSTRUMENT),
        ("from", start.isoformat()),
        ("to", end.isoformat()),
    ]
    if request.organisation:
        base.append(("organisation", request.organisation))
    if request.level:
        base.append(("level", request.level))
    return base


async def check(upstream: Upstream, request: SummaryRequest) -> None:
    """Refused as the summary would be (aggregation decides)."""
    params = [*_base_params(request), ("period", "financial_year")]
    await upstream.get("aggregation", f"{AGGREGATION}/summary", httpx.QueryParams(params))


async def fetch_summary(
    upstream: Upstream, request: SummaryRequest
) -> tuple[dict[str, list[Mapping[str, Any]]], Fetched, Definition]:
    base = _base_params(request)
    year = [*base, ("period", "financial_year")]
    asks: dict[str, tuple[str, Params]] = {
        "quarters": ("summary", [*base, ("period", "quarter")]),
        "year": ("summary", year),
        "determinants": ("summary", [*year, ("by", "determinant"), ("variant", VARIANT)]),
        "change": ("change", year),
        **{name: ("summary", [*year, ("by", name)]) for name, _ in BREAKDOWNS},
    }
    answers = await asyncio.gather(
        *(
            upstream.get("aggregation", f"{AGGREGATION}/{metric}", httpx.QueryParams(params))
            for metric, params in asks.values()
        ),
        latest_definition(upstream, INSTRUMENT, VARIANT),
    )
    fetched = Fetched()
    rows = {name: fetched.take(answer) for name, answer in zip(asks, answers[:-1], strict=True)}
    definition: Definition = answers[-1]
    return rows, fetched, definition


def _label(row: Mapping[str, Any], text: str, several_units: bool) -> Cell:
    return Cell(f"{unit_name(row['unit'])}: {text}" if several_units else text)


def _units(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return sorted({unit_name(r["unit"]) for r in rows})


def _in_unit_order(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Units in name order (never by their figures: this is not a league table)."""
    return sorted(rows, key=lambda r: unit_name(r["unit"]))


def headline_table(rows: Sequence[Mapping[str, Any]], change: Sequence[Mapping[str, Any]]) -> Table:
    changes = {unit_name(r["unit"]): r for r in change}
    out = []
    for r in _in_unit_order(rows):
        mean, span = interval_cells(r.get("mean_score"))
        c = changes.get(unit_name(r["unit"]), {})
        improved, _ = interval_cells(c.get("improved"))
        out.append(
            [
                Cell(unit_name(r["unit"])),
                count_cell(r.get("people")),
                count_cell(r.get("assessments")),
                mean,
                span,
                count_cell(c.get("paired")),
                improved,
            ]
        )
    return Table(
        id="headline",
        caption="People, assessments and change in the year",
        columns=(
            "Unit",
            "People",
            "Assessments",
            "Mean total score",
            "95% interval",
            "People assessed twice or more",
            "Improved (%)",
        ),
        rows=out,
        notes=("Units are in name order, not ranked.",),
    )


def quarters_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    several = len(_units(rows)) > 1
    out = []
    for r in sorted(rows, key=lambda r: (unit_name(r["unit"]), r["period"]["start"])):
        mean, span = interval_cells(r.get("mean_score"))
        out.append(
            [
                _label(r, str(r["period"]["label"]), several),
                count_cell(r.get("people")),
                count_cell(r.get("assessments")),
                mean,
                span,
            ]
        )
    return Table(
        id="quarters",
        caption="People and assessments by quarter",
        columns=("Quarter", "People", "Assessments", "Mean total score", "95% interval"),
        rows=out,
    )


def determinants_table(rows: Sequence[Mapping[str, Any]], definition: Definition) -> Table:
    bands = ["none", "low", "moderate", "high"]
    several = len(_units(rows)) > 1
    order = {section_id: i for i, (section_id, _, _) in enumerate(definition.sections)}
    out = []
    for r in sorted(
        rows,
        key=lambda r: (unit_name(r["unit"]), order.get(r["breakdown"].get("determinant"), 99)),
    ):
        by_band = {b["band"]: b for b in r.get("bands", [])}
        figures = [interval_cells(by_band.get(b, {}).get("percent"))[0] for b in bands]
        title = definition.section_title(str(r["breakdown"].get("determinant")))
        out.append([_label(r, title, several), count_cell(r.get("assessments")), *figures])
    return Table(
        id="determinants",
        caption="Impact by determinant: per cent of assessments at each level",
        columns=(
            "Determinant",
            "Assessments",
            *(f"{definition.options.get(b, b)} (%)" for b in bands),
        ),
        rows=out,
    )


def change_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    out = []
    for r in _in_unit_order(rows):
        mean, span = interval_cells(r.get("mean_change"))
        out.append(
            [
                Cell(unit_name(r["unit"])),
                count_cell(r.get("paired")),
                count_cell(r.get("not_followed_up")),
                mean,
                span,
                interval_cells(r.get("improved"))[0],
                interval_cells(r.get("unchanged"))[0],
                interval_cells(r.get("worse"))[0],
            ]
        )
    return Table(
        id="change",
        caption="Change from each person's first to latest assessment in the year",
        columns=(
            "Unit",
            "People assessed twice or more",
            "One assessment only",
            "Mean change",
            "95% interval",
            "Improved (%)",
            "Unchanged (%)",
            "Worse (%)",
        ),
        rows=out,
        notes=("Lower is better: a negative mean change is less impact.",),
    )


def breakdown_table(name: str, caption: str, rows: Sequence[Mapping[str, Any]]) -> Table:
    several = len(_units(rows)) > 1
    out = []
    for r in sorted(rows, key=lambda r: (unit_name(r["unit"]), str(r["breakdown"].get(name)))):
        mean, span = interval_cells(r.get("mean_score"))
        label = str(r["breakdown"].get(name, "")).replace("_", " ")
        out.append(
            [
                _label(r, label, several),
                count_cell(r.get("people")),
                count_cell(r.get("assessments")),
                mean,
                span,
            ]
        )
    return Table(
        id=name.replace("_", "-"),
        caption=f"By {lower_first(caption)}",
        columns=(caption, "People", "Assessments", "Mean total score", "95% interval"),
        rows=out,
    )


def _alt(table: Table, column: str, what: str) -> str:
    parts = [
        f"{row[0].text} {c.shown}" for row, c in zip(table.rows, table.column(column), strict=True)
    ]
    return f"Bar chart of {what}: " + ("; ".join(parts) if parts else "no figures") + "."


def summary_charts(tables: Mapping[str, Table]) -> dict[str, Chart]:
    charts = {
        "quarters": bar_chart(
            tables["quarters"],
            ["People", "Assessments"],
            title="People and assessments by quarter",
            alt=_alt(tables["quarters"], "Assessments", "assessments by quarter"),
        ),
        "determinants": bar_chart(
            tables["determinants"],
            [c for c in tables["determinants"].columns[2:]],
            title="Per cent of assessments at each impact level, by determinant",
            alt=_alt(
                tables["determinants"],
                tables["determinants"].columns[-1],
                "the per cent of assessments at high impact by determinant",
            ),
            maximum=100,
        ),
    }
    for name, caption in BREAKDOWNS:
        table = tables[name]
        charts[name] = bar_chart(
            table,
            ["Mean total score"],
            title=f"Mean total score by {lower_first(caption)}",
            alt=_alt(table, "Mean total score", f"the mean total score by {caption.lower()}"),
        )
    return charts


async def build(upstream: Upstream, request: SummaryRequest) -> ReportDocument:
    rows, fetched, definition = await fetch_summary(upstream, request)
    _, _, year_label = financial_year(request.year)
    units = _units(rows["year"]) or [request.organisation or "Your organisation"]
    tables: dict[str, Table] = {
        "headline": headline_table(rows["year"], rows["change"]),
        "quarters": quarters_table(rows["quarters"]),
        "determinants": determinants_table(rows["determinants"], definition),
        "change": change_table(rows["change"]),
        **{name: breakdown_table(name, caption, rows[name]) for name, caption in BREAKDOWNS},
    }
    charts = summary_charts(tables)
    who = ", ".join(units)
    caveats = [
        *fetched.caveats,
        f"{fetched.hidden} figures are shown as suppressed: small numbers are hidden, and "
        "others hidden so that a small one cannot be worked out "
        f"({'; '.join(sorted(fetched.rules)) or 'disclosure control'}).",
    ]
    return ReportDocument(
        title=f"HEF summary {year_label}",
        running_header=f"{who} · HEF summary {year_label} · aggregated figures, no personal data",
        filename=f"hef-summary-{year_label.replace('/', '-')}",
        tables=list(tables.values()),
        charts=list(charts.values()),
        context={
            "tables": tables,
            "charts": charts,
            "breakdowns": [name for name, _ in BREAKDOWNS],
            "units": units,
            "year": year_label,
            "handling": "OFFICIAL",
        },
        caveats=caveats,
    )
