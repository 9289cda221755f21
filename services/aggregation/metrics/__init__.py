"""The metrics of the aggregation service (docs/aggregation.md), one entry point each.

Each takes an asyncpg connection, the caller's ``ReaderScope`` (``access.auth
.AggregateReader``) and a ``MetricQuery`` (``metrics.query``; build one directly, e.g.
``MetricQuery(level=Level.trust, period=Period.quarter, by=(Breakdown.imd_quintile,))``),
checks the query against the scope (403 ``Forbidden`` naming the parameter), and returns
the typed answer of the API, already disclosure-controlled as one table:

- ``compute_summary(conn, scope, query) -> Summary``: rows of unit x period x breakdowns with
  ``people``, ``assessments``, ``mean_score`` and ``bands``;
- ``compute_timeseries(conn, scope, query) -> TimeSeries``;
- ``compute_change(conn, scope, query) -> Change`` (paired first -> latest);
- ``compute_inequality(conn, scope, query, quantiles) -> Inequality`` (SII/RII);
- ``compute_completeness(conn, scope, query) -> Completeness``;
- ``compute_funnel(conn, scope, query, measure) -> Funnel``.

Every ``Count`` holds ``value`` (0, a multiple of 5 or None), ``suppressed`` and
``reason``; every ``Interval`` ``value``, ``lower``, ``upper`` or ``withheld``. Never show a
figure these do not show.
"""

from services.aggregation.metrics.change import compute_change
from services.aggregation.metrics.completeness import compute_completeness
from services.aggregation.metrics.funnel import FunnelMeasure, compute_funnel
from services.aggregation.metrics.inequality import Quantiles, compute_inequality
from services.aggregation.metrics.query import Breakdown, MetricQuery, Period, Structure
from services.aggregation.metrics.summary import compute_summary, compute_timeseries

__all__ = [
    "Breakdown",
    "FunnelMeasure",
    "MetricQuery",
    "Period",
    "Quantiles",
    "Structure",
    "compute_change",
    "compute_completeness",
    "compute_funnel",
    "compute_inequality",
    "compute_summary",
    "compute_timeseries",
]
