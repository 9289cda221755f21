"""What a service's /metrics says (decision 0044): requests by route template, latency, and
the readiness gauges; the pool's series are checked against a running service in
tests/test_limits_and_observability.py."""

from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from services.common.metrics import ServiceMetrics


def _samples(text: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text.decode())
        for s in family.samples
    }


async def _feed_gauges(app: FastAPI) -> dict[str, float]:
    return {"feed_lag_seconds": 2.5, "feed_events_behind": 7.0}


async def _failing_gauges(app: FastAPI) -> dict[str, float]:
    raise ConnectionError


async def test_requests_are_counted_by_route_template_and_status() -> None:
    metrics = ServiceMetrics("scoring", FastAPI(), _feed_gauges)
    person = "/api/scoring/people/{person_id}"
    metrics.observe("GET", person, 200, 0.004)
    metrics.observe("GET", person, 200, 0.2)
    metrics.observe("GET", person, 429, 0.001)
    metrics.observe("GET", None, 404, 0.001)
    samples = _samples(await metrics.exposition())

    def labels(**extra: str) -> tuple[tuple[str, str], ...]:
        return tuple(sorted({"service": "scoring", "method": "GET", **extra}.items()))

    assert samples["equitas_http_requests_total", labels(route=person, status="200")] == 2
    assert samples["equitas_http_requests_total", labels(route=person, status="429")] == 1
    assert samples["equitas_http_requests_total", labels(route="unmatched", status="404")] == 1
    assert samples["equitas_http_request_duration_seconds_count", labels(route=person)] == 3
    assert (
        samples["equitas_http_request_duration_seconds_bucket", labels(route=person, le="0.005")]
        == 2
    )
    assert samples["equitas_feed_lag_seconds", (("service", "scoring"),)] == 2.5
    assert samples["equitas_feed_events_behind", (("service", "scoring"),)] == 7
    assert not any(name.endswith("_created") for name, _ in samples)


async def test_a_gauge_that_fails_is_left_out_and_the_rest_still_serve() -> None:
    metrics = ServiceMetrics("aggregation", FastAPI(), _failing_gauges)
    metrics.observe("GET", "/api/aggregation/me", 200, 0.01)
    samples = _samples(await metrics.exposition())
    assert not any(name.startswith("equitas_feed") for name, _ in samples)
    assert any(name == "equitas_http_requests_total" for name, _ in samples)
