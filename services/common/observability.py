"""Structured JSON logs and the request id that ties a request's lines together.

The gateway sets ``X-Request-Id``; a request arriving without one gets a new id. The id is
echoed on every response, errors included, and attached to every log record written while
handling it, with the request's W3C trace id (``tracing``).

Logs never hold personal data: no query strings, bodies or concrete paths (a request is
logged by its route's template, ``/api/scoring/people/{person_id}``; the audit log, keyed
by the same request id, says which record), and no exception messages, which quote SQL
parameters and input values (``scrubbed_exception``). Every logger, uvicorn's included,
writes through the one handler set here.
"""

import contextvars
import json
import logging
import sys
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.tracing import TRACEPARENT_HEADER, continue_trace, trace_var

REQUEST_ID_HEADER = b"x-request-id"
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
# uvicorn adds "color_message", its message with terminal colour codes.
_RESERVED = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "color_message",
}
TEXT_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s trace_id=%(trace_id)s %(message)s"
)
access_log = logging.getLogger("equitas.access")
log = logging.getLogger("equitas.errors")
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]
# Answers a request whose handling raised: the service's 500 (or 503) problem.
ErrorResponder = Callable[[Request, Exception], Awaitable[Response]]
# Told of every answered request: method, route template (None: no route matched), status,
# seconds taken (the service's metrics).
RequestObserver = Callable[[str, str | None, int, float], None]


def scrubbed_exception(exc_info: ExcInfo) -> str:
    """An exception chain as its types (with SQLSTATE for database errors) and the frames
    they passed through, without messages, arguments or locals.

    A message can quote anything: SQLAlchemy's holds the statement's bound parameters,
    asyncpg's and pydantic's the offending value, a ``KeyError`` its key. Where and what
    suffices to find the fault; the request id leads to the request."""
    chain: list[BaseException] = []
    current = exc_info[1]
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        suppressed = current.__suppress_context__
        current = current.__cause__ or (None if suppressed else current.__context__)
    if not chain:
        return ""
    lines = ["Traceback (most recent call last), messages omitted:"]
    for exc in reversed(chain):
        kind = type(exc)
        state = getattr(exc, "sqlstate", None)
        frames = traceback.format_list(traceback.extract_tb(exc.__traceback__))
        lines.extend(line.rstrip("\n") for line in frames)
        lines.append(
            f"{kind.__module__}.{kind.__qualname__}"
            + (f" [SQLSTATE {state}]" if isinstance(state, str) else "")
        )
    return "\n".join(lines)


def route_of(scope: Scope) -> str | None:
    """The template of the route that handled the request (``/people/{person_id}``), not
    the path: paths hold identifiers and whatever a caller typed."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else None


def _add_request_context(record: logging.LogRecord) -> None:
    """The request and trace the record was written for (None outside a request), unless
    the record already names them."""
    trace = trace_var.get()
    record.__dict__.setdefault("request_id", request_id_var.get())
    record.__dict__.setdefault("trace_id", trace.trace_id if trace else None)
    record.__dict__.setdefault("span_id", trace.span_id if trace else None)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        _add_request_context(record)
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _RESERVED})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)

    def formatException(self, ei: Any) -> str:
        return scrubbed_exception(ei)


class TextFormatter(logging.Formatter):
    """Plain lines (``EQUITAS_LOG_JSON=false``), exceptions scrubbed as in JSON; the format
    may name ``%(request_id)s``, ``%(trace_id)s`` and ``%(span_id)s``."""

    def format(self, record: logging.LogRecord) -> str:
        _add_request_context(record)
        record.exc_text = None  # logging caches the text; never use another formatter's
        return super().format(record)

    def formatException(self, ei: Any) -> str:
        return scrubbed_exception(ei)


def configure_logging(service: str, level: str, *, json_output: bool) -> None:
    handler = logging.StreamHandler(sys.stdout)
    if json_output:
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(TextFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn configured its loggers with handlers of its own, which print exceptions whole.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # uvicorn's own access log would duplicate ours without the request id.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every outbound request's URL at INFO: paths with ids, query strings.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


class RequestContextMiddleware:
    """Pure ASGI middleware (cheap on the hot path): request id, trace context, one
    access-log line, and the request told to ``observe`` (metrics).

    It also answers a request whose handling raised, with ``unhandled``'s response: the
    app's own handler for ``Exception`` runs outside every middleware (Starlette's
    ServerErrorMiddleware), where the request id is gone, its response would lack the
    ``X-Request-Id`` header, and the exception goes on to uvicorn, which logs it whole."""

    def __init__(
        self, app: ASGIApp, unhandled: ErrorResponder, observe: RequestObserver | None = None
    ) -> None:
        self.app = app
        self.unhandled = unhandled
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        request_id = _safe_request_id(headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        trace_token = trace_var.set(continue_trace(headers.get(TRACEPARENT_HEADER)))
        started = time.perf_counter()
        status = 500
        responded = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if responded:  # too late for an error response: log it, end the response
                log.exception("failed while responding", extra={"route": route_of(scope)})
            else:
                response = await self.unhandled(Request(scope, receive), exc)
                await response(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            method, route = scope.get("method", ""), route_of(scope)
            access_log.info(
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
            if self.observe is not None:
                self.observe(method, route, status, seconds)
            trace_var.reset(trace_token)
            request_id_var.reset(token)


def _safe_request_id(raw: bytes | None) -> str | None:
    # Accept only short, printable ids so a caller cannot inject into our logs.
    if not raw or len(raw) > 128:
        return None
    text = raw.decode("ascii", errors="ignore")
    return text if text.replace("-", "").replace("_", "").isalnum() else None
