"""The scorecard's roll-ups on a hand-built case: a row, column or the whole grid rolls up to
its lowest assessed rating, with the count of each rating; "not assessed" is left out of the
roll-up and counted."""

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.organisational.scorecard import RollUp, scorecard


def _answers() -> dict[str, str]:
    answers = {f"k{k}_p{p}": "not_assessed" for k in range(1, 9) for p in range(1, 6)}
    answers |= {
        "k1_p1": "assured", "k1_p2": "assured", "k1_p3": "partly_assured",
        "k1_p4": "not_assessed", "k1_p5": "assured",
        "k2_p1": "assured", "k2_p2": "assured", "k2_p3": "assured", "k2_p4": "assured",
        "k2_p5": "assured",
        "k3_p1": "not_assured", "k3_p2": "assured", "k3_p3": "assured", "k3_p4": "assured",
        "k3_p5": "assured",
    }  # fmt: skip
    return answers


def _rating(roll_up: RollUp) -> str | None:
    return roll_up.rating.code if roll_up.rating else None


def test_forty_cells_eight_rows_five_columns(assurance: InstrumentDefinition) -> None:
    card = scorecard(assurance, {}, {})
    assert len(card.cells) == 40
    assert [r.code for r in card.rows] == [f"k{k}" for k in range(1, 9)]
    assert [c.code for c in card.columns] == [f"p{p}" for p in range(1, 6)]
    assert all(cell.prompt and cell.rating is None for cell in card.cells)


def test_hand_built_roll_ups(assurance: InstrumentDefinition) -> None:
    notes = {"k3_p1": {"evidence": "WRES report, May", "action": "Ask for the EDS return"}}
    card = scorecard(assurance, _answers(), notes)
    rows = {r.code: r for r in card.rows}
    assert _rating(rows["k1"]) == "partly_assured"
    assert rows["k1"].counts == {
        "assured": 3, "partly_assured": 1, "not_assured": 0, "not_assessed": 1,
    }  # fmt: skip
    assert _rating(rows["k2"]) == "assured"
    assert _rating(rows["k3"]) == "not_assured"
    assert rows["k3"].rating is not None
    assert rows["k3"].rating.colour == "red"
    assert _rating(rows["k4"]) is None  # nothing assessed
    assert rows["k4"].counts["not_assessed"] == 5
    columns = {c.code: c for c in card.columns}
    assert _rating(columns["p1"]) == "not_assured"
    assert columns["p1"].counts == {
        "assured": 2, "partly_assured": 0, "not_assured": 1, "not_assessed": 5,
    }  # fmt: skip
    assert _rating(columns["p3"]) == "partly_assured"
    assert _rating(columns["p4"]) == "assured"
    assert _rating(card.overall) == "not_assured"
    assert card.overall.counts == {
        "assured": 12, "partly_assured": 1, "not_assured": 1, "not_assessed": 26,
    }  # fmt: skip
    cell = next(c for c in card.cells if c.item_id == "k3_p1")
    assert (cell.row, cell.column, cell.evidence, cell.action) == (
        "k3", "p1", "WRES report, May", "Ask for the EDS return",
    )  # fmt: skip
    assert cell.rating is not None
    assert cell.rating.label == "Not assured"
