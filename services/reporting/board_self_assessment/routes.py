"""``/api/reporting/organisational-assessments/{id}/board-self-assessment.pdf`` (``.html``,
tables as CSV): a stored board self-assessment, refused as scoring refuses its results.

``POST /api/reporting/private/board-self-assessment.pdf`` (``.html``, tables as CSV) with
the answers or the link's code in the body: a private session's report, made on the spot
and kept nowhere (not a job; the answers never in a URL; decision 0039)."""

import uuid
from typing import Annotated

from fastapi import Path, Request
from pydantic import BaseModel, Field

from services.common.auth import Authenticated
from services.reporting.board_self_assessment.data import (
    PrivateRequest,
    StoredRequest,
    build_private,
    build_stored,
)
from services.reporting.machinery.report import Report
from services.reporting.machinery.routes import report_routes
from services.reporting.settings import ReportingSettings

TABLES = ("domains", "objectives", "answers")
TEMPLATE = "board_self_assessment/template.html"
STORED = Report[StoredRequest](
    name="board-self-assessment", template=TEMPLATE, tables=TABLES, build=build_stored
)
PRIVATE = Report[PrivateRequest](
    name="private-board-self-assessment", template=TEMPLATE, tables=TABLES, build=build_private
)


class PrivateBoardAnswers(BaseModel):
    """Either the answers, or the code from a private session's link (its fragment)."""

    responses: dict[str, str] | None = Field(
        default=None, description="Question id -> answer code, e.g. {'ph_team': 'planned'}"
    )
    code: str | None = Field(default=None, max_length=2048, description="From the link")


async def stored_request(
    assessment_id: Annotated[uuid.UUID, Path(description="A board self-assessment's id")],
    _: Authenticated,
) -> StoredRequest:
    return StoredRequest(assessment_id=assessment_id)


async def private_request(
    body: PrivateBoardAnswers, _: Authenticated, request: Request
) -> PrivateRequest:
    settings: ReportingSettings = request.app.state.settings
    return PrivateRequest(responses=body.responses, code=body.code, site=settings.public_url)


stored_router = report_routes(
    STORED,
    "/api/reporting/organisational-assessments/{assessment_id}/board-self-assessment",
    stored_request,
    tag="board-reports",
    summary="A board self-assessment: maturity by domain and the suggested objectives",
)
private_router = report_routes(
    PRIVATE,
    "/api/reporting/private/board-self-assessment",
    private_request,
    tag="board-reports",
    summary="A private board self-assessment from its answers or link code, stored nowhere",
    method="POST",
)
