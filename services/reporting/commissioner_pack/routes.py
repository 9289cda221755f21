"""``/api/reporting/commissioner-pack.pdf?icb=`` (``.html``, tables as CSV): the trusts an
ICB commissions, side by side, never ranked."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query

from services.common.auth import Authenticated
from services.reporting.commissioner_pack.data import PackRequest, build, check
from services.reporting.machinery.report import Report
from services.reporting.machinery.routes import report_routes
from services.reporting.org_summary.data import current_financial_year
from services.reporting.org_summary.routes import REPORT as SUMMARY
from services.reporting.org_summary.routes import YEAR

REPORT = Report[PackRequest](
    name="commissioner-pack",
    template="commissioner_pack/template.html",
    tables=SUMMARY.tables,
    build=build,
    check=check,
)


async def pack_request(
    _: Authenticated,
    icb: Annotated[
        str,
        Query(
            description="The ICB's ODS code",
            max_length=64,
            pattern=r"^[A-Z0-9][A-Z0-9-]{0,63}$",
        ),
    ],
    year: Annotated[int | None, YEAR] = None,
) -> PackRequest:
    return PackRequest(
        icb=icb,
        year=year if year is not None else current_financial_year(datetime.now(UTC).date()),
    )


router = report_routes(
    REPORT,
    "/api/reporting/commissioner-pack",
    pack_request,
    tag="aggregate-reports",
    summary="An ICB's trusts side by side (HEF, a financial year), never ranked",
)
