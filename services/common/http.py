"""The shared outbound HTTP client: explicit timeouts and connection retries."""

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)


def make_http_client(*, base_url: str = "", retries: int = 2) -> httpx.AsyncClient:
    # Transport-level retries cover refused/reset connections only; requests that reached the
    # server are never replayed, so non-idempotent calls stay safe.
    transport = httpx.AsyncHTTPTransport(retries=retries)
    return httpx.AsyncClient(base_url=base_url, timeout=DEFAULT_TIMEOUT, transport=transport)
