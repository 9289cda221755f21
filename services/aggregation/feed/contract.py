"""Scoring's change feed as aggregation reads it: the shapes of ``openapi/scoring.yaml``
(``FeedPage``, ``FeedItem``, ``FeedPayload`` schema 1), written here because services never
import each other's code. ``tests/unit/test_feed_contract.py`` checks them against the
committed document, so a change there fails here first.

Fields aggregation does not use are left out (``counted_items``, band labels); fields the
document may add later are ignored. Decoded and validated in one pass by msgspec (decision
0045): a page of 1,000 events holds some 200,000 values, and pydantic's validation of them
took 2-3 times as long (objects for the parts repeated within an event, answers and score
groups, are cheaper still than dicts).
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Literal

import msgspec

FeedEventType = Literal[
    "assessment.submitted",
    "assessment.amended",
    "assessment.deleted",
    "assessment.restored",
]
# Events after which the assessment counts (a deletion removes it until restored).
PRESENT = frozenset({"assessment.submitted", "assessment.amended", "assessment.restored"})
Number = int | float


# The parts repeated within an event are objects the collector need not track (they hold
# no containers, or only containers of numbers and text).
class FeedAnswer(msgspec.Struct, frozen=True, gc=False):
    code: str
    value: Number | None


class FeedBand(msgspec.Struct, frozen=True, gc=False):
    code: str


class FeedCompleteness(msgspec.Struct, frozen=True, gc=False):
    complete: bool


class FeedScoreGroup(msgspec.Struct, frozen=True, gc=False):
    scores: dict[str, Number | None]
    bands: dict[str, FeedBand | None]
    completeness: FeedCompleteness


class FeedScores(msgspec.Struct, frozen=True, gc=False):
    sections: dict[str, FeedScoreGroup]
    overall: FeedScoreGroup


class FeedPayload(msgspec.Struct, frozen=True, gc=False):
    schema_version: Literal[1]
    event: FeedEventType
    assessment_key: str
    revision: int
    person_key: str | None
    age_band: str | None
    sex: str
    ethnic_category: str | None
    ethnic_group: str | None
    imd_decile: int | None
    imd_vintage: str | None
    organisation_code: str
    commissioner_code: str | None
    team_code: str
    instrument: str
    variant: str
    instrument_version: str
    episode_type: str
    assessed_on: date
    submitted_at: datetime | None
    answers: dict[str, FeedAnswer]
    scores: FeedScores | None


class FeedItem(msgspec.Struct, frozen=True, gc=False):
    cursor: str
    event_type: FeedEventType
    occurred_at: datetime
    payload: FeedPayload


class FeedPage(msgspec.Struct, frozen=True, gc=False):
    events: list[FeedItem]
    next_cursor: str
    remaining: int = 0


FeedError = msgspec.ValidationError  # a page or event not of the contract's shape
_PAGE = msgspec.json.Decoder(FeedPage)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a page's many objects, none of them in a cycle,
    are made: collections meanwhile only scanned them (a parse took twice as long)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_page(raw: bytes) -> FeedPage:
    """A page from the feed's JSON (``FeedError`` if it is not of the contract's shape)."""
    with collector_paused():
        return _PAGE.decode(raw)


def item_from(value: dict[str, Any]) -> FeedItem:
    """One event from its JSON-shaped dict, read as the feed's JSON is (tests)."""
    return msgspec.json.decode(msgspec.json.encode(value), type=FeedItem)
