"""The routes every report gets from its ``Report``: the PDF, the HTML preview, and a CSV of
each table behind it. Path and query parameters come from the report's request
dependency (a function FastAPI calls), so adding a report adds no route code."""

import time
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from services.common.auth import Principal
from services.common.errors import NotFound, problem_responses
from services.reporting.machinery.render import PDF_RENDERS, render_html, render_pdf
from services.reporting.machinery.report import Report, ReportDocument
from services.reporting.machinery.tables import to_csv
from services.reporting.settings import ReportingSettings
from services.reporting.upstream import Upstream

PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"
# Upstream refusals pass through unchanged; 503 when an upstream cannot be reached (or, for
# a PDF, when too many are being drawn already).
REPORT_PROBLEMS = problem_responses(401, 403, 404, 503)
BINARY = {"type": "string", "format": "binary"}
TEXT = {"type": "string"}


def upstream_for(request: Request, principal: Principal) -> Upstream:
    settings: ReportingSettings = request.app.state.settings
    return Upstream(request.app.state.http, settings, principal)


def _download(document: ReportDocument, extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'inline; filename="{document.filename}.{extension}"'}


def report_routes(
    report: Report[Any],
    path: str,
    params: Callable[..., Any],
    *,
    tag: str,
    summary: str,
    method: Literal["GET", "POST"] = "GET",
) -> APIRouter:
    """``GET {path}.pdf``, ``{path}.html`` and ``{path}/{table}.csv``. ``params`` is a
    FastAPI dependency returning the report's request (it may depend on the caller).
    ``method="POST"``: the request is in a body ``params`` reads (what must never be in a
    URL, such as a private self-assessment's answers)."""
    router = APIRouter(tags=[tag])
    Params = Annotated[Any, Depends(params)]
    # A body may be malformed or too large (as for every POST through the gateway).
    problems = {**REPORT_PROBLEMS, **(problem_responses(400, 413) if method == "POST" else {})}
    tables = "^(" + "|".join(report.tables) + ")$"

    async def document(request: Request, wanted: Any) -> ReportDocument:
        return await report.build(upstream_for(request, request.state.principal), wanted)

    @router.api_route(
        f"{path}.pdf",
        methods=[method],
        summary=f"{summary}: PDF (PDF/UA-1, tagged)",
        response_class=Response,
        responses={
            200: {"content": {PDF: {"schema": BINARY}}, "description": "The report"},
            **problems,
        },
        name=f"{report.name.replace('-', '_')}_pdf",
    )
    async def pdf(request: Request, wanted: Params) -> Response:
        started = time.perf_counter()
        doc = await document(request, wanted)
        fetched = time.perf_counter()
        # A place is held for drawing only: a refusal by the owning service never waits.
        with PDF_RENDERS.admitted():
            body = await render_pdf(report, doc)
        # Where the time went (W3C Server-Timing), for the benchmark and browser tools.
        timing = (
            f"fetch;dur={(fetched - started) * 1000:.1f}, "
            f"render;dur={(time.perf_counter() - fetched) * 1000:.1f}"
        )
        headers = {**_download(doc, "pdf"), "Server-Timing": timing}
        return Response(body, media_type=PDF, headers=headers)

    @router.api_route(
        f"{path}.html",
        methods=[method],
        summary=f"{summary}: HTML preview",
        response_class=HTMLResponse,
        responses={200: {"description": "The report as HTML"}, **problems},
        name=f"{report.name.replace('-', '_')}_html",
    )
    async def html(request: Request, wanted: Params) -> HTMLResponse:
        doc = await document(request, wanted)
        return HTMLResponse(render_html(report, doc, for_print=False))

    async def csv(
        request: Request,
        wanted: Params,
        table: Annotated[str, Path(description="Which table of the report", pattern=tables)],
    ) -> Response:
        doc = await document(request, wanted)
        found = doc.table(table)
        if found is None:
            raise NotFound(
                f"This report has no table {table!r} (it has {', '.join(t.id for t in doc.tables)})"
            )
        return Response(
            to_csv(found),
            media_type=CSV,
            headers={"Content-Disposition": f'attachment; filename="{doc.filename}-{table}.csv"'},
        )

    router.add_api_route(
        f"{path}/{{table}}.csv",
        csv,
        methods=[method],
        summary=f"{summary}: one of its tables as CSV ({', '.join(report.tables)})",
        response_class=Response,
        responses={
            200: {"content": {"text/csv": {}}, "description": "The table"},
            **problems,
        },
        name=f"{report.name.replace('-', '_')}_csv",
    )
    return router
