from datetime import date

import pytest

from services.scoring.people.review import add_months, review_due, review_interval_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 1), 6, date(2026, 9, 1)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 31), 12, date(2027, 1, 31)),
    ],
)
def test_add_months_keeps_the_day_or_ends_the_month(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, 6),
        ({"review_interval_months": 3}, 3),
        ({"review_interval_months": 60}, 60),
        ({"review_interval_months": 0}, 6),
        ({"review_interval_months": 61}, 6),
        ({"review_interval_months": "3"}, 6),
        ({"review_interval_months": True}, 6),
        ({"review_interval_months": 3.5}, 6),
    ],
)
def test_the_teams_interval_or_six_months(settings: dict[str, object], expected: int) -> None:
    assert review_interval_months(settings) == expected


def test_a_review_falls_due_after_the_last_submitted_assessment() -> None:
    assert review_due(date(2026, 3, 1), "referral", 6) == date(2026, 9, 1)
    assert review_due(date(2026, 3, 1), "review", 12) == date(2027, 3, 1)


def test_nothing_is_due_before_a_first_assessment_or_after_discharge() -> None:
    assert review_due(None, None, 6) is None
    assert review_due(date(2026, 3, 1), "discharge", 6) is None
