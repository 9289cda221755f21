"""Scoring's organisational feed as aggregation reads it: the parts of
``OrganisationalFeedPage``, ``OrganisationalFeedItem`` and ``OrganisationalPayloadV1`` in
``openapi/scoring.yaml`` that the board roll-ups use (decision 0030). Declared here because
services never import each other's code; ``tests/unit/test_board_rollups_results.py`` checks
them against the committed document. Answers are not read at all: the roll-ups need only the
engine's scores. Fields the document adds later are ignored."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

OrganisationalEventType = Literal[
    "assessment.submitted",
    "assessment.amended",
    "assessment.deleted",
    "assessment.restored",
]
# After these the assessment counts; a deletion hides it until it is restored.
PRESENT = frozenset({"assessment.submitted", "assessment.amended", "assessment.restored"})


class OrganisationalPayload(BaseModel):
    schema_version: Literal[1]
    event: OrganisationalEventType
    subject_type: Literal["organisation", "programme"]
    assessment_key: str
    revision: int
    organisation_code: str
    commissioner_code: str | None
    instrument: str
    instrument_version: str
    assessed_on: date
    submitted_at: datetime | None
    scores: dict[str, Any] | None


class OrganisationalItem(BaseModel):
    cursor: str
    event_type: OrganisationalEventType
    occurred_at: datetime
    payload: OrganisationalPayload


class OrganisationalPage(BaseModel):
    events: list[OrganisationalItem]
    next_cursor: str
