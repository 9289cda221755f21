"""Prometheus metrics of one service process, served at ``/metrics`` on the service's own
port (decision 0044): the gateway routes no path there and refuses ``/metrics`` itself.

- ``equitas_http_requests_total{method, route, status}``: requests answered. Errors by route
  are the series with a 4xx/5xx status; rate limit refusals are ``status="429"``.
- ``equitas_http_request_duration_seconds{method, route}``: a latency histogram.
- ``equitas_db_pool_*``: the database connection pool (size, in use, idle, overflow).
- ``equitas_<gauge>``: what the service reports with readiness (aggregation's feed lag:
  ``equitas_feed_lag_seconds``, ``equitas_feed_events_behind``, ...).

Routes are labelled by template (``/api/scoring/people/{person_id}``), never by path: paths
hold identifiers and whatever a caller typed, and each would be a series of its own. A
request no route matched is ``route="unmatched"``.

Each process has its own registry, built with the app (nothing at import time). The images
run one process per container; with several uvicorn workers a scrape sees the worker that
answers it.
"""

import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

UNMATCHED = "unmatched"
# Seconds: from a cached read (~2 ms) to the gateway's patience with a slow report.
LATENCY_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
)  # fmt: skip
_NOT_A_NAME = re.compile(r"[^a-zA-Z0-9_]")
# Measurements a service reports with its readiness (e.g. the aggregation feed's lag).
Gauges = Callable[[FastAPI], Awaitable[dict[str, float]]]


class _Pool(Collector):
    """The database pool as it is at the scrape (read from the engine the app holds)."""

    def __init__(self, app: FastAPI, service: str) -> None:
        self._app = app
        self._service = service

    def collect(self) -> Iterator[Metric]:
        engine = getattr(self._app.state, "engine", None)
        pool: Any = getattr(engine, "pool", None)
        if pool is None or not hasattr(pool, "checkedout"):
            return
        figures = {
            "size": ("Connections the pool keeps open", pool.size()),
            "in_use": ("Connections checked out to requests", pool.checkedout()),
            "idle": ("Connections open and waiting in the pool", pool.checkedin()),
            "overflow": ("Connections beyond the pool's size (negative: not yet opened)",
                         pool.overflow()),
        }  # fmt: skip
        for name, (description, value) in figures.items():
            family = GaugeMetricFamily(f"equitas_db_pool_{name}", description, labels=["service"])
            family.add_metric([self._service], float(value))
            yield family


class _Readings(Collector):
    """The readiness gauges, as last read by the scrape being answered."""

    def __init__(self, service: str) -> None:
        self._service = service
        self.values: dict[str, float] = {}

    def collect(self) -> Iterator[Metric]:
        for name, value in sorted(self.values.items()):
            metric = "equitas_" + _NOT_A_NAME.sub("_", name)
            family = GaugeMetricFamily(
                metric, f"{name}, as readiness reports it", labels=["service"]
            )
            family.add_metric([self._service], value)
            yield family


class ServiceMetrics:
    def __init__(self, service: str, app: FastAPI, gauges: Gauges | None = None) -> None:
        self.service = service
        # No "_created" series beside each counter and histogram: a timestamp per label set
        # that doubles every scrape and that rate() does not need.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "equitas_http_requests",
            "Requests answered, by route template, method and status",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self._duration = Histogram(
            "equitas_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by route template",
            ["service", "method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        # Label children by (method, route, status): labels() costs a lock and a lookup.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._readings = _Readings(service)
        self._gauges = gauges
        self._app = app
        self.registry.register(_Pool(app, service))
        self.registry.register(self._readings)

    def observe(self, method: str, route: str | None, status: int, seconds: float) -> None:
        key = (method, route or UNMATCHED, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self._requests.labels(self.service, key[0], key[1], str(status)),
                self._duration.labels(self.service, key[0], key[1]),
            )
        children[0].inc()
        children[1].observe(seconds)

    async def exposition(self) -> bytes:
        if self._gauges is not None:
            try:
                self._readings.values = await self._gauges(self._app)
            except Exception:  # a reading that fails is left out; the rest still serve
                self._readings.values = {}
        return generate_latest(self.registry)


def metrics_router(metrics: ServiceMetrics) -> APIRouter:
    router = APIRouter()

    async def serve_metrics() -> Response:
        return Response(await metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    router.add_api_route("/metrics", serve_metrics, methods=["GET"], include_in_schema=False)
    return router
