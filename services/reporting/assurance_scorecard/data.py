"""The board assurance scorecard's data function: scoring's scorecard of a stored assessment
(read with the caller's token), laid out so the 40 cells can be seen at a glance, each
rating in words (never by colour alone), with the roll-ups scoring computed: by key line of
enquiry, by national priority and overall. Reporting rates nothing itself."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.reporting.machinery.charts import alt_text, bar_chart
from services.reporting.machinery.organisational import (
    assessment_and_view,
    assessment_facts,
    provisional_caveat,
)
from services.reporting.machinery.report import ReportDocument
from services.reporting.machinery.tables import NO_VALUE, Cell, Table, cell, long_date
from services.reporting.upstream import Upstream

TITLE = "Board assurance scorecard on health inequalities"
# The scale's ratings, best first, as scoring counts them.
RATINGS = (
    ("assured", "Assured"),
    ("partly_assured", "Partly assured"),
    ("not_assured", "Not assured"),
    ("not_assessed", "Not assessed"),
)
NOT_RATED = "Not rated yet"


@dataclass(frozen=True)
class ScorecardRequest:
    assessment_id: uuid.UUID


def rating_words(rating: Mapping[str, Any] | None, none: str) -> str:
    return str(rating["label"]) if rating else none


def grid_table(card: Mapping[str, Any]) -> Table:
    """Key lines of enquiry down, priorities across, each cell's rating in words, and each
    row's roll-up at the end."""
    columns = list(card["columns"])
    by_cell = {(c["row"], c["column"]): c for c in card["cells"]}
    rows = []
    for r in card["rows"]:
        ratings = [
            Cell(
                rating_words((by_cell.get((r["code"], col["code"])) or {}).get("rating"), NOT_RATED)
            )
            for col in columns
        ]
        rows.append([Cell(str(r["label"])), *ratings, Cell(rating_words(r["rating"], NO_VALUE))])
    overall = card["overall"]
    rows.append(
        [
            Cell("Each priority's roll-up"),
            *(Cell(rating_words(col["rating"], NO_VALUE)) for col in columns),
            Cell(rating_words(overall["rating"], NO_VALUE)),
        ]
    )
    return Table(
        id="scorecard",
        caption="The scorecard at a glance: each cell's rating",
        columns=("Key line of enquiry", *(str(c["label"]) for c in columns), "Roll-up"),
        rows=rows,
        notes=(
            "A roll-up is the lowest rating among the assessed cells it covers (assured only "
            "when every assessed cell is); cells not assessed are left out of it. A dash: "
            "no cell of it was assessed.",
        ),
    )


def roll_up_row(roll_up: Mapping[str, Any], label: str, cells: int) -> list[Cell]:
    """A roll-up's rating and the count of each rating; cells not yet rated are the rest of
    the ``cells`` it covers."""
    counts = roll_up.get("counts") or {}
    counted = [int(counts.get(code, 0)) for code, _ in RATINGS]
    return [
        Cell(label),
        Cell(rating_words(roll_up.get("rating"), NO_VALUE)),
        *(cell(n) for n in counted),
        cell(max(cells - sum(counted), 0)),
    ]


def roll_up_table(table_id: str, caption: str, heading: str, rows: list[list[Cell]]) -> Table:
    return Table(
        id=table_id,
        caption=caption,
        columns=(heading, "Roll-up", *(label for _, label in RATINGS), NOT_RATED),
        rows=rows,
    )


def cells_table(card: Mapping[str, Any]) -> Table:
    rows = [
        [
            Cell(f"{str(c['row']).upper()} {str(c['column']).upper()}"),
            Cell(str(c["prompt"])),
            Cell(rating_words(c.get("rating"), NOT_RATED)),
            cell(c.get("evidence")),
            cell(c.get("action")),
        ]
        for c in card["cells"]
    ]
    return Table(
        id="cells",
        caption="Each cell: its prompt, rating, evidence and action",
        columns=("Cell", "Prompt", "Rating", "Evidence", "Action"),
        rows=rows,
    )


async def build(upstream: Upstream, request: ScorecardRequest) -> ReportDocument:
    card, assessment, definition = await assessment_and_view(
        upstream, request.assessment_id, "scorecard"
    )
    per_row = len(card["columns"])
    per_column = len(card["rows"])
    overall = card["overall"]
    grid = grid_table(card)
    kloes = roll_up_table(
        "by-kloe",
        "Roll-up by key line of enquiry",
        "Key line of enquiry",
        [
            *(roll_up_row(r, str(r["label"]), per_row) for r in card["rows"]),
            roll_up_row(overall, "All cells", per_row * per_column),
        ],
    )
    priorities = roll_up_table(
        "by-priority",
        "Roll-up by national priority",
        "National priority",
        [roll_up_row(c, str(c["label"]), per_column) for c in card["columns"]],
    )
    series = [label for _, label in RATINGS]
    chart = bar_chart(
        priorities,
        series,
        title="Cells by rating, for each national priority",
        alt=alt_text(
            priorities,
            ["Roll-up", *series],
            "how many cells have each rating, by national priority",
        ),
        maximum=per_column,
    )
    organisation = str(assessment["organisation_code"])
    on = str(assessment["assessed_on"])
    tables = [grid, kloes, priorities, cells_table(card)]
    return ReportDocument(
        title=TITLE,
        running_header=f"{organisation} · board assurance scorecard of {long_date(on)}",
        filename=f"board-assurance-scorecard-{organisation}-{on}",
        tables=tables,
        charts=[chart],
        context={
            "facts": [
                *assessment_facts(assessment, definition),
                ("Overall", rating_words(overall.get("rating"), "no cell assessed")),
            ],
            "tables": {t.id: t for t in tables},
            "chart": chart,
            "handling": "OFFICIAL",
        },
        caveats=[
            "Ratings are the board's own, on the evidence it has seen; they are for the "
            "board's assurance, not a comparison between trusts.",
            *provisional_caveat(definition),
        ],
    )
