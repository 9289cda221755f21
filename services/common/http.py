"""The shared outbound HTTP client: explicit timeouts, connection retries, and the request's
context (request id, W3C ``traceparent``) sent on with every call to another service."""

import httpx

from services.common.observability import request_id_var
from services.common.tracing import trace_var

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)


async def send_request_context(request: httpx.Request) -> None:
    """Event hook: the service handling a request on a caller's behalf tells the next one
    which request and trace it belongs to (its logs and audit then name the same ids). A
    header the caller set itself is kept."""
    trace = trace_var.get()
    if trace is not None and "traceparent" not in request.headers:
        request.headers["traceparent"] = trace.traceparent
    request_id = request_id_var.get()
    if request_id is not None and "x-request-id" not in request.headers:
        request.headers["X-Request-Id"] = request_id


def make_http_client(
    *,
    base_url: str = "",
    retries: int = 2,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    auth: httpx.Auth | None = None,
) -> httpx.AsyncClient:
    # Transport-level retries cover refused/reset connections only; requests that reached the
    # server are never replayed, so non-idempotent calls stay safe.
    transport = httpx.AsyncHTTPTransport(retries=retries)
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=timeout,
        transport=transport,
        auth=auth,
        event_hooks={"request": [send_request_context]},
    )
