"""The change feed's published shapes: the page, each event and its payload (schema 1).

The payload is what ``feed.payload.feed_payload`` builds; these models are its contract in
``openapi/scoring.yaml``, so aggregation (which never imports scoring's code) parses the
same shape from the document. ``schema_version`` says which shape an event has: a change
that a reader could misread gets a new version, and old events keep theirs.
"""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

FeedEventType = Literal[
    "assessment.submitted",
    "assessment.amended",
    "assessment.deleted",
    "assessment.restored",
]
Number = int | float
REMAINING_CAP = 10_000


class FeedAnswer(BaseModel):
    code: str = Field(description="The answer's option code (e.g. 'moderate')")
    value: Number | None = Field(
        description="The option's scale value; null for one that counts as missing"
    )


class FeedBand(BaseModel):
    code: str
    label: str


class FeedCompleteness(BaseModel):
    rated: int
    not_assessed: int
    unanswered: int
    total: int
    complete: bool


class FeedScoreGroup(BaseModel):
    scores: dict[str, Number | None] = Field(description="Score id -> value; null: none rated")
    bands: dict[str, FeedBand | None] = Field(description="Band set id -> level")
    counted_items: dict[str, list[str]] = Field(
        description="For count rules: score id -> the item (or section) ids counted"
    )
    completeness: FeedCompleteness


class FeedScores(BaseModel):
    """The instrument engine's scores of the revision (``AssessmentScores``)."""

    instrument: str
    variant: str
    version: str
    direction: str = Field(description="'lower_is_better' or 'higher_is_better'")
    sections: dict[str, FeedScoreGroup] = Field(description="Section id -> its scores")
    groupings: dict[str, dict[str, FeedScoreGroup]]
    overall: FeedScoreGroup


class FeedPayloadV1(BaseModel):
    """An assessment change, pseudonymised: no name, NHS number, date of birth, postcode
    or free text (decision 0005)."""

    schema_version: Literal[1]
    event: FeedEventType
    assessment_key: str = Field(
        description="Stable pseudonym of the assessment: a later revision replaces earlier ones"
    )
    revision: int = Field(ge=1, description="The assessment's revision the event is about")
    person_key: str | None = Field(
        description="Keyed HMAC of the person's NHS number or local id; null if none is known"
    )
    age_band: str | None = Field(description="Age band at the assessment date, e.g. '25-34'")
    sex: str = Field(description="male, female, other or unknown")
    ethnic_category: str | None = Field(
        description="NHS ethnic category code (A-S, Z not stated, 99 not known); null: none"
    )
    ethnic_group: str | None = Field(
        description="High-level group of the category (white, mixed, asian_or_asian_british, "
        "black_or_black_british, other, not_stated, not_known); null when no category"
    )
    imd_decile: int | None = Field(ge=1, le=10, description="1 = most deprived")
    imd_vintage: str | None
    organisation_code: str = Field(description="ODS code of the trust")
    commissioner_code: str | None = Field(description="ODS code of its commissioner (ICB)")
    team_code: str
    instrument: str
    variant: str
    instrument_version: str
    episode_type: str
    assessed_on: date
    submitted_at: datetime | None
    answers: dict[str, FeedAnswer] = Field(description="Item id -> the answer")
    scores: FeedScores | None


class FeedItem(BaseModel):
    cursor: str
    event_type: FeedEventType
    occurred_at: datetime
    payload: FeedPayloadV1


class FeedPage(BaseModel):
    events: list[FeedItem]
    next_cursor: str = Field(
        description="Pass as ?after= to continue; equals the request's cursor when empty"
    )
    remaining: int = Field(
        ge=0,
        description=f"Events ready to read after this page, counted up to {REMAINING_CAP:,} "
        "(then that number): how far behind the reader is",
    )
