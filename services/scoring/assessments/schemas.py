import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from services.common.input_rules import FreeText


def _not_in_future(value: date) -> date:
    if value > datetime.now(UTC).date():
        raise ValueError("the assessment date is in the future")
    return value


AssessedOn = Annotated[date, AfterValidator(_not_in_future)]
Responses = Annotated[
    dict[str, str],
    Field(description="Indicator id -> answer code, e.g. {'housing': 'moderate'}"),
]
Notes = Annotated[FreeText, Field(max_length=10_000)]


class AssessmentCreate(BaseModel):
    instrument: str = Field(default="hef", examples=["hef"])
    variant: str = Field(default="standard", examples=["standard", "easy-read"])
    version: str | None = Field(default=None, description="Omit for the latest version")
    episode_type: str = Field(examples=["referral", "review", "discharge", "ad-hoc"])
    assessed_on: AssessedOn
    team_code: str | None = Field(
        default=None, description="Whose work this is; defaults to your team caring for them"
    )
    responses: Responses = Field(default_factory=dict)
    notes: Notes | None = None


class AssessmentUpdate(BaseModel):
    """A draft's changes. ``responses`` are merged: an answer of null removes it."""

    episode_type: str | None = None
    assessed_on: AssessedOn | None = None
    responses: dict[str, str | None] | None = None
    notes: Notes | None = None


class AssessmentAmend(BaseModel):
    reason: FreeText = Field(min_length=5, max_length=2000, description="Why the record is amended")
    responses: Responses
    episode_type: str | None = None
    assessed_on: AssessedOn | None = None
    notes: Notes | None = None


class FreeTextFlagRead(BaseModel):
    kind: str
    start: int
    end: int
    strength: str
    redacted_preview: str


class AssessmentRead(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    team_code: str
    instrument: str
    variant: str
    instrument_version: str
    episode_type: str
    assessed_on: date
    status: str = Field(description="draft or submitted")
    revision: int = Field(description="How many times it was submitted (1 = never amended)")
    version: int = Field(description="Send as If-Match (the ETag) with every change")
    responses: dict[str, str]
    notes: str | None
    free_text_flags: list[FreeTextFlagRead]
    scores: dict[str, Any] | None
    created_by: str
    recorded_by_name: str | None = Field(
        None,
        description="Who started it, by name as their team lists them (in the read of one "
        "assessment; null elsewhere, or when no team lists them now)",
    )
    updated_at: datetime
    submitted_at: datetime | None
    deleted: bool


class RevisionRead(BaseModel):
    revision: int
    instrument_version: str
    episode_type: str
    assessed_on: date
    responses: dict[str, str]
    scores: dict[str, Any]
    amend_reason: str | None
    submitted_by: str
    submitted_at: datetime


class AssessmentSummary(BaseModel):
    id: uuid.UUID
    instrument: str
    variant: str
    instrument_version: str
    episode_type: str
    assessed_on: date
    status: str
    revision: int
    overall: dict[str, Any] | None


class SuggestedActionRead(BaseModel):
    item_id: str | None = Field(description="None for an objective for a whole section")
    section_id: str
    rating: str
    text: str
    ref: str | None
    priority: bool


class Profile(BaseModel):
    """The latest submitted assessment's scores, with change since the first and the
    previous ones. Change is descriptive, never a validated effect."""

    instrument: str
    variant: str
    latest: AssessmentSummary
    scores: dict[str, Any]
    change_since_first: dict[str, Any] | None
    change_since_previous: dict[str, Any] | None
    suggested_actions: list[SuggestedActionRead]


class PersonAssessments(BaseModel):
    assessments: list[AssessmentSummary]
    profiles: list[Profile]
