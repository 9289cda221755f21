"""``/api/reporting/organisational-assessments/{id}/board-assurance-scorecard.pdf``
(``.html``, tables as CSV): a board assurance scorecard, refused as scoring refuses it."""

import uuid
from typing import Annotated

from fastapi import Path

from services.common.auth import Authenticated
from services.reporting.assurance_scorecard.data import ScorecardRequest, build
from services.reporting.machinery.report import Report
from services.reporting.machinery.routes import report_routes

REPORT = Report[ScorecardRequest](
    name="board-assurance-scorecard",
    template="assurance_scorecard/template.html",
    tables=("scorecard", "by-kloe", "by-priority", "cells"),
    build=build,
)


async def scorecard_request(
    assessment_id: Annotated[uuid.UUID, Path(description="A board assurance assessment's id")],
    _: Authenticated,
) -> ScorecardRequest:
    return ScorecardRequest(assessment_id=assessment_id)


router = report_routes(
    REPORT,
    "/api/reporting/organisational-assessments/{assessment_id}/board-assurance-scorecard",
    scorecard_request,
    tag="board-reports",
    summary="A board assurance scorecard: the 40 cells at a glance and their roll-ups",
)
