"""The board, HEAT and service equity reports' tables from hand-built answers: what
aggregation hides stays hidden, proportions become per cents, ratings are words, and a
chart's alternative text carries every figure."""

from services.reporting.assurance_scorecard.data import grid_table, roll_up_row
from services.reporting.board_self_assessment.data import (
    PrivateRequest,
    domains_table,
    regeneration_link,
)
from services.reporting.machinery.charts import alt_text
from services.reporting.machinery.instruments import Definition
from services.reporting.machinery.tables import NO_VALUE, to_csv
from services.reporting.service_equity.tables import (
    engagement_table,
    evaluation_table,
    figure_cells,
    shown_cell,
)

HIDDEN = {"value": None, "reason": "fewer than 8"}


def test_a_hidden_count_is_suppressed_and_a_figure_on_it_withheld() -> None:
    assert shown_cell(HIDDEN).text == "suppressed"
    assert shown_cell(HIDDEN).suppressed == "fewer than 8"
    assert shown_cell({"value": 0, "reason": None}).value == 0
    figure, span = figure_cells({"value": None, "withheld": "withheld: count hidden"}, 100)
    assert (figure.text, figure.suppressed, span.text) == (
        "withheld",
        "withheld: count hidden",
        NO_VALUE,
    )
    shown, interval = figure_cells({"value": 0.2, "lower": 0.163, "upper": 0.243}, 100)
    assert (shown.value, interval.text) == (20.0, "16.3 to 24.3")


def _row(category: str, referrals: dict[str, object], dna: float | None) -> dict[str, object]:
    figure = {"value": dna, "lower": dna, "upper": dna, "withheld": None if dna else "hidden"}
    return {"category": category, "referrals": referrals, "figures": {"dna": figure}}


def test_engagement_keeps_aggregations_suppression_in_the_csv() -> None:
    table = engagement_table(
        {
            "by": "sex",
            "rows": [
                _row("female", {"value": 100, "reason": None}, 0.2),
                _row("other", HIDDEN, None),
            ],
            "total": _row("all", {"value": 105, "reason": None}, 0.19),
        }
    )
    assert table.id == "engagement-sex"
    lines = to_csv(table).splitlines()
    assert lines[0].startswith("Sex,Referrals,Opt-in (%),Opt-in: 95% interval,DNA (%),")
    assert lines[1].startswith("Female,100,,,20,20.0 to 20.0,")
    assert lines[2].startswith("Other,suppressed,,,withheld,,")
    assert lines[3].startswith("Everyone,105,,,19,")
    assert len(set(table.columns)) == len(table.columns)  # each CSV heading different


def test_evaluation_adds_the_gap_row() -> None:
    change = {"value": -0.2, "lower": -0.3, "upper": -0.1, "p_value": 0.0001, "withheld": None}
    side = {"value": 0.3, "lower": 0.25, "upper": 0.35, "withheld": None}
    table = evaluation_table(
        {
            "measure": "dna",
            "by": "imd_quintile",
            "intervention": "2025-06-01",
            "rows": [
                {"category": "1", "before_people": {"value": 50}, "after_people": HIDDEN,
                 "before": side, "after": side, "change": change},
            ],
            "gap": {"focus": "1", "before": side, "after": side, "change": change},
        }
    )  # fmt: skip
    assert table.caption == "DNA (%) before and after the change of 1 June 2025, by imd quintile"
    lines = to_csv(table).splitlines()
    # An interval starting with a minus sign is quoted, as any cell a spreadsheet would run.
    assert lines[1] == "1,50,suppressed,30,25.0 to 35.0,30,25.0 to 35.0,-20,'-30.0 to -10.0,0.0001"
    assert table.rows[0][-1].text == "< 0.001"
    assert lines[2].startswith("Gap: 1 against everyone else,,,30,")


def _rating(label: str) -> dict[str, str]:
    return {"code": label.lower().replace(" ", "_"), "label": label}


def test_the_scorecard_grid_is_in_words_with_each_roll_up() -> None:
    card = {
        "rows": [{"code": "k1", "label": "K1 Leadership", "rating": _rating("Partly assured")}],
        "columns": [
            {"code": "p1", "label": "P1 Restore", "rating": _rating("Assured")},
            {"code": "p2", "label": "P2 Digital", "rating": None},
        ],
        "overall": {"rating": _rating("Partly assured"), "counts": {"assured": 1}},
        "cells": [
            {"row": "k1", "column": "p1", "rating": _rating("Assured")},
            {"row": "k1", "column": "p2", "rating": None},
        ],
    }
    lines = to_csv(grid_table(card)).splitlines()
    assert lines == [
        "Key line of enquiry,P1 Restore,P2 Digital,Roll-up",
        "K1 Leadership,Assured,Not rated yet,Partly assured",
        "Each priority's roll-up,Assured,,Partly assured",
    ]
    row = roll_up_row({"rating": None, "counts": {"not_assessed": 2}}, "K8", 5)
    assert [c.text for c in row] == ["K8", NO_VALUE, "0", "0", "0", "2", "3"]


def test_domains_and_the_link() -> None:
    results = {
        "domains": [
            {"title": "Data", "score": 25.0, "answered": 7, "total": 7,
             "maturity_level": {"code": "emerging", "label": "Emerging"}},
            {"title": "Capacity", "score": None, "answered": 0, "total": 6,
             "maturity_level": None},
        ],
        "overall": {"title": "Overall", "score": 13.5, "answered": 7, "total": 13,
                    "maturity_level": {"code": "emerging", "label": "Emerging"}},
    }  # fmt: skip
    table = domains_table(results)
    assert to_csv(table).splitlines()[1:] == [
        "Data,25,Emerging,7,7",
        "Capacity,,no level (nothing answered),0,6",
        "Overall,13.5,Emerging,7,13",
    ]
    alt = alt_text(table, ["Score (% of maximum)"], "scores")
    assert alt == (
        "Bar chart of scores. Data: Score (% of maximum) 25; Capacity: Score (% of maximum) "
        f"{NO_VALUE}; Overall: Score (% of maximum) 13.5."
    )
    assert regeneration_link("https://equitas.example.nhs.uk/", "AbC_-9") == (
        "https://equitas.example.nhs.uk/board/private#code=AbC_-9"
    )
    private = PrivateRequest(responses={"ph_team": "embedded"}, code=None, site="x")
    assert "embedded" not in repr(private)


def test_an_answer_reads_on_its_own_items_scale() -> None:
    definition = Definition(
        {
            "response_scales": [
                {"id": "done", "options": [{"code": "no", "label": "Not yet"}]},
                {"id": "yes_no", "options": [{"code": "no", "label": "No"}]},
            ],
            "sections": [
                {"id": "s", "items": [{"id": "a", "scale": "done"}, {"id": "b", "scale": "yes_no"}]}
            ],
        }
    )
    assert definition.answer_label("a", "no") == "Not yet"
    assert definition.answer_label("b", "no") == "No"
    assert definition.answer_label("b", None) is None
