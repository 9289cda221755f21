"""Dimensions derived from the feed (pure), and the fact row an event becomes."""

import random
from datetime import date

import orjson
import pytest

from services.aggregation import dimensions
from services.aggregation.feed.contract import FeedItem, item_from
from services.aggregation.feed.facts import FACT_COLUMNS, fact_row
from services.aggregation.tests.feed_events import hef_payload


@pytest.mark.parametrize(
    ("day", "month", "quarter", "year"),
    [
        (date(2026, 3, 31), date(2026, 3, 1), date(2026, 1, 1), 2025),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 4, 1), 2026),
        (date(2026, 6, 30), date(2026, 6, 1), date(2026, 4, 1), 2026),
        (date(2026, 7, 1), date(2026, 7, 1), date(2026, 7, 1), 2026),
        (date(2026, 12, 31), date(2026, 12, 1), date(2026, 10, 1), 2026),
        (date(2027, 1, 1), date(2027, 1, 1), date(2027, 1, 1), 2026),
        (date(2024, 2, 29), date(2024, 2, 1), date(2024, 1, 1), 2023),
    ],
)
def test_periods_follow_the_nhs_financial_year(
    day: date, month: date, quarter: date, year: int
) -> None:
    assert dimensions.month_start(day) == month
    assert dimensions.quarter_start(day) == quarter
    assert dimensions.financial_year(day) == year


def test_imd_quintiles_and_core20() -> None:
    assert [dimensions.imd_quintile(d) for d in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [dimensions.core20(d) for d in range(1, 11)] == [True, True] + [False] * 8
    assert dimensions.imd_quintile(None) is None
    assert dimensions.core20(None) is None


def test_not_stated_stays_apart_from_not_known() -> None:
    assert dimensions.ethnic_group("not_stated") == "not_stated"
    assert dimensions.ethnic_group("not_known") == "not_known"
    assert dimensions.ethnic_group(None) == "not_known"  # no category recorded
    assert dimensions.ethnic_group("white") == "white"
    assert len(dimensions.ETHNIC_GROUPS) == 7  # the five groups, not stated, not known


def _item(**changes: object) -> FeedItem:
    payload = {**hef_payload(random.Random(3), assessed_on=date(2026, 5, 20)), **changes}
    return item_from(
        {
            "cursor": "10.1",
            "event_type": payload["event"],
            "occurred_at": "2026-05-20T10:00:00+00:00",
            "payload": payload,
        }
    )


def test_an_event_becomes_a_fact_row_of_codes_and_numbers() -> None:
    item = _item(imd_decile=2, ethnic_category="Z", ethnic_group="not_stated")
    row = dict(zip(FACT_COLUMNS, fact_row(item), strict=True))
    p = item.payload
    assert row["person_key"] == p.person_key
    assert (row["month_start"], row["quarter_start"], row["financial_year"]) == (
        date(2026, 5, 1),
        date(2026, 4, 1),
        2026,
    )
    assert (row["imd_quintile"], row["core20"], row["ethnic_group"]) == (1, True, "not_stated")
    assert p.scores is not None
    scores = orjson.loads(row["scores"])
    assert set(scores) == {
        "social",
        "biological",
        "communication",
        "behaviour",
        "provision",
        "overall",
    }
    assert row["overall_score"] == scores["overall"]["total"]
    bands = orjson.loads(row["bands"])
    for section, group in p.scores.sections.items():
        level = group.bands["impact"]
        assert bands.get(section, {}).get("impact") == (level.code if level else None)
    values = orjson.loads(row["item_values"])
    assert values == {item_id: answer.value for item_id, answer in p.answers.items()}
    assert all(isinstance(v, int | None) for v in values.values())  # numbers, never text


def test_an_event_without_a_person_key_counts_as_a_person_of_its_own() -> None:
    item = _item(person_key=None)
    row = dict(zip(FACT_COLUMNS, fact_row(item), strict=True))
    assert row["person_key"] == item.payload.assessment_key


def test_an_event_without_scores_has_no_overall_score() -> None:
    row = dict(zip(FACT_COLUMNS, fact_row(_item(scores=None)), strict=True))
    assert (row["overall_score"], row["scores"], row["bands"], row["complete"]) == (
        None,
        "{}",
        "{}",
        False,
    )
