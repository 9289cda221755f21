"""Maturity levels and suggested objectives on hand-worked answer sets.

Scale: not in place 0, planned 1, partly in place 2, in place 3, embedded and evidenced 4;
a domain's score is its % of the maximum (rounded half up); levels: 0% not started, up to
25% emerging, up to 50% developing, up to 75% maturing, above 75% thriving."""

import pytest

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import score
from services.scoring.organisational.board_results import (
    board_results,
    objectives_library,
    progress_by_year,
)

DOMAIN_ITEMS = {
    "capacity": 6,
    "data": 7,
    "leadership": 6,
    "partnerships": 6,
}


def _items(defn: InstrumentDefinition, domain: str) -> list[str]:
    return [i.id for s in defn.sections if s.id == domain for i in s.items]


def _answers(defn: InstrumentDefinition, by_domain: dict[str, list[str]]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for domain, codes in by_domain.items():
        items = _items(defn, domain)
        assert len(items) == len(codes)
        answers |= dict(zip(items, codes, strict=True))
    return answers


def test_the_definition_has_25_questions_in_four_domains(
    self_assessment: InstrumentDefinition,
) -> None:
    assert {s.id: len(s.items) for s in self_assessment.sections} == DOMAIN_ITEMS


def test_hand_worked_levels_and_objectives(self_assessment: InstrumentDefinition) -> None:
    answers = _answers(
        self_assessment,
        {
            # 24 of 24 = 100% -> thriving
            "capacity": ["embedded"] * 6,
            # 0 of 28 = 0% -> not started
            "data": ["not_in_place"] * 7,
            # 6 of 24 = 25% exactly -> emerging (25 is the top of emerging)
            "leadership": ["planned"] * 6,
            # 3+3+2+2+1+0 = 11 of 24 = 45.83% -> 46% -> developing
            "partnerships": [
                "in_place", "in_place", "partly_in_place", "partly_in_place", "planned",
                "not_in_place",
            ],
        },
    )  # fmt: skip
    results = board_results(self_assessment, answers)
    levels = {d.domain: (d.score, d.maturity_level.code if d.maturity_level else None)
              for d in results.domains}  # fmt: skip
    assert levels == {
        "capacity": (100, "thriving"),
        "data": (0, "not_started"),
        "leadership": (25, "emerging"),
        "partnerships": (46, "developing"),
    }
    # 24 + 0 + 6 + 11 = 41 of 100 -> 41% -> developing
    assert results.overall.score == 41
    assert results.overall.maturity_level is not None
    assert results.overall.maturity_level.code == "developing"
    # Priority objectives first (library order), then the rest (library order): data is not
    # started (3.9, 9.3), leadership emerging (3.4, 6.1, then 3.1), capacity thriving (4.10),
    # partnerships developing (3.7, 4.12, 6.3, 4.8).
    assert [(o.ref, o.priority) for o in results.suggested_objectives] == [
        ("3.9", True), ("9.3", True), ("3.4", True), ("6.1", True),
        ("4.10", False), ("3.1", False), ("3.7", False), ("4.12", False), ("6.3", False),
        ("4.8", False),
    ]  # fmt: skip
    assert {o.ref: o.board_role for o in results.suggested_objectives}["3.4"] == ("chief_executive")


@pytest.mark.parametrize(
    ("codes", "expected_score", "expected_level"),
    [
        (["planned"] + ["not_in_place"] * 5, 4, "emerging"),  # 1/24 = 4.17% -> 4
        (["in_place", "planned"] + ["not_in_place"] * 4, 17, "emerging"),  # 4/24 = 16.7%
        (["in_place", "in_place", "planned"] + ["not_in_place"] * 3, 29, "developing"),  # 7/24
        (["embedded"] * 3 + ["not_in_place"] * 3, 50, "developing"),  # 12/24 = 50% exactly
        (["embedded"] * 3 + ["planned"] + ["not_in_place"] * 2, 54, "maturing"),  # 13/24
        (["embedded"] * 4 + ["partly_in_place"] + ["not_in_place"], 75, "maturing"),  # 18/24
        (["embedded"] * 4 + ["in_place"] + ["not_in_place"], 79, "thriving"),  # 19/24
    ],
)
def test_each_band_boundary(
    self_assessment: InstrumentDefinition,
    codes: list[str],
    expected_score: int,
    expected_level: str,
) -> None:
    answers = dict(zip(_items(self_assessment, "leadership"), codes, strict=True))
    leadership = next(d for d in board_results(self_assessment, answers).domains
                      if d.domain == "leadership")  # fmt: skip
    assert leadership.score == expected_score
    assert leadership.maturity_level is not None
    assert leadership.maturity_level.code == expected_level


def test_an_unanswered_domain_has_no_level_and_suggests_nothing(
    self_assessment: InstrumentDefinition,
) -> None:
    results = board_results(self_assessment, {})
    assert all(d.maturity_level is None and d.score is None for d in results.domains)
    assert results.suggested_objectives == ()


def test_the_library_holds_the_guides_priority_objectives(
    self_assessment: InstrumentDefinition,
) -> None:
    library = {o.ref: o for o in objectives_library(self_assessment)}
    assert {ref for ref, o in library.items() if o.priority} == {
        "3.4", "6.1", "3.5", "4.7", "3.9", "9.3",
    }  # fmt: skip
    assert all(o.board_role for o in library.values())
    # Every priority objective is suggested to a trust starting out (not started / emerging).
    assert all({"not_started", "emerging"} <= set(o.levels) for o in library.values() if o.priority)


def test_progress_keeps_the_latest_assessment_of_each_year(
    self_assessment: InstrumentDefinition,
) -> None:
    leadership = _items(self_assessment, "leadership")
    first = {i: "planned" for i in leadership}
    redo = {i: "in_place" for i in leadership}
    later = {i: "embedded" for i in leadership}
    rows = [
        ("a1", "2024-05-01", self_assessment, score(self_assessment, first)),
        ("a2", "2024-11-01", self_assessment, score(self_assessment, redo)),
        ("a3", "2025-05-01", self_assessment, score(self_assessment, later)),
    ]
    years = progress_by_year(rows)
    assert [(y.year, y.assessment_id) for y in years] == [(2024, "a2"), (2025, "a3")]
    levels = [y.domains["leadership"].maturity_level for y in years]
    assert [lv.code if lv else None for lv in levels] == ["maturing", "thriving"]
