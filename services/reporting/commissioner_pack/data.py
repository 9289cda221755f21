"""The commissioner pack's data function: the HEF summary at trust level under one ICB.
Trusts are listed in name order, side by side, and never ranked."""

from dataclasses import dataclass, replace

from services.reporting.machinery.report import ReportDocument
from services.reporting.org_summary.data import SummaryRequest
from services.reporting.org_summary.data import build as build_summary
from services.reporting.org_summary.data import check as check_summary
from services.reporting.upstream import Upstream


@dataclass(frozen=True)
class PackRequest:
    icb: str
    year: int


def _summary(request: PackRequest) -> SummaryRequest:
    return SummaryRequest(organisation=request.icb, level="trust", year=request.year)


async def check(upstream: Upstream, request: PackRequest) -> None:
    await check_summary(upstream, _summary(request))


async def build(upstream: Upstream, request: PackRequest) -> ReportDocument:
    summary = await build_summary(upstream, _summary(request))
    year = summary.context["year"]
    return replace(
        summary,
        title=f"Commissioner pack: HEF across the trusts of {request.icb}, {year}",
        running_header=(
            f"{request.icb} · commissioner pack {year} · aggregated figures, no personal data"
        ),
        filename=f"commissioner-pack-{request.icb}-{year.replace('/', '-')}",
        caveats=[
            "Trusts are shown side by side in name order. They are not ranked: HEF describes "
            "the people each trust supports, who differ, and is not a performance measure.",
            *summary.caveats,
        ],
        context={**summary.context, "icb": request.icb},
    )
