"""``/api/reporting/organisational-assessments/{id}/heat-summary.pdf`` (``.html``, tables as
CSV), ``?audit=true`` to add the organisation's audit of HEAT use and impact. Refused as
scoring refuses the assessment's stages (and the audit)."""

import uuid
from typing import Annotated

from fastapi import Path, Query

from services.common.auth import Authenticated
from services.reporting.heat_summary.data import HeatRequest, build
from services.reporting.machinery.report import Report
from services.reporting.machinery.routes import report_routes

REPORT = Report[HeatRequest](
    name="heat-summary",
    template="heat_summary/template.html",
    tables=(
        "stages",
        "dimensions",
        "prompts",
        "actions",
        "audit-use",
        "audit-stages",
        "audit-impact",
    ),
    build=build,
)


async def heat_request(
    assessment_id: Annotated[uuid.UUID, Path(description="A HEAT assessment's id")],
    _: Authenticated,
    audit: Annotated[
        bool,
        Query(description="Add the organisation's audit of HEAT use and impact (audit-* tables)"),
    ] = False,
) -> HeatRequest:
    return HeatRequest(assessment_id=assessment_id, audit=audit)


router = report_routes(
    REPORT,
    "/api/reporting/organisational-assessments/{assessment_id}/heat-summary",
    heat_request,
    tag="board-reports",
    summary="A project's HEAT assessment: stages, dimensions, actions and review due",
)
