"""Change between two HEF assessments, and suggested care-plan actions."""

import pytest

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import compare, suggested_actions
from services.scoring.tests.unit.instruments.hef_ratings import ratings


@pytest.mark.parametrize(
    ("baseline", "current", "total", "band", "housing"),
    [
        # social: referral 3+2+1+0+0+0 = 6 (high) -> discharge 1+2+1+0+0+0 = 4 (moderate)
        pytest.param(
            "321000", "121000", (6, 4, -2, "improved"), "improved", "improved", id="better"
        ),
        pytest.param("121000", "321000", (4, 6, 2, "worse"), "worse", "worse", id="worse"),
        pytest.param("321000", "321000", (6, 6, 0, "same"), "same", "same", id="same"),
        # a different profile with the same total: totals same, housing improved, band same
        pytest.param("300000", "030000", (3, 3, 0, "same"), "same", "improved", id="same-total"),
        # not assessed on either side: the indicator cannot be compared; totals still can
        pytest.param(
            "n21000", "121000", (3, 4, 1, "worse"), "same", "not_comparable", id="n-before"
        ),
        pytest.param(
            "321000", "n21000", (6, 3, -3, "improved"), "improved", "not_comparable", id="n-now"
        ),
        pytest.param(
            "nnnnnn",
            "121000",
            (None, 4, None, "not_comparable"),
            "not_comparable",
            "not_comparable",
            id="nothing-rated-before",
        ),
    ],
)
def test_compare_social_determinant(
    hef: InstrumentDefinition,
    baseline: str,
    current: str,
    total: tuple[int | None, int | None, int | None, str],
    band: str,
    housing: str,
) -> None:
    change = compare(hef, current=ratings(social=current), baseline=ratings(social=baseline))
    social = change.sections["social"]
    got = social.scores["total"]
    assert (got.baseline, got.current, got.delta, got.change) == total
    assert social.bands["impact"].change == band
    assert change.items["housing"].change == housing


def test_compare_reports_every_indicator(hef: InstrumentDefinition) -> None:
    change = compare(
        hef,
        current=ratings(social="121000", biological="0000000n"),
        baseline=ratings(social="321000", biological="00000002"),
    )
    housing = change.items["housing"]
    assert (housing.section_id, housing.baseline, housing.current) == ("social", "high", "low")
    assert (housing.baseline_value, housing.current_value) == (3, 1)
    assert change.items["pain"].change == "not_comparable"
    assert change.items["epilepsy"].change == "same"
    assert change.items["expressing_needs"].change == "not_comparable"  # unanswered both times
    assert len(change.items) == 29
    overall = change.overall.scores
    assert (overall["total"].delta, overall["total"].change) == (-4, "improved")
    assert (overall["moderate_or_high"].delta, overall["moderate_or_high"].change) == (
        -2,
        "improved",
    )
    data = change.as_dict()
    assert data["sections"]["social"]["scores"]["highest"] == {
        "baseline": 3,
        "current": 2,
        "delta": -1,
        "change": "improved",
    }
    assert data["sections"]["social"]["bands"]["impact"] == {
        "baseline": "high",
        "current": "moderate",
        "change": "improved",
    }
    assert data["items"]["housing"] == {
        "section_id": "social",
        "baseline": "high",
        "current": "low",
        "baseline_value": 3,
        "current_value": 1,
        "change": "improved",
    }


def test_suggested_actions_for_moderate_and_high(hef: InstrumentDefinition) -> None:
    responses = ratings(social="21nn..", biological="3.......", behaviour="0....")
    actions = suggested_actions(hef, responses)
    assert [(a.item_id, a.section_id, a.rating, a.value) for a in actions] == [
        ("housing", "social", "moderate", 2),
        ("epilepsy", "biological", "high", 3),
    ]
    housing_item = hef.lookup().items["housing"].item
    assert actions[0].text == housing_item.suggested_actions[0].text
    assert actions[0].as_dict() == {
        "item_id": "housing",
        "section_id": "social",
        "rating": "moderate",
        "value": 2,
        "text": housing_item.suggested_actions[0].text,
        "ref": None,
        "priority": False,
    }


def test_no_actions_without_moderate_or_high(hef: InstrumentDefinition) -> None:
    assert suggested_actions(hef, ratings(social="1n1n10", provision="000000")) == []
