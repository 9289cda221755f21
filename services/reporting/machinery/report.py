"""A report is a data function and a template. The data function fetches (through
``Upstream``, with the caller's token) and returns a ``ReportDocument``; the template lays
it out with the shared macros. Routes, CSVs, PDF and jobs come from here."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from services.reporting.machinery.charts import Chart
from services.reporting.machinery.tables import Table
from services.reporting.upstream import Upstream


@dataclass(frozen=True)
class ReportDocument:
    title: str
    # Printed at the top of every page: who or what the report is about.
    running_header: str
    # A file name without extension, e.g. "hef-profile-2026-03-01".
    filename: str
    tables: Sequence[Table]
    charts: Sequence[Chart] = ()
    context: Mapping[str, Any] = field(default_factory=dict)
    caveats: Sequence[str] = ()

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables if t.id == table_id), None)


P = TypeVar("P")


@dataclass(frozen=True)
class Report(Generic[P]):
    """``name`` is the report's path segment; ``tables`` the ids of its CSVs."""

    name: str
    template: str
    tables: tuple[str, ...]
    build: Callable[[Upstream, P], Awaitable[ReportDocument]]
    # One quick upstream call that is refused exactly when ``build`` would be: a job is
    # accepted only after it passes, so a caller without access hears so at once.
    check: Callable[[Upstream, P], Awaitable[None]] | None = None
