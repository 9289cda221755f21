"""Request and response bodies of organisational assessments, projects, objectives and actions."""

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from services.common.input_rules import FreeText, PlainText


def _not_in_future(value: date) -> date:
    if value > datetime.now(UTC).date():
        raise ValueError("the assessment date is in the future")
    return value


AssessedOn = Annotated[date, AfterValidator(_not_in_future)]
Responses = Annotated[
    dict[str, str], Field(description="Item id -> answer code, e.g. {'k1_p1': 'assured'}")
]
Note = Annotated[FreeText, Field(max_length=4000)]


class ItemNote(BaseModel):
    """Free text kept with the assessment, never sent to the feed."""

    evidence: Note | None = None
    action: Note | None = None


ItemNotes = Annotated[
    dict[str, ItemNote],
    Field(description="Item id -> evidence and action notes (e.g. a scorecard cell's)"),
]
ProjectKind = Literal["project", "programme"]


class ProjectCreate(BaseModel):
    kind: ProjectKind = "project"
    name: PlainText = Field(min_length=1, max_length=200)
    description: FreeText | None = Field(default=None, max_length=2000)


class ProjectUpdate(BaseModel):
    kind: ProjectKind | None = None
    name: PlainText | None = Field(default=None, min_length=1, max_length=200)
    description: FreeText | None = Field(default=None, max_length=2000)


class ProjectRead(BaseModel):
    id: uuid.UUID
    organisation_code: str
    kind: str
    name: str
    description: str | None
    version: int
    created_at: datetime


class OrganisationalAssessmentCreate(BaseModel):
    instrument: Literal["board-self-assessment", "board-assurance", "heat", "heat-audit"]
    variant: str = Field(default="standard", max_length=64)
    version: str | None = Field(default=None, max_length=64, description="Omit for the latest")
    project_id: uuid.UUID | None = Field(
        default=None, description="The project or programme assessed (HEAT and its audit)"
    )
    episode_type: str | None = Field(default=None, max_length=32)
    assessed_on: AssessedOn
    review_in_months: int | None = Field(
        default=None, ge=6, le=12, description="HEAT: when the review falls due (6 to 12)"
    )
    responses: Responses = Field(default_factory=dict)
    item_notes: ItemNotes = Field(default_factory=dict)


class OrganisationalAssessmentUpdate(BaseModel):
    """A draft's changes. ``responses`` and ``item_notes`` are merged; null removes one."""

    episode_type: str | None = Field(default=None, max_length=32)
    assessed_on: AssessedOn | None = None
    review_in_months: int | None = Field(default=None, ge=6, le=12)
    responses: dict[str, str | None] | None = None
    item_notes: dict[str, ItemNote | None] | None = None


class OrganisationalAssessmentAmend(BaseModel):
    reason: FreeText = Field(min_length=5, max_length=2000, description="Why it is amended")
    responses: Responses
    item_notes: ItemNotes | None = None
    assessed_on: AssessedOn | None = None
    review_in_months: int | None = Field(default=None, ge=6, le=12)


class OrganisationalAssessmentRead(BaseModel):
    id: uuid.UUID
    organisation_code: str
    subject_type: str = Field(description="organisation or programme")
    project_id: uuid.UUID | None
    instrument: str
    variant: str
    instrument_version: str
    episode_type: str | None
    assessed_on: date
    review_due_on: date | None
    status: str = Field(description="draft or submitted")
    revision: int
    version: int = Field(description="Send as If-Match (the ETag) with every change")
    responses: dict[str, str]
    item_notes: dict[str, ItemNote]
    scores: dict[str, Any] | None
    created_by: str
    updated_at: datetime
    submitted_at: datetime | None
    deleted: bool


class OrganisationalRevisionRead(BaseModel):
    revision: int
    instrument_version: str
    assessed_on: date
    responses: dict[str, str]
    item_notes: dict[str, ItemNote]
    scores: dict[str, Any]
    amend_reason: str | None
    submitted_by: str
    submitted_at: datetime


class OrganisationalAssessmentSummary(BaseModel):
    id: uuid.UUID
    organisation_code: str
    subject_type: str
    project_id: uuid.UUID | None
    instrument: str
    instrument_version: str
    assessed_on: date
    review_due_on: date | None
    status: str
    revision: int


ObjectiveStatus = Literal["adopted", "in_progress", "achieved", "dropped"]
BoardRole = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class ObjectiveAdopt(BaseModel):
    ref: str = Field(max_length=16, description="The objective's number, e.g. '3.4'")
    board_role: BoardRole | None = Field(
        default=None, description="Who takes it forward; defaults to the library's role"
    )
    source_assessment_id: uuid.UUID | None = None


class ObjectiveUpdate(BaseModel):
    board_role: BoardRole | None = None
    status: ObjectiveStatus | None = None


class ObjectiveRead(BaseModel):
    id: uuid.UUID
    ref: str
    text: str
    domain: str
    board_role: str
    priority: bool
    status: str
    source_assessment_id: uuid.UUID | None
    adopted_at: datetime
    version: int
    actions: list["ActionRead"] = Field(default_factory=list)


ActionStatus = Literal["open", "in_progress", "done"]


class ActionCreate(BaseModel):
    description: FreeText = Field(min_length=1, max_length=2000)
    owner: PlainText = Field(min_length=1, max_length=200, description="Who does it (a role)")
    due_on: date


class ActionUpdate(BaseModel):
    description: FreeText | None = Field(default=None, min_length=1, max_length=2000)
    owner: PlainText | None = Field(default=None, min_length=1, max_length=200)
    due_on: date | None = None
    status: ActionStatus | None = None


class ActionRead(BaseModel):
    id: uuid.UUID
    objective_id: uuid.UUID | None
    assessment_id: uuid.UUID | None
    description: str
    owner: str
    due_on: date
    status: str
    done_on: date | None
    overdue: bool
    version: int


ObjectiveRead.model_rebuild()


class PrivateRequest(BaseModel):
    """Either the answers, or the code of an earlier private session (from the link)."""

    responses: Responses | None = None
    code: str | None = Field(default=None, max_length=2048, description="From the link")


class PrivateResults(BaseModel):
    code: str = Field(description="Put in the link's fragment: #code=<code>")
    responses: dict[str, str]
    results: dict[str, Any]
