"""Jinja2 → HTML → PDF. The PDF is PDF/UA-1 (tagged: language, title, headings, table
headers, alternative text on every chart), drawn by WeasyPrint in a worker thread so the
event loop keeps serving."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import jinja2
from weasyprint import HTML  # type: ignore[import-untyped]

from services.reporting.machinery.report import Report, ReportDocument

_ROOT = Path(__file__).resolve().parents[1]  # services/reporting: each report's folder
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader([str(Path(__file__).parent / "templates"), str(_ROOT)]),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
PDF_VARIANT = "pdf/ua-1"


def render_html(report: Report[Any], document: ReportDocument, *, for_print: bool) -> str:
    template = _ENV.get_template(report.template)
    return template.render(
        doc=document,
        report=report,
        for_print=for_print,
        made_at=datetime.now(UTC).strftime("%-d %B %Y %H:%M UTC"),
    )


def _pdf(html: str) -> bytes:
    pdf: bytes = HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


async def render_pdf(report: Report[Any], document: ReportDocument) -> bytes:
    html = render_html(report, document, for_print=True)
    return await anyio.to_thread.run_sync(_pdf, html)


async def warm_up() -> None:
    """Load fonts and the layout engine once at start-up, not on a user's first report."""
    await anyio.to_thread.run_sync(
        _pdf, '<html lang="en-GB"><head><title>Warm-up</title></head><body><h1>.</h1></body></html>'
    )
