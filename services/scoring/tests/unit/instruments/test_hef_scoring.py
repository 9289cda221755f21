"""Hand-worked HEF examples (provisional definition: none 0, low 1, moderate 2, high 3).

Per determinant: total = sum of ratings, highest = highest rating, moderate_or_high = count of
ratings >= 2, band = impact level of the highest rating. Overall: total = sum of determinant
totals, moderate_or_high = count over all 29 indicators. Not assessed is left out of scores.
"""

from typing import Any

import pytest

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import score, score_checked
from services.scoring.tests.unit.instruments.hef_ratings import all_rated, ratings

DETERMINANTS = ("social", "biological", "communication", "behaviour", "provision")

# (total, highest, moderate_or_high, band) per determinant; None = nothing rated.
Expected = tuple[int | None, int | None, int | None, str | None]

CASES: list[Any] = [
    pytest.param(
        # social        2+1+0+0+3+1 = 7, highest 3, >=2: housing, discrimination_abuse
        # biological    0+1+2+0+0+3+1+0 = 7, highest 3, >=2: mental_health, physical_health
        # communication 2+2+1+1 = 6, highest 2, >=2: expressing_needs, understanding_information
        # behaviour     1+1+0+1+0 = 3, highest 1
        # provision     all 0
        # overall 7+7+6+3+0 = 23; 2+2+2+0+0 = 6 at moderate or high
        ratings(
            social="210031",
            biological="01200310",
            communication="2211",
            behaviour="11010",
            provision="000000",
        ),
        {
            "social": (7, 3, 2, "high"),
            "biological": (7, 3, 2, "high"),
            "communication": (6, 2, 2, "moderate"),
            "behaviour": (3, 1, 0, "low"),
            "provision": (0, 0, 0, "none"),
        },
        (23, 6),
        (29, 0, 0, True),
        id="referral-mixed",
    ),
    pytest.param(
        # social        housing and income not assessed: 1+2+0+0 = 3, highest 2, >=2: 1
        # biological    nothing assessed: no scores, no band
        # communication 3+0 = 3, highest 3, >=2: 1
        # behaviour     2*5 = 10, highest 2, >=2: 5
        # provision     1+1+1 = 3, highest 1
        # overall 3+3+10+3 = 19 (biological has no total); 1+1+5 = 7
        ratings(
            social="nn1200",
            biological="nnnnnnnn",
            communication="3n0n",
            behaviour="22222",
            provision="1n1n1n",
        ),
        {
            "social": (3, 2, 1, "moderate"),
            "biological": (None, None, None, None),
            "communication": (3, 3, 1, "high"),
            "behaviour": (10, 2, 5, "moderate"),
            "provision": (3, 1, 0, "low"),
        },
        (19, 7),
        (14, 15, 0, True),
        id="with-not-assessed",
    ),
    pytest.param(
        all_rated("none"),
        {d: (0, 0, 0, "none") for d in DETERMINANTS},
        (0, 0),
        (29, 0, 0, True),
        id="no-impact",
    ),
    pytest.param(
        # 6*3 = 18, 8*3 = 24, 4*3 = 12, 5*3 = 15, 6*3 = 18; overall 87; all 29 counted
        all_rated("high"),
        {
            "social": (18, 3, 6, "high"),
            "biological": (24, 3, 8, "high"),
            "communication": (12, 3, 4, "high"),
            "behaviour": (15, 3, 5, "high"),
            "provision": (18, 3, 6, "high"),
        },
        (87, 29),
        (29, 0, 0, True),
        id="high-impact",
    ),
    pytest.param(
        # in progress: only housing rated (high); the other 28 unanswered
        ratings(social="3....."),
        {
            "social": (3, 3, 1, "high"),
            "biological": (None, None, None, None),
            "communication": (None, None, None, None),
            "behaviour": (None, None, None, None),
            "provision": (None, None, None, None),
        },
        (3, 1),
        (1, 0, 28, False),
        id="in-progress",
    ),
]


@pytest.mark.parametrize(("responses", "determinants", "overall", "completeness"), CASES)
def test_hef_hand_worked(
    hef: InstrumentDefinition,
    responses: dict[str, str],
    determinants: dict[str, Expected],
    overall: tuple[int, int],
    completeness: tuple[int, int, int, bool],
) -> None:
    result = score(hef, responses)
    # The hot path checks the answers first, then scores without checking again.
    assert score_checked(hef, responses) == result
    got = {
        d: (
            result.sections[d].scores["total"],
            result.sections[d].scores["highest"],
            result.sections[d].scores["moderate_or_high"],
            band.code if (band := result.sections[d].bands["impact"]) else None,
        )
        for d in DETERMINANTS
    }
    assert got == determinants
    assert (result.overall.scores["total"], result.overall.scores["moderate_or_high"]) == overall
    c = result.overall.completeness
    assert (c.rated, c.not_assessed, c.unanswered, c.complete) == completeness
    assert c.total == 29


def test_counted_items_name_the_indicators(hef: InstrumentDefinition) -> None:
    result = score(hef, ratings(social="210031", communication="3n0n"))
    assert result.sections["social"].counted_items["moderate_or_high"] == (
        "housing",
        "discrimination_abuse",
    )
    assert result.overall.counted_items["moderate_or_high"] == (
        "housing",
        "discrimination_abuse",
        "expressing_needs",
    )
    assert result.sections["biological"].counted_items["moderate_or_high"] == ()


def test_section_completeness_counts_not_assessed(hef: InstrumentDefinition) -> None:
    social = score(hef, ratings(social="nn12..")).sections["social"].completeness
    assert (social.rated, social.not_assessed, social.unanswered, social.total) == (2, 2, 2, 6)
    assert social.complete is False


def test_json_shape(hef: InstrumentDefinition) -> None:
    data = score(hef, ratings(social="210031")).as_dict()
    assert list(data) == [
        "instrument",
        "variant",
        "version",
        "direction",
        "sections",
        "groupings",
        "overall",
    ]
    assert list(data["sections"]) == list(DETERMINANTS)
    assert data["sections"]["social"] == {
        "scores": {"total": 7, "highest": 3, "moderate_or_high": 2},
        "bands": {"impact": {"code": "high", "label": "High impact"}},
        "counted_items": {"moderate_or_high": ["housing", "discrimination_abuse"]},
        "completeness": {
            "rated": 6,
            "not_assessed": 0,
            "unanswered": 0,
            "total": 6,
            "complete": True,
        },
    }
    assert data["groupings"] == {}
    assert data["overall"]["bands"] == {}
    assert (data["instrument"], data["variant"], data["direction"]) == (
        "hef",
        "standard",
        "lower_is_better",
    )
