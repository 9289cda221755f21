"""Jinja2 → HTML → PDF. The PDF is PDF/UA-1 (tagged: language, title, headings, table
headers, alternative text on every chart), drawn by WeasyPrint in a worker thread so the
event loop keeps serving."""

from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import jinja2
from weasyprint import HTML  # type: ignore[import-untyped]

from services.common.admission import Admission
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


BUSY = (
    "Reports are busy just now, so this one was not started; try again in a few seconds "
    "(a long report can be asked for as a job: POST /api/reporting/jobs)"
)


class PdfRenders:
    """PDFs are drawn ``at_once`` at a time (WeasyPrint holds the GIL: more threads share one
    core and each takes longer), and at most ``waiting`` more requests are admitted behind
    them. Past that a request gets a quick 503 with Retry-After rather than queueing until
    its client gives up: under load, 30 s timeouts piled up behind an unbounded queue
    (``make load``). Report jobs are not refused; they wait their turn."""

    def __init__(self, at_once: int = 2, waiting: int = 32) -> None:
        self.configure(at_once, waiting)

    def configure(self, at_once: int, waiting: int) -> None:
        self._at_once = at_once
        self._places = Admission(at_once + waiting, BUSY, retry_after_s=2)
        self._limiter: anyio.CapacityLimiter | None = None  # made in the event loop

    def admitted(self) -> AbstractContextManager[None]:
        """Hold a place for one PDF to draw, or 503."""
        return self._places.place()

    async def draw(self, html: str) -> bytes:
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self._at_once)
        return await anyio.to_thread.run_sync(_pdf, html, limiter=self._limiter)


PDF_RENDERS = PdfRenders()


async def render_pdf(report: Report[Any], document: ReportDocument) -> bytes:
    html = render_html(report, document, for_print=True)
    return await PDF_RENDERS.draw(html)


async def warm_up() -> None:
    """Load fonts and the layout engine once at start-up, not on a user's first report."""
    await anyio.to_thread.run_sync(
        _pdf, '<html lang="en-GB"><head><title>Warm-up</title></head><body><h1>.</h1></body></html>'
    )
