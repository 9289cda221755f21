"""W3C Trace Context (https://www.w3.org/TR/trace-context/), passed through: decision 0044.

The gateway sends every request on with a ``traceparent`` (the caller's, or one it starts);
each service continues that trace with a span id of its own for the request, writes the
trace id on every log line, and sends ``traceparent`` on with its calls to other services
(``services.common.http``). Nothing records or exports spans: the ids tie together the log
lines of one request across the gateway and the services, and a trace collector put in
front later sees well-formed context.
"""

import contextvars
import re
import secrets
from dataclasses import dataclass

TRACEPARENT_HEADER = b"traceparent"
# version 00: "00-" trace-id (32 hex) "-" parent-id (16 hex) "-" flags (2 hex), lower case.
# A later version may append fields after another "-"; its first four are read the same.
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_ZERO_TRACE, _ZERO_SPAN = "0" * 32, "0" * 16
NEW_TRACE_FLAGS = "00"  # not sampled: nothing here records spans


@dataclass(frozen=True, slots=True)
class TraceContext:
    trace_id: str
    span_id: str  # this service's span for the request: the parent of its outbound calls
    flags: str

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


trace_var: contextvars.ContextVar[TraceContext | None] = contextvars.ContextVar(
    "trace", default=None
)


def parse_traceparent(value: str) -> tuple[str, str] | None:
    """The trace id and flags of a valid ``traceparent``, else None (then a new trace
    starts, as the specification says). Version ff and all-zero ids are invalid; version
    00 has nothing after the flags."""
    match = _TRACEPARENT.fullmatch(value.strip())
    if match is None:
        return None
    version, trace_id, parent_id, flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest is not None):
        return None
    if trace_id == _ZERO_TRACE or parent_id == _ZERO_SPAN:
        return None
    return trace_id, flags


def _new_id(hex_digits: int) -> str:
    while True:  # an all-zero id is invalid; 1 draw in 2**64 at least
        new = secrets.token_hex(hex_digits // 2)
        if new.strip("0"):
            return new


def continue_trace(traceparent: bytes | None) -> TraceContext:
    """This service's context for a request: the incoming trace with a new span, or a new
    trace when none (or an invalid one) arrived."""
    parsed = parse_traceparent(traceparent.decode("latin-1")) if traceparent else None
    if parsed is None:
        return TraceContext(_new_id(32), _new_id(16), NEW_TRACE_FLAGS)
    trace_id, flags = parsed
    return TraceContext(trace_id, _new_id(16), flags)
