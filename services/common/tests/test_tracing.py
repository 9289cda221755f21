"""W3C Trace Context passed through (decision 0044): what arrives, what goes on, what the
log lines say."""

import asyncio
import json
import logging

import httpx
import pytest

from services.common.http import send_request_context
from services.common.observability import (
    TEXT_FORMAT,
    JsonFormatter,
    TextFormatter,
    request_id_var,
)
from services.common.tracing import (
    NEW_TRACE_FLAGS,
    TraceContext,
    continue_trace,
    parse_traceparent,
    trace_var,
)

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"


@pytest.mark.parametrize(
    ("header", "parsed"),
    [
        (f"00-{TRACE}-{PARENT}-01", (TRACE, "01")),
        (f"00-{TRACE}-{PARENT}-00", (TRACE, "00")),
        # A later version may add fields; its first four are read the same.
        (f"cc-{TRACE}-{PARENT}-01-what-the-future-holds", (TRACE, "01")),
        (f"00-{TRACE}-{PARENT}-01-extra", None),  # version 00 has nothing more
        (f"ff-{TRACE}-{PARENT}-01", None),  # version ff is forbidden
        (f"00-{'0' * 32}-{PARENT}-01", None),
        (f"00-{TRACE}-{'0' * 16}-01", None),
        (f"00-{TRACE.upper()}-{PARENT}-01", None),  # lower case only
        (f"00-{TRACE[:-1]}-{PARENT}-01", None),
        ("", None),
        ("not a traceparent", None),
    ],
)
def test_a_traceparent_is_read_as_the_specification_says(
    header: str, parsed: tuple[str, str] | None
) -> None:
    assert parse_traceparent(header) == parsed


def test_a_request_continues_the_callers_trace_with_a_span_of_its_own() -> None:
    context = continue_trace(f"00-{TRACE}-{PARENT}-01".encode())
    assert context.trace_id == TRACE
    assert context.flags == "01"
    assert len(context.span_id) == 16
    assert context.span_id != PARENT
    assert context.traceparent == f"00-{TRACE}-{context.span_id}-01"
    assert parse_traceparent(context.traceparent) == (TRACE, "01")


@pytest.mark.parametrize("header", [None, b"", b"00-nonsense"])
def test_without_a_valid_traceparent_a_new_trace_starts(header: bytes | None) -> None:
    first, second = continue_trace(header), continue_trace(header)
    assert parse_traceparent(first.traceparent) == (first.trace_id, NEW_TRACE_FLAGS)
    assert first.trace_id != second.trace_id


def _with_context(request: httpx.Request) -> httpx.Request:
    async def run() -> None:
        request_id_var.set("req-1")
        trace_var.set(TraceContext(TRACE, PARENT, "01"))
        await send_request_context(request)

    asyncio.run(run())  # its own context: the variables are gone afterwards
    return request


def test_a_call_to_another_service_carries_the_request_and_its_trace() -> None:
    request = _with_context(httpx.Request("GET", "http://scoring/api/scoring/me"))
    assert request.headers["traceparent"] == f"00-{TRACE}-{PARENT}-01"
    assert request.headers["x-request-id"] == "req-1"


def test_headers_the_caller_set_itself_are_kept() -> None:
    mine = {"traceparent": f"00-{TRACE}-{'1' * 16}-00", "X-Request-Id": "mine"}
    request = _with_context(httpx.Request("GET", "http://scoring/", headers=mine))
    assert request.headers["traceparent"] == mine["traceparent"]
    assert request.headers["x-request-id"] == "mine"


def test_outside_a_request_nothing_is_added() -> None:
    request = httpx.Request("GET", "http://idp/jwks")
    asyncio.run(send_request_context(request))
    assert "traceparent" not in request.headers
    assert "x-request-id" not in request.headers


def _record() -> logging.LogRecord:
    return logging.LogRecord("equitas.access", logging.INFO, __file__, 1, "request", None, None)


def test_every_log_line_names_its_request_and_trace() -> None:
    async def lines() -> tuple[str, str]:
        request_id_var.set("req-2")
        trace_var.set(TraceContext(TRACE, PARENT, "01"))
        return JsonFormatter("scoring").format(_record()), TextFormatter(TEXT_FORMAT).format(
            _record()
        )

    as_json, as_text = asyncio.run(lines())
    entry = json.loads(as_json)
    assert (entry["request_id"], entry["trace_id"], entry["span_id"]) == ("req-2", TRACE, PARENT)
    assert f"request_id=req-2 trace_id={TRACE} request" in as_text


def test_a_line_outside_any_request_says_so() -> None:
    entry = json.loads(JsonFormatter("scoring").format(_record()))
    assert (entry["request_id"], entry["trace_id"]) == (None, None)
    assert "request_id=None trace_id=None" in TextFormatter(TEXT_FORMAT).format(_record())
