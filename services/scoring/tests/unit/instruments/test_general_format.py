"""The format is general: board self-assessment and board assurance shapes load and score."""

import pytest

from services.scoring.instruments.engine import compare, score, suggested_actions
from services.scoring.tests.unit.instruments.general_definitions import (
    board_assurance,
    board_self_assessment,
)

VALUES = {0: "not_in_place", 1: "planned", 2: "partly", 3: "in_place", 4: "embedded"}


def _leadership(a: int, b: int, c: int) -> dict[str, str]:
    return {"lead_named": VALUES[a], "board_training": VALUES[b], "reports_by_group": VALUES[c]}


@pytest.mark.parametrize(
    ("points", "percent", "level"),
    [
        # leadership has 3 statements scored 0-4: percent = points / 12 * 100, 1 decimal
        pytest.param((0, 0, 0), 0, "not_started", id="0pc-not-started"),
        pytest.param((1, 0, 0), 8.3, "emerging", id="8.3pc-emerging"),
        pytest.param((1, 1, 1), 25.0, "emerging", id="25pc-still-emerging"),
        pytest.param((2, 1, 1), 33.3, "developing", id="33.3pc-developing"),
        pytest.param((2, 2, 2), 50.0, "developing", id="50pc-still-developing"),
        pytest.param((3, 3, 3), 75.0, "maturing", id="75pc-still-maturing"),
        pytest.param((4, 3, 3), 83.3, "thriving", id="83.3pc-thriving"),
        pytest.param((4, 4, 4), 100.0, "thriving", id="100pc-thriving"),
    ],
)
def test_percent_of_max_and_maturity_level(
    points: tuple[int, int, int], percent: float, level: str
) -> None:
    result = score(board_self_assessment(), _leadership(*points))
    leadership = result.sections["leadership"]
    assert leadership.scores["percent"] == percent
    band = leadership.bands["maturity_level"]
    assert band is not None
    assert band.code == level


def test_board_self_assessment_hand_worked() -> None:
    # leadership 4+2+0 = 6 of 12 -> 50.0% developing; partnerships 1+0 = 1 of 8 -> 12.5%
    # emerging; overall 7 of 20 -> 35.0% developing; lowest domain 12.5
    defn = board_self_assessment()
    responses = {
        **_leadership(4, 2, 0),
        "ics_represented": "planned",
        "vcse_engaged": "not_in_place",
    }
    result = score(defn, responses)
    assert result.sections["leadership"].scores == {"percent": 50.0}
    assert result.sections["partnerships"].scores == {"percent": 12.5}
    assert result.overall.scores == {"percent": 35.0, "lowest_domain": 12.5}
    overall_band = result.overall.bands["overall_maturity"]
    assert overall_band is not None
    assert overall_band.label == "Developing"
    objectives = suggested_actions(defn, responses)
    # developing leadership: only the 3.9 objective applies (3.4 is for not started/emerging)
    assert [(a.section_id, a.item_id, a.rating, a.ref, a.value) for a in objectives] == [
        ("leadership", None, "developing", "3.9", 50.0)
    ]


def test_objectives_for_a_domain_starting_out() -> None:
    objectives = suggested_actions(board_self_assessment(), _leadership(1, 0, 0))
    assert [(a.ref, a.priority) for a in objectives] == [("3.4", True), ("3.9", False)]


def test_higher_is_better_change() -> None:
    defn = board_self_assessment()
    change = compare(defn, current=_leadership(3, 3, 3), baseline=_leadership(1, 1, 1))
    percent = change.sections["leadership"].scores["percent"]
    assert (percent.baseline, percent.current, percent.delta, percent.change) == (
        25.0,
        75.0,
        50.0,
        "improved",
    )
    assert change.sections["leadership"].bands["maturity_level"].change == "improved"
    assert change.items["lead_named"].change == "improved"
    assert change.sections["partnerships"].scores["percent"].change == "not_comparable"


def test_board_assurance_rolls_up_rows_and_columns() -> None:
    #            p1            p2
    # k1     assured       not_assured   -> row k1: 1 red, 0 amber, 1 green; worst 0 red
    # k2     partly        not_assessed  -> row k2: 0 red, 1 amber, 0 green; worst 1 amber
    # columns: p1 worst 1 amber (no red); p2 worst 0 red (1 red)
    defn = board_assurance()
    result = score(
        defn,
        {
            "k1_p1": "assured",
            "k1_p2": "not_assured",
            "k2_p1": "partly_assured",
            "k2_p2": "not_assessed",
        },
    )
    rows = {
        row: (group.scores, band.code if (band := group.bands["row_rag"]) else None)
        for row, group in result.sections.items()
    }
    assert rows == {
        "k1": ({"red": 1, "amber": 0, "green": 1, "worst": 0}, "red"),
        "k2": ({"red": 0, "amber": 1, "green": 0, "worst": 1}, "amber"),
    }
    columns = {
        column: (group.scores, band.code if (band := group.bands["column_rag"]) else None)
        for column, group in result.groupings["priority"].items()
    }
    assert columns == {
        "p1": ({"red": 0, "worst": 1}, "amber"),
        "p2": ({"red": 1, "worst": 0}, "red"),
    }
    assert result.groupings["priority"]["p2"].counted_items["red"] == ("k1_p2",)
    assert result.groupings["priority"]["p2"].completeness.not_assessed == 1
    assert result.overall.scores == {"red": 1}


def test_score_direction_override() -> None:
    """Fewer red cells is better even though the instrument is higher-is-better."""
    defn = board_assurance()
    change = compare(
        defn,
        current={"k1_p1": "assured", "k1_p2": "assured"},
        baseline={"k1_p1": "not_assured", "k1_p2": "assured"},
    )
    k1 = change.sections["k1"]
    assert (k1.scores["red"].delta, k1.scores["red"].change) == (-1, "improved")
    assert (k1.scores["green"].delta, k1.scores["green"].change) == (1, "improved")
    assert change.groupings["priority"]["p1"].bands["column_rag"].change == "improved"
