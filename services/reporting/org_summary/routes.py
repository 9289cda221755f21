"""``/api/reporting/hef-summary.pdf`` (``.html``, tables as CSV): a team's or
organisation's HEF summary for a financial year. Aggregation decides, with the caller's
own token, what they may read."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query

from services.common.auth import Authenticated
from services.reporting.machinery.report import Report
from services.reporting.machinery.routes import report_routes
from services.reporting.org_summary.data import (
    Level,
    SummaryRequest,
    build,
    check,
    current_financial_year,
)

REPORT = Report[SummaryRequest](
    name="hef-summary",
    template="org_summary/template.html",
    tables=(
        "headline",
        "quarters",
        "determinants",
        "change",
        "imd-quintile",
        "ethnic-group",
        "age-band",
        "sex",
    ),
    build=build,
    check=check,
)
ORGANISATION = Query(
    description="An ODS or team code: the unit reported on (default: everything you may read)",
    max_length=64,
    pattern=r"^[A-Z0-9][A-Z0-9-]{0,63}$",
)
YEAR = Query(
    description="The NHS financial year starting 1 April of this year (default: the current one)",
    ge=2000,
    le=2100,
)


async def summary_request(
    _: Authenticated,
    organisation: Annotated[str | None, ORGANISATION] = None,
    level: Annotated[
        Level | None, Query(description="Units of the figures (default: your organisation's)")
    ] = None,
    year: Annotated[int | None, YEAR] = None,
) -> SummaryRequest:
    return SummaryRequest(
        organisation=organisation,
        level=level,
        year=year if year is not None else current_financial_year(datetime.now(UTC).date()),
    )


router = report_routes(
    REPORT,
    "/api/reporting/hef-summary",
    summary_request,
    tag="aggregate-reports",
    summary="A team's or organisation's HEF summary for a financial year",
)
