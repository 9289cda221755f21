"""Every validation message for responses (item id -> answer code)."""

import pytest

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import check_responses, score, suggested_actions
from services.scoring.instruments.errors import ResponseError
from services.scoring.tests.unit.instruments.hef_ratings import all_rated

UNKNOWN = (
    "responses.garden",
    "unknown_item",
    "Unknown indicator 'garden': it is not part of hef standard 1.0.0-provisional.",
)
BAD_VALUE = (
    "responses.housing",
    "invalid_option",
    "'severe' is not an answer for indicator 'housing'; "
    "choose one of: none, low, moderate, high, not_assessed.",
)
MISSING_PAIN = (
    "responses.pain",
    "missing_required",
    "Indicator 'pain' needs an answer to complete the assessment "
    "(use 'not_assessed' if it was not assessed).",
)


def _without(item_id: str) -> dict[str, str]:
    responses = all_rated("low")
    del responses[item_id]
    return responses


@pytest.mark.parametrize(
    ("responses", "require_complete", "expected"),
    [
        pytest.param(all_rated("low"), True, [], id="complete"),
        pytest.param(all_rated("not_assessed"), True, [], id="not-assessed-is-complete"),
        pytest.param({"housing": "high"}, False, [], id="partial-draft"),
        pytest.param({"garden": "high"}, False, [UNKNOWN], id="unknown-item"),
        pytest.param({"housing": "severe"}, False, [BAD_VALUE], id="bad-value"),
        pytest.param(_without("pain"), True, [MISSING_PAIN], id="missing-on-complete"),
        pytest.param(_without("pain"), False, [], id="missing-allowed-in-draft"),
        pytest.param(
            {**_without("pain"), "garden": "high", "housing": "severe"},
            True,
            [BAD_VALUE, UNKNOWN, MISSING_PAIN],
            id="all-three",
        ),
    ],
)
def test_check_responses(
    hef: InstrumentDefinition,
    responses: dict[str, str],
    require_complete: bool,
    expected: list[tuple[str, str, str]],
) -> None:
    problems = check_responses(hef, responses, require_complete=require_complete)
    assert [(p.field, p.code, p.message) for p in problems] == expected


def test_non_string_answer_is_reported_not_crashing(hef: InstrumentDefinition) -> None:
    problems = check_responses(hef, {"housing": ["high"]}, require_complete=False)  # type: ignore[dict-item]
    assert [p.code for p in problems] == ["invalid_option"]


def test_missing_message_without_a_missing_option() -> None:
    """A scale with no "not assessed" option gives no hint about one."""
    from services.scoring.tests.unit.instruments.general_definitions import board_self_assessment

    defn = board_self_assessment()
    problems = check_responses(defn, {}, require_complete=True)
    assert problems[0].message == (
        "Statement 'lead_named' needs an answer to complete the assessment."
    )


@pytest.mark.parametrize("function", [score, suggested_actions])
def test_scoring_refuses_bad_responses(hef: InstrumentDefinition, function: object) -> None:
    with pytest.raises(ResponseError) as caught:
        function(hef, {"housing": "severe"})  # type: ignore[operator]
    assert [p.field for p in caught.value.problems] == ["responses.housing"]
    assert str(caught.value).startswith("responses.housing: 'severe' is not an answer")
