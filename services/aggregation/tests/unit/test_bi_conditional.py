"""Format negotiation, ETags and conditional GET of the BI answers."""

from datetime import UTC, datetime

import pytest

from services.aggregation.bi.conditional import etag_of, negotiate, not_modified
from services.aggregation.bi.formats import Format

POWER_QUERY_ACCEPT = (
    "application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;"
    "q=0.9,application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,"
    "text/plain;q=0.7"
)


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, Format.json),
        ("", Format.json),
        ("*/*", Format.json),
        ("text/csv", Format.csv),
        ("TEXT/CSV; charset=utf-8", Format.csv),
        ("application/vnd.apache.parquet", Format.parquet),
        ("text/csv;q=0.4, application/vnd.apache.parquet;q=0.9", Format.parquet),
        ("text/csv;q=0.5, application/json", Format.json),
        ("image/png, text/*;q=0.1", Format.csv),
        (POWER_QUERY_ACCEPT, Format.json),
        ("image/png", None),
        ("text/csv;q=0", None),
        ("text/csv;q=nan", None),
        ("text/csv;q=x", None),
    ],
)
def test_negotiation(accept: str | None, chosen: Format | None) -> None:
    assert negotiate(accept) == chosen


def test_etags_differ_by_any_part_and_cannot_run_together() -> None:
    assert etag_of(["a", "b"]) == etag_of(["a", "b"])
    assert etag_of(["a", "b"]) != etag_of(["a", "c"])
    assert etag_of(["ab", ""]) != etag_of(["a", "b"])
    assert etag_of(["x"]).startswith('"')


MODIFIED = datetime(2026, 12, 7, 10, 30, 15, 500_000, tzinfo=UTC)
TAG = '"abc"'


@pytest.mark.parametrize(
    ("if_none_match", "if_modified_since", "expected"),
    [
        (None, None, False),
        ('"abc"', None, True),
        ('W/"abc"', None, True),
        ('"x", "abc"', None, True),
        ("*", None, True),
        ('"other"', "Mon, 07 Dec 2026 10:30:15 GMT", False),  # If-None-Match decides
        (None, "Mon, 07 Dec 2026 10:30:15 GMT", True),
        (None, "Mon, 07 Dec 2026 10:30:14 GMT", False),
        (None, "not a date", False),
        (None, "Mon, 07 Dec 99999 10:30:15 GMT", False),
    ],
)
def test_conditional_get(
    if_none_match: str | None, if_modified_since: str | None, expected: bool
) -> None:
    assert not_modified(if_none_match, if_modified_since, TAG, MODIFIED) is expected
