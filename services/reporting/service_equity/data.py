"""The service equity report's data function: aggregation's disclosure-controlled analyses of
one activity dataset, read with the caller's own token (aggregation decides who may read the
dataset and hides small numbers; a hidden count is shown as suppressed and a figure resting
on one as withheld, never worked out). The summary always; the representation against a
reference population and the evaluation of a change when asked; the action plan."""

import asyncio
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from services.reporting.machinery.charts import Chart, alt_text, bar_chart
from services.reporting.machinery.organisational import words
from services.reporting.machinery.report import ReportDocument
from services.reporting.machinery.tables import Table, long_date
from services.reporting.service_equity.tables import (
    BREAKDOWNS,
    completeness_table,
    engagement_table,
    evaluation_table,
    inequality_table,
    plan_table,
    representation_table,
)
from services.reporting.upstream import Upstream

EQUITY = "/api/aggregation/equity/datasets"
TITLE = "Service equity report"
Params = list[tuple[str, str | int | float | bool | None]]


@dataclass(frozen=True)
class EquityRequest:
    dataset_id: int
    start: date | None
    end: date | None
    clinical_area: str | None
    reference: int | None
    intervention: date | None
    measure: str
    by: str
    focus: str | None

    def window(self) -> Params:
        found: Params = []
        if self.start:
            found.append(("from", self.start.isoformat()))
        if self.end:
            found.append(("to", self.end.isoformat()))
        if self.clinical_area:
            found.append(("clinical_area", self.clinical_area))
        return found

    def evaluation(self, intervention: date) -> Params:
        """The evaluation over the same referrals: the baseline from ``from``, the after
        period to ``to``."""
        asked: Params = [
            ("intervention", intervention.isoformat()),
            ("measure", self.measure),
            ("by", self.by),
        ]
        if self.start:
            asked.append(("baseline_from", self.start.isoformat()))
        if self.end:
            asked.append(("after_to", self.end.isoformat()))
        if self.focus:
            asked.append(("focus", self.focus))
        if self.clinical_area:
            asked.append(("clinical_area", self.clinical_area))
        return asked


def _charts(tables: Mapping[str, Table]) -> dict[str, Chart]:
    completeness = tables["completeness"]
    dna = tables["engagement-imd-quintile"]
    return {
        "completeness": bar_chart(
            completeness,
            ["Not recorded (%)"],
            title="Per cent of records with the field not recorded",
            alt=alt_text(completeness, ["Not recorded (%)"], "the per cent not recorded, by field"),
            maximum=100,
        ),
        "dna": bar_chart(
            dna,
            ["DNA (%)"],
            title="Appointments missed (DNA, %) by IMD quintile",
            alt=alt_text(dna, ["DNA (%)"], "the per cent of appointments missed by IMD quintile"),
        ),
    }


async def build(upstream: Upstream, request: EquityRequest) -> ReportDocument:
    base = f"{EQUITY}/{request.dataset_id}"
    # The summary first: the caller is refused exactly as aggregation refuses it.
    summary = await upstream.get(
        "aggregation", f"{base}/summary", httpx.QueryParams(request.window())
    )
    asks: dict[str, Awaitable[Any]] = {
        "dataset": upstream.get("aggregation", base),
        # The whole action plan, a page (at most 200 steps) at a time.
        "steps": upstream.every_item("aggregation", f"{base}/steps", page_size=200),
    }
    if request.reference is not None:
        asks["representation"] = upstream.get(
            "aggregation",
            f"{base}/representation",
            httpx.QueryParams([*request.window(), ("reference", str(request.reference))]),
        )
    if request.intervention is not None:
        asks["evaluation"] = upstream.get(
            "aggregation",
            f"{base}/evaluation",
            httpx.QueryParams(request.evaluation(request.intervention)),
        )
    answers = dict(zip(asks, await asyncio.gather(*asks.values()), strict=True))
    engagement = {str(e["by"]): e for e in summary["engagement"]}
    tables: dict[str, Table] = {"completeness": completeness_table(summary["completeness"])}
    for by in BREAKDOWNS:
        if by in engagement:
            table = engagement_table(engagement[by])
            tables[table.id] = table
    tables["inequality"] = inequality_table(engagement.get("imd_quintile", {}))
    caveats = list(summary.get("caveats", []))
    gap = None
    if "representation" in answers:
        tables["representation"] = representation_table(answers["representation"])
        caveats.extend(c for c in answers["representation"]["caveats"] if c not in caveats)
    if "evaluation" in answers:
        tables["evaluation"] = evaluation_table(answers["evaluation"])
        caveats.extend(c for c in answers["evaluation"]["caveats"] if c not in caveats)
        gap = answers["evaluation"].get("gap")
    tables["plan"] = plan_table(answers["steps"])
    dataset = answers["dataset"]
    charts = _charts(tables)
    return ReportDocument(
        title=TITLE,
        running_header=f"{dataset['unit_code']} · {dataset['title']} · aggregated figures, "
        "no personal data",
        filename=f"service-equity-{dataset['unit_code']}-{request.dataset_id}",
        tables=list(tables.values()),
        charts=list(charts.values()),
        context={
            "facts": [
                ("Service", str(dataset["unit_code"])),
                ("Dataset", str(dataset["title"])),
                ("Referrals", period_words(request.start, request.end)),
                ("Clinical area", words(request.clinical_area) or "all"),
                ("Records", _records(dataset.get("records"))),
            ],
            "tables": tables,
            "charts": charts,
            "breakdowns": [t for t in tables if t.startswith("engagement-")],
            "gap": gap,
            "method": summary.get("method") or {},
            "handling": "OFFICIAL",
        },
        caveats=caveats,
    )


def period_words(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{long_date(start.isoformat())} to {long_date(end.isoformat())}"
    if start:
        return f"from {long_date(start.isoformat())}"
    if end:
        return f"up to {long_date(end.isoformat())}"
    return "every referral in the dataset"


def _records(records: int | None) -> str:
    return f"{records:,} (rounded to 5)" if records is not None else "suppressed (fewer than 8)"
