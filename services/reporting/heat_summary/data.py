"""The HEAT summary's data function: a project's Health Equity Assessment Tool assessment
(how far each stage went, the dimensions considered, each prompt's answer, the actions with
their owners and due dates, when the review falls due) and, when asked, the audit of HEAT
use and impact across the organisation's projects. All from scoring, with the caller's
token. HEAT has no score: its output is actions and a review (OHID, 2020; revised 2024)."""

import asyncio
import uuid
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from services.reporting.machinery.charts import Chart, alt_text, bar_chart
from services.reporting.machinery.instruments import Definition, latest_definition
from services.reporting.machinery.organisational import (
    assessment_and_view,
    assessment_facts,
    provisional_caveat,
    words,
)
from services.reporting.machinery.report import ReportDocument
from services.reporting.machinery.tables import Cell, Table, cell, long_date
from services.reporting.upstream import Upstream

SCORING = "/api/scoring"
TITLE = "Health Equity Assessment Tool (HEAT) summary"
DIMENSION_SCALE = "considered"  # the scale of HEAT's dimensions (decision 0030)
IMPACT = (("improved", "Improved"), ("no_change", "No change"), ("worse", "Worse"))
AUDIT_USE = (
    ("projects", "Projects and programmes"),
    ("projects_assessed", "Assessed with HEAT (a submitted assessment)"),
    ("assessments_submitted", "Assessments submitted"),
    ("assessments_in_draft", "Assessments in draft"),
)


@dataclass(frozen=True)
class HeatRequest:
    assessment_id: uuid.UUID
    audit: bool


def stages_table(stages: Sequence[Mapping[str, Any]]) -> Table:
    return Table(
        id="stages",
        caption="How far each stage went",
        columns=("Stage", "Prompts answered", "Prompts", "Not yet done", "Completed"),
        rows=[
            [
                Cell(str(s["title"])),
                cell(int(s["answered"])),
                cell(int(s["total"])),
                cell(int(s["not_yet"])),
                cell(bool(s["completed"])),
            ]
            for s in stages
        ],
        notes=("A stage is completed when every prompt is answered and none is not yet done.",),
    )


def _dimension(text: str) -> str:
    """ "Dimension considered: Age" -> "Age"."""
    return text.split(": ", 1)[-1]


def answer_tables(
    definition: Definition, responses: Mapping[str, str], notes: Mapping[str, Any]
) -> tuple[Table, Table]:
    """The dimensions considered, and every other prompt with its answer and evidence."""
    dimensions, prompts = [], []
    for _, stage, items in definition.sections:
        for item_id, text in items:
            answer = definition.answer_label(item_id, responses.get(item_id)) or "not answered"
            if definition.item_scales.get(item_id) == DIMENSION_SCALE:
                dimensions.append([Cell(_dimension(text)), Cell(answer)])
                continue
            evidence = (notes.get(item_id) or {}).get("evidence")
            prompts.append([Cell(text), Cell(stage), Cell(answer), cell(evidence)])
    return (
        Table(
            id="dimensions",
            caption="Dimensions of inequality considered",
            columns=("Dimension", "Considered"),
            rows=dimensions,
        ),
        Table(
            id="prompts",
            caption="Each prompt's answer",
            columns=("Prompt", "Stage", "Answer", "Evidence"),
            rows=prompts,
        ),
    )


def actions_table(actions: Sequence[Mapping[str, Any]]) -> Table:
    return Table(
        id="actions",
        caption="Actions, with their owners and due dates",
        columns=("Action", "Owner", "Due", "Status", "Done on", "Overdue"),
        rows=[
            [
                Cell(str(a["description"])),
                Cell(str(a["owner"])),
                Cell(long_date(a.get("due_on"))),
                Cell(words(a.get("status"))),
                Cell(long_date(a.get("done_on"))),
                cell(bool(a.get("overdue"))),
            ]
            for a in actions
        ],
    )


def audit_tables(
    audit: Mapping[str, Any], heat: Definition, audit_definition: Definition
) -> list[Table]:
    reviews, actions = audit.get("reviews") or {}, audit.get("actions") or {}
    use = [
        *((label, audit.get(key)) for key, label in AUDIT_USE),
        ("Reviews done", reviews.get("done")),
        ("Reviews due", reviews.get("due")),
        ("Reviews overdue", reviews.get("overdue")),
        ("Actions taken", actions.get("taken")),
        ("Actions done", actions.get("done")),
        ("Actions open", actions.get("open")),
        ("Actions overdue", actions.get("overdue")),
    ]
    completed = audit.get("stages_completed") or {}
    impact = audit.get("impact_by_group") or {}
    return [
        Table(
            id="audit-use",
            caption="Use of HEAT across the organisation's projects",
            columns=("Measure", "Number"),
            rows=[[Cell(label), cell(value)] for label, value in use],
        ),
        Table(
            id="audit-stages",
            caption="Projects whose latest assessment completed each stage",
            columns=("Stage", "Projects"),
            rows=[
                [Cell(title), cell(int(completed.get(stage_id, 0)))]
                for stage_id, title, _ in heat.sections
            ],
        ),
        Table(
            id="audit-impact",
            caption="Impact reported by group (each project's latest audit return)",
            columns=("Group", *(label for _, label in IMPACT), "Not measured"),
            rows=[
                [
                    Cell(_dimension(audit_definition.item_text(item_id))),
                    *(cell(int(counts.get(code, 0))) for code, _ in IMPACT),
                    cell(int(counts.get("not_measured", 0))),
                ]
                for item_id, counts in impact.items()
            ],
        ),
    ]


def _review_due(assessment: Mapping[str, Any]) -> str:
    due = assessment.get("review_due_on")
    if not due:
        return "not set"
    passed = date.fromisoformat(str(due)) < datetime.now(UTC).date()
    return long_date(str(due)) + (" (passed)" if passed else "")


async def build(upstream: Upstream, request: HeatRequest) -> ReportDocument:
    stages, assessment, definition = await assessment_and_view(
        upstream, request.assessment_id, "stages"
    )
    organisation = str(assessment["organisation_code"])
    asks: list[Awaitable[Any]] = [
        upstream.get("scoring", f"{SCORING}/projects/{assessment['project_id']}"),
        upstream.every_item("scoring", f"{SCORING}/organisations/{organisation}/actions"),
    ]
    if request.audit:
        asks.append(upstream.get("scoring", f"{SCORING}/organisations/{organisation}/heat-audit"))
        asks.append(latest_definition(upstream, "heat-audit", "standard"))
    project, every_action, *audit = await asyncio.gather(*asks)
    mine = [a for a in every_action if a.get("assessment_id") == str(request.assessment_id)]
    dimensions, prompts = answer_tables(
        definition, assessment["responses"], assessment.get("item_notes") or {}
    )
    tables = [stages_table(stages), dimensions, prompts, actions_table(mine)]
    charts: dict[str, Chart] = {
        "stages": bar_chart(
            tables[0],
            ["Prompts answered", "Not yet done"],
            title="Prompts answered and not yet done, by stage",
            alt=alt_text(
                tables[0],
                ["Prompts answered", "Prompts", "Not yet done"],
                "prompts answered and not yet done in each stage",
            ),
        )
    }
    caveats = [
        "HEAT gives no score: what it yields is the actions and the review 6 to 12 months on. "
        "Counts of prompts say how far the assessment went, not how equitable the programme is.",
        *provisional_caveat(definition),
    ]
    if audit:
        audit_answer, audit_definition = audit
        caveats.extend(provisional_caveat(audit_definition))
        found = audit_tables(audit_answer, definition, audit_definition)
        tables.extend(found)
        impact = found[-1]
        charts["impact"] = bar_chart(
            impact,
            [label for _, label in IMPACT],
            title="Impact reported by group: projects",
            alt=alt_text(
                impact,
                [label for _, label in IMPACT],
                "how many projects reported each impact, by group",
            ),
        )
    on = str(assessment["assessed_on"])
    facts = [
        ("Project", f"{project['name']} ({project['kind']})"),
        *assessment_facts(assessment, definition),
        ("Episode", words(assessment.get("episode_type")) or "not given"),
        ("Review due", _review_due(assessment)),
    ]
    return ReportDocument(
        title=TITLE,
        running_header=f"{organisation} · HEAT: {project['name']} · assessed {long_date(on)}",
        filename=f"heat-summary-{organisation}-{on}",
        tables=tables,
        charts=list(charts.values()),
        context={
            "facts": facts,
            "tables": {t.id: t for t in tables},
            "charts": charts,
            "audit": bool(audit),
            "organisation": organisation,
            "handling": "OFFICIAL",
        },
        caveats=caveats,
    )
