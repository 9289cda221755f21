"""BI exports computed a few at a time, as reporting draws PDFs (``PdfRenders``).

An export that builds the ``measures`` table holds one of the process's pooled connections
for as long as its summaries take (seconds for a whole table), and its disclosure control
takes CPU. With 24 at once every connection of the pool was held: the requests behind them
(BI or not) waited out the pool's 30 s and got a 503. So at most ``at_once`` exports build
at a time (each holds one connection, so the pool always keeps the rest), at most
``waiting`` more wait their turn holding none, and past both a request gets a quick 503
with ``Retry-After`` before any work. A next page served from the table already built, and
a 304, are never held up (decision 0051).
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from services.common.admission import Admission
from services.common.errors import problem_responses

BUSY = (
    "BI exports are busy just now, so this one was not started; try again in a few seconds "
    "(a filter that names the level, period type or breakdown makes an export cheaper)"
)
# A whole table takes seconds to build: asking again sooner would mostly be refused again.
RETRY_AFTER_S = 5


def busy_response() -> dict[int | str, dict[str, Any]]:
    """The 503 an export route documents (``responses=``)."""
    documented = problem_responses(503)[503]
    return {
        503: {
            **documented,
            "description": "Exports are busy: try again after Retry-After seconds",
            "headers": {
                "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
            },
        }
    }


class ExportAdmission:
    """Places for exports to build (``at_once``) and to wait (``waiting``), per process."""

    def __init__(self, at_once: int, waiting: int) -> None:
        if at_once < 1 or waiting < 0:
            raise ValueError("at least one export at a time, and no negative queue")
        self.at_once, self.waiting = at_once, waiting
        self._places = Admission(at_once + waiting, BUSY, RETRY_AFTER_S)
        self._building = asyncio.Semaphore(at_once)

    @property
    def admitted_now(self) -> int:
        """Exports building or waiting (for the metrics and the tests)."""
        return self._places.admitted_now

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        """Hold a place to build one export, waiting for it if need be; or 503 at once."""
        with self._places.place():
            async with self._building:
                yield


def exports_of(app: FastAPI) -> ExportAdmission:
    """The process's admission of exports, made on first use from its settings."""
    found: ExportAdmission | None = getattr(app.state, "bi_exports", None)
    if found is None:
        settings = app.state.settings
        found = ExportAdmission(settings.bi_exports_at_once, settings.bi_exports_waiting)
        app.state.bi_exports = found
    return found
