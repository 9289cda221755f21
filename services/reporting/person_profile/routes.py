"""``/api/reporting/people/{person_id}/hef-profile.pdf`` (and ``.html``, and its tables as
CSV). Anyone may ask; scoring decides, with the caller's own token, whether they may see
the person (and audits the read)."""

import uuid
from typing import Annotated

from fastapi import Path, Query

from services.common.auth import Authenticated
from services.reporting.machinery.report import Report
from services.reporting.machinery.routes import report_routes
from services.reporting.person_profile.data import ProfileRequest, build

REPORT = Report[ProfileRequest](
    name="hef-profile",
    template="person_profile/template.html",
    tables=("profile", "indicators", "change", "actions"),
    build=build,
)


async def profile_request(
    person_id: Annotated[uuid.UUID, Path(description="Person id")],
    principal: Authenticated,
    assessment: Annotated[
        uuid.UUID | None,
        Query(description="A submitted HEF assessment of the person (default: their latest)"),
    ] = None,
) -> ProfileRequest:
    return ProfileRequest(
        person_id=person_id,
        assessment_id=assessment,
        caller_subject=principal.subject,
        caller_name=principal.name,
    )


router = report_routes(
    REPORT,
    "/api/reporting/people/{person_id}/hef-profile",
    profile_request,
    tag="person-reports",
    summary="A person's HEF profile for their care record",
)
