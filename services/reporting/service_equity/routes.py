"""``/api/reporting/equity/datasets/{dataset_id}/service-equity.pdf`` (``.html``, tables as
CSV): a service's equity report. Aggregation decides, with the caller's own token, what
they may read; the parameters are its analyses' own, and refused as it refuses them."""

from datetime import date
from typing import Annotated

from fastapi import Path, Query

from services.common.auth import Authenticated
from services.reporting.machinery.report import Report
from services.reporting.machinery.routes import report_routes
from services.reporting.service_equity.data import EquityRequest, build

REPORT = Report[EquityRequest](
    name="service-equity",
    template="service_equity/template.html",
    tables=(
        "completeness",
        "engagement-imd-quintile",
        "engagement-core20plus",
        "engagement-ethnic-group",
        "engagement-age-band",
        "engagement-sex",
        "inequality",
        "representation",
        "evaluation",
        "plan",
    ),
    build=build,
)
BIGINT_MAX = 2**63 - 1
CODE = r"^[a-z0-9_\-+]{1,24}$"


async def equity_request(
    dataset_id: Annotated[int, Path(ge=1, le=BIGINT_MAX, description="An activity dataset")],
    _: Authenticated,
    from_: Annotated[date | None, Query(alias="from", description="Referrals on or after")] = None,
    to: Annotated[date | None, Query(description="Referrals on or before")] = None,
    clinical_area: Annotated[
        str | None, Query(pattern=CODE, description="Only records with this Core20PLUS5 tag")
    ] = None,
    reference: Annotated[
        int | None,
        Query(ge=1, le=BIGINT_MAX, description="Add representation against this population"),
    ] = None,
    intervention: Annotated[
        date | None, Query(description="Add the evaluation of the change made on this date")
    ] = None,
    measure: Annotated[
        str, Query(pattern=CODE, description="The evaluation's measure (opt_in, dna, ...)")
    ] = "dna",
    by: Annotated[str, Query(pattern=CODE, description="The evaluation's groups")] = (
        "imd_quintile"
    ),
    focus: Annotated[
        str | None, Query(pattern=CODE, description="The group the change is for")
    ] = None,
) -> EquityRequest:
    return EquityRequest(
        dataset_id=dataset_id,
        start=from_,
        end=to,
        clinical_area=clinical_area,
        reference=reference,
        intervention=intervention,
        measure=measure,
        by=by,
        focus=focus,
    )


router = report_routes(
    REPORT,
    "/api/reporting/equity/datasets/{dataset_id}/service-equity",
    equity_request,
    tag="aggregate-reports",
    summary="A service's equity report: completeness, engagement by group, representation "
    "and evaluation",
)
