"""A page prepared before its transaction (pure): each assessment's last event in the page
decides, and only the assessments it leaves present have a fact row."""

import random
from datetime import date
from typing import Any

import orjson

from services.aggregation.feed.contract import parse_page
from services.aggregation.feed.facts import FACT_COLUMNS, prepare_page, rollup_fact_of
from services.aggregation.feed.rollups import FACT_FIELDS
from services.aggregation.tests.feed_events import hef_payload


def _event(n: int, payload: dict[str, Any]) -> dict[str, Any]:
    return {"cursor": f"{100 + n}.{n}", "event_type": payload["event"],
            "occurred_at": "2026-05-20T10:00:00Z", "payload": payload}  # fmt: skip


def test_the_last_event_of_each_assessment_in_the_page_decides() -> None:
    rng = random.Random(11)
    a = hef_payload(rng, assessment_key="a", person_key="p1", assessed_on=date(2026, 5, 1))
    b = hef_payload(rng, assessment_key="b", person_key="p2", assessed_on=date(2026, 6, 1))
    amended_a = {**hef_payload(rng, assessment_key="a", person_key="p1", revision=2,
                               assessed_on=date(2026, 5, 2)), "event": "assessment.amended"}  # fmt: skip
    deleted_b = {**b, "event": "assessment.deleted"}
    events = [_event(n, p) for n, p in enumerate([a, b, amended_a, deleted_b])]
    page = parse_page(orjson.dumps({"events": events, "next_cursor": "103.3"}))
    prepared = prepare_page(page)
    assert list(prepared.last) == ["a", "b"]
    assert prepared.last["a"].payload.revision == 2
    assert prepared.last["b"].event_type == "assessment.deleted"
    assert set(prepared.rows) == {"a"}  # b is deleted: no fact
    row = dict(zip(FACT_COLUMNS, prepared.rows["a"], strict=True))
    assert (row["revision"], row["assessed_on"]) == (2, date(2026, 5, 2))
    rolled = rollup_fact_of(prepared.rows["a"])
    assert rolled._asdict() == {name: row[name] for name in FACT_FIELDS}


def test_an_empty_page_prepares_to_nothing() -> None:
    prepared = prepare_page(parse_page(b'{"events": [], "next_cursor": "0"}'))
    assert (prepared.last, prepared.rows, prepared.page.remaining) == ({}, {}, 0)
