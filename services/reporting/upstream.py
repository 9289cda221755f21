"""Calls to scoring and aggregation on the caller's behalf: the caller's own token and the
request id are forwarded, so each owning service applies its own access rules and
disclosure control, and its audit names the same request. Reporting never widens access:
an upstream 403 or 404 is answered as the same 403 or 404."""

import asyncio
import logging
from typing import Any, Literal

import httpx

from services.common.auth import Principal
from services.common.errors import (
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    ProblemError,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
)
from services.common.observability import request_id_var
from services.reporting.settings import ReportingSettings

log = logging.getLogger("equitas.reporting.upstream")

Service = Literal["scoring", "aggregation"]
# Answers worth another try: the service is restarting, overloaded or busy. Not 429: that
# is the caller's own rate limit (their token is forwarded), so it is theirs to hear.
_RETRY_STATUSES = frozenset({502, 503, 504})
RETRY_AFTER_S = "5"


class UpstreamUnavailable(ServiceUnavailable):
    """An upstream service did not answer (or failed) after every attempt."""

    def __init__(self, service: Service) -> None:
        super().__init__(
            f"The {service} service cannot be reached just now, so the report cannot be "
            "made. Try again shortly.",
            headers={"Retry-After": RETRY_AFTER_S},
        )


class Upstream:
    """One caller's view of the upstream services, for one report."""

    def __init__(
        self, http: httpx.AsyncClient, settings: ReportingSettings, principal: Principal
    ) -> None:
        self._http = http
        self._settings = settings
        self._token = principal.token
        self._bases: dict[Service, str] = {
            "scoring": settings.scoring_url.rstrip("/"),
            "aggregation": settings.aggregation_url.rstrip("/"),
        }
        self._timeout = httpx.Timeout(
            settings.upstream_timeout_s, connect=settings.upstream_connect_timeout_s
        )

    async def get(
        self, service: Service, path: str, params: httpx.QueryParams | None = None
    ) -> Any:
        """``GET`` a JSON document; ``path`` starts with ``/api/<service>/``."""
        return await self._send("GET", service, path, params=params)

    async def every_item(self, service: Service, path: str, *, page_size: int = 500) -> list[Any]:
        """Every item of a cursor-paginated list (``items``, ``next_cursor``), page by page,
        so a report holds the whole list however long it grows."""
        items: list[Any] = []
        params = httpx.QueryParams({"limit": str(page_size)})
        while True:
            page = await self.get(service, path, params)
            items.extend(page["items"])
            if not page.get("next_cursor"):
                return items
            params = httpx.QueryParams({"limit": str(page_size), "cursor": page["next_cursor"]})

    async def compute(self, service: Service, path: str, body: Any) -> Any:
        """``POST`` a JSON body to an endpoint that computes and stores nothing (so it is
        tried again like a ``GET``), e.g. the private board self-assessment. The body is
        never logged."""
        return await self._send("POST", service, path, json=body)

    async def _send(
        self,
        method: Literal["GET", "POST"],
        service: Service,
        path: str,
        *,
        params: httpx.QueryParams | None = None,
        json: Any = None,
    ) -> Any:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        request_id = request_id_var.get()
        if request_id:
            headers["X-Request-Id"] = request_id
        url = self._bases[service] + path
        attempts = self._settings.upstream_attempts
        for attempt in range(1, attempts + 1):
            try:
                response = await self._http.request(
                    method, url, params=params, json=json, headers=headers, timeout=self._timeout
                )
            except httpx.TransportError as exc:
                log.warning(
                    "upstream unreachable",
                    extra={"upstream": service, "attempt": attempt, "error": type(exc).__name__},
                )
            else:
                if response.status_code < 400:
                    try:
                        return response.json()
                    except ValueError:  # not JSON: the service is not itself just now
                        log.warning("upstream answered not JSON", extra={"upstream": service})
                        raise UpstreamUnavailable(service) from None
                if response.status_code not in _RETRY_STATUSES and response.status_code < 500:
                    raise _as_problem(service, response)
                log.warning(
                    "upstream failed",
                    extra={"upstream": service, "attempt": attempt, "status": response.status_code},
                )
            if attempt < attempts:
                await asyncio.sleep(self._settings.upstream_backoff_s * 3 ** (attempt - 1))
        raise UpstreamUnavailable(service)


def _as_problem(service: Service, response: httpx.Response) -> ProblemError:
    """The upstream's refusal as reporting's own, with the upstream's words."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    detail = body.get("detail") if isinstance(body, dict) else None
    detail = detail if isinstance(detail, str) else None
    status = response.status_code
    if status == 404:
        return NotFound(detail)
    if status == 403:
        return Forbidden(detail)
    if status == 401:
        return Unauthorized(detail)
    if status == 429:
        retry_after = response.headers.get("Retry-After", RETRY_AFTER_S)
        return TooManyRequests(detail, headers={"Retry-After": retry_after})
    if status == 422:
        raw = body.get("errors", []) if isinstance(body, dict) else []
        errors = [
            FieldProblem(field=str(e.get("field", "")), message=str(e.get("message", "")))
            for e in raw
            if isinstance(e, dict)
        ]
        return InvalidInput(detail, errors=errors)
    log.warning("upstream refused", extra={"upstream": service, "status": status})
    return UpstreamUnavailable(service)
