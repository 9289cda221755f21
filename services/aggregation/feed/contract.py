"""Scoring's change feed as aggregation reads it: the shapes of ``openapi/scoring.yaml``
(``FeedPage``, ``FeedItem``, ``FeedPayload`` schema 1), written here because services never
import each other's code. ``tests/unit/test_feed_contract.py`` checks them against the
committed document, so a change there fails here first.

Fields aggregation does not use are left out (``counted_items``, band labels); fields the
document may add later are ignored. The parts repeated within an event (answers, score
groups) are typed dicts rather than models: a page of 1,000 events holds some 200,000 of
them, and dicts are cheaper to make.
"""

import gc
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel
from typing_extensions import TypedDict

FeedEventType = Literal[
    "assessment.submitted",
    "assessment.amended",
    "assessment.deleted",
    "assessment.restored",
]
# Events after which the assessment counts (a deletion removes it until restored).
PRESENT = frozenset({"assessment.submitted", "assessment.amended", "assessment.restored"})
Number = int | float


class FeedAnswer(TypedDict):
    code: str
    value: Number | None


class FeedBand(TypedDict):
    code: str


class FeedCompleteness(TypedDict):
    complete: bool


class FeedScoreGroup(TypedDict):
    scores: dict[str, Number | None]
    bands: dict[str, FeedBand | None]
    completeness: FeedCompleteness


class FeedScores(TypedDict):
    sections: dict[str, FeedScoreGroup]
    overall: FeedScoreGroup


class FeedPayload(BaseModel):
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


class FeedItem(BaseModel):
    cursor: str
    event_type: FeedEventType
    occurred_at: datetime
    payload: FeedPayload


class FeedPage(BaseModel):
    events: list[FeedItem]
    next_cursor: str
    remaining: int = 0


def parse_page(raw: bytes) -> FeedPage:
    """A page from the feed's JSON. The collector is paused meanwhile: the parse makes some
    200,000 objects, none of them in a cycle, and collections during it only scanned them
    (the parse took twice as long)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return FeedPage.model_validate_json(raw)
    finally:
        if enabled:
            gc.enable()
