"""Limits and observability (issue 23), through the gateway with real tokens, on a system of
this module's own: low rate limits (decisions 0043) and logs at INFO.

- Past its limit a client gets 429 with Retry-After: problem+json, or an OperationOutcome on
  /fhir; another client is still served.
- Each service's /metrics has the request, latency, pool (and feed) series, labelled by
  route template, and is not reachable through the gateway.
- A traceparent sent to reporting reaches scoring with the same trace (decision 0044); the
  gateway starts a trace when none is sent; every request's log lines name its request id.
"""

import asyncio
import json
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from equitas_stack.stack import REPO, Stack, StackConfig, default_database_url
from prometheus_client.parser import text_string_to_metric_families

from tests.support.fixtures import Tokens
from tests.support.own_stack import drop_databases

pytestmark = pytest.mark.slow

STAFF_BURST = 10
# Tokens come back at one every two seconds: a test's burst of requests is refused at once.
LIMIT = {"per_s": 0.5, "burst": STAFF_BURST}
TRACE = "0af7651916cd43dd8448eb211c80319c"
PARENT = "b7ad6b7169203331"


@pytest.fixture(scope="module")
def limited() -> Iterator[Stack]:
    database_url = default_database_url()
    prefix = f"equitas_limits_{os.getpid()}_"
    config = StackConfig.on_free_ports(
        database_url=database_url,
        database_prefix=prefix,
        var_dir=REPO / "var" / "test-runs" / str(os.getpid()) / "limits",
        environment="test",
        log_level="INFO",
        extra_env={
            "EQUITAS_RATE_LIMIT_STAFF": json.dumps(LIMIT),
            "EQUITAS_RATE_LIMIT_SYSTEMS": json.dumps(LIMIT),
            # A client of its own: aggregation reads scoring's feed as fast as it needs.
            "EQUITAS_RATE_LIMIT_CLIENTS": json.dumps(
                {"aggregation-service": {"per_s": 1000, "burst": 10000}}
            ),
        },
    )
    system = Stack(config)
    system.start()
    try:
        yield system
    finally:
        system.stop()
        if database_url:
            asyncio.run(drop_databases(database_url, prefix))


@pytest.fixture(scope="module")
def own_tokens(limited: Stack) -> Tokens:
    return Tokens(limited.config.public_url, {})


async def _hammer(
    url: str, headers: dict[str, str], times: int = STAFF_BURST + 6
) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=30) as http:
        return [await http.get(url, headers=headers) for _ in range(times)]


async def test_past_its_limit_a_client_gets_429_with_retry_after(
    limited: Stack, own_tokens: Tokens
) -> None:
    public = limited.config.public_url
    answers = await _hammer(f"{public}/api/scoring/me", await own_tokens.headers("clinician.a"))
    statuses = [a.status_code for a in answers]
    assert statuses[:STAFF_BURST] == [200] * STAFF_BURST
    assert statuses[-3:] == [429] * 3
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["x-request-id"]
    body = refused.json()
    assert body["status"] == 429
    assert body["type"].endswith("/too-many-requests")
    assert body["title"] == "Too many requests"
    assert body["detail"] == (
        f"This client may send {STAFF_BURST} requests at once and 0.5 a second after that; "
        f"try again in {refused.headers['retry-after']} s."
    )
    async with httpx.AsyncClient(timeout=30) as http:
        other = await http.get(
            f"{public}/api/scoring/me", headers=await own_tokens.headers("clinician.b")
        )
    assert other.status_code == 200  # a bucket per client


async def test_a_fhir_client_past_its_limit_gets_an_operation_outcome(
    limited: Stack, own_tokens: Tokens
) -> None:
    token = await own_tokens.system("rio-epr-demo", "patient:read")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"}
    answers = await _hammer(f"{limited.config.public_url}/fhir/Patient?_count=1", headers)
    assert answers[0].status_code == 200
    refused = answers[-1]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/fhir+json"
    assert int(refused.headers["retry-after"]) >= 1
    outcome = refused.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert [(i["severity"], i["code"]) for i in outcome["issue"]] == [("error", "throttled")]


async def test_a_report_for_a_caller_past_scorings_limit_is_429_not_503(
    limited: Stack, own_tokens: Tokens
) -> None:
    # Reporting forwards the caller's token, so scoring's refusal is the caller's own limit:
    # it is passed on as 429 with scoring's Retry-After, never retried as an outage.
    public = limited.config.public_url
    headers = await own_tokens.headers("clinician.trustb")  # no other test here uses them
    await _hammer(f"{public}/api/scoring/me", headers)
    url = f"{public}/api/reporting/people/{uuid.uuid4()}/hef-profile.html"
    async with httpx.AsyncClient(timeout=60) as http:
        answer = await http.get(url, headers=headers)
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["retry-after"]) >= 1


def _samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


async def test_metrics_count_requests_by_route_template_on_the_services_own_port(
    limited: Stack, own_tokens: Tokens
) -> None:
    public, ports = limited.config.public_url, limited.config.service_ports
    person = uuid.uuid4()
    async with httpx.AsyncClient(timeout=30) as http:
        headers = await own_tokens.headers("team.lead")
        assert (await http.get(f"{public}/api/scoring/me", headers=headers)).status_code == 200
        missing = await http.get(f"{public}/api/scoring/people/{person}", headers=headers)
        assert missing.status_code == 404
        await _hammer(f"{public}/api/scoring/me", await own_tokens.headers("analyst"))
        scoring = await http.get(f"http://127.0.0.1:{ports['scoring']}/metrics")
        aggregation = await http.get(f"http://127.0.0.1:{ports['aggregation']}/metrics")
    assert scoring.status_code == 200
    assert scoring.headers["content-type"].startswith("text/plain; version=")
    samples = _samples(scoring.text)
    me = {"service": "scoring", "method": "GET", "route": "/api/scoring/me"}
    counts = {
        labels["status"]: value
        for name, labels, value in samples
        if name == "equitas_http_requests_total" and {k: labels.get(k) for k in me} == me
    }
    assert counts["200"] >= 1 + STAFF_BURST
    assert counts["429"] >= 1
    assert any(
        name == "equitas_http_requests_total"
        and labels["route"] == "/api/scoring/people/{person_id}"
        and labels["status"] == "404"
        for name, labels, _ in samples
    )
    assert str(person) not in scoring.text  # templates, never paths
    latency = [
        value
        for name, labels, value in samples
        if name == "equitas_http_request_duration_seconds_count" and labels["route"] == me["route"]
    ]
    assert latency
    assert latency[0] >= 1 + STAFF_BURST
    names = {name for name, _, _ in samples}
    pool = {"equitas_db_pool_size", "equitas_db_pool_in_use", "equitas_db_pool_idle"}
    assert pool <= names
    assert {"equitas_feed_lag_seconds", "equitas_feed_events_behind"} <= {
        name for name, _, _ in _samples(aggregation.text)
    }


@pytest.mark.parametrize(
    "path",
    ["/metrics", "/metrics/", "/api/scoring/metrics", "/api/aggregation/metrics",
     "/api/reporting/metrics", "/fhir/metrics"],
)  # fmt: skip
async def test_metrics_are_not_reachable_through_the_gateway(limited: Stack, path: str) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        answer = await http.get(limited.config.public_url + path)
    assert answer.status_code == 404
    assert "equitas_http_requests" not in answer.text


def _lines(stack: Stack, service: str) -> list[dict[str, Any]]:
    path = stack.config.var_dir / "log" / f"{service}.log"
    found = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # uvicorn's own words before the service's logging is set up
        if isinstance(entry, dict):
            found.append(entry)
    return found


def _lines_of(stack: Stack, service: str, request_id: str) -> list[dict[str, Any]]:
    """The service's log lines for one request (written just after its answer is sent)."""
    deadline = time.monotonic() + 10
    while True:
        found = [e for e in _lines(stack, service) if e.get("request_id") == request_id]
        if any(e["logger"] == "equitas.access" for e in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


async def test_a_traceparent_sent_to_reporting_reaches_scoring(
    limited: Stack, own_tokens: Tokens
) -> None:
    request_id = f"trace-{uuid.uuid4().hex}"
    headers = {
        **await own_tokens.headers("org.admin"),
        "traceparent": f"00-{TRACE}-{PARENT}-01",
        "X-Request-Id": request_id,
    }
    url = f"{limited.config.public_url}/api/reporting/people/{uuid.uuid4()}/hef-profile.html"
    async with httpx.AsyncClient(timeout=60) as http:
        answer = await http.get(url, headers=headers)
    assert answer.headers["x-request-id"] == request_id
    reporting = _lines_of(limited, "reporting", request_id)
    scoring = _lines_of(limited, "scoring", request_id)
    assert reporting
    assert scoring
    assert {e["trace_id"] for e in reporting + scoring} == {TRACE}
    reporting_spans = {e["span_id"] for e in reporting}
    scoring_spans = {e["span_id"] for e in scoring}
    # Each service's part of the request is a span of its own.
    assert len(reporting_spans) == 1
    assert PARENT not in reporting_spans | scoring_spans
    assert not reporting_spans & scoring_spans
    # The person and their assessments are asked for at once: whichever ends first.
    assert any(e["route"].startswith("/api/scoring/people/{person_id}") for e in scoring)


@pytest.mark.parametrize("sent", [None, "00-not-a-trace"])
async def test_the_gateway_starts_a_trace_when_none_comes(
    limited: Stack, own_tokens: Tokens, sent: str | None
) -> None:
    headers = await own_tokens.headers("commissioner")
    if sent is not None:
        headers["traceparent"] = sent
    async with httpx.AsyncClient(timeout=30) as http:
        answer = await http.get(f"{limited.config.public_url}/api/scoring/me", headers=headers)
    request_id = answer.headers["x-request-id"]  # the gateway's uuid
    (access,) = [
        e for e in _lines_of(limited, "scoring", request_id) if e["logger"] == "equitas.access"
    ]
    assert access["trace_id"] == uuid.UUID(request_id).hex


async def test_every_log_line_of_a_request_names_the_request(
    limited: Stack, own_tokens: Tokens
) -> None:
    public = limited.config.public_url
    member = await own_tokens.headers("board.member")
    sent: list[tuple[str, str, int]] = []
    async with httpx.AsyncClient(timeout=30) as http:
        for service, path, headers in [
            ("scoring", "/api/scoring/me", member),
            ("scoring", "/api/scoring/people/not-an-id", member),
            ("aggregation", "/api/aggregation/me", {"Authorization": "Bearer not.a.token"}),
            ("reporting", "/api/reporting/me", {}),
        ]:
            request_id = f"lines-{uuid.uuid4().hex}"
            answer = await http.get(public + path, headers={**headers, "X-Request-Id": request_id})
            sent.append((service, request_id, answer.status_code))
    assert [status for _, _, status in sent] == [200, 403, 401, 401]
    for service, request_id, status in sent:
        found = _lines_of(limited, service, request_id)
        assert [e["status"] for e in found if e["logger"] == "equitas.access"] == [status]
        assert all(e["trace_id"] for e in found)
    for service in ("scoring", "aggregation", "reporting"):
        for entry in _lines(limited, service):
            assert "request_id" in entry
            assert "trace_id" in entry
            if entry["logger"] == "equitas.access":
                assert entry["request_id"]
                assert entry["trace_id"]
