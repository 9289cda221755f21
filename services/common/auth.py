"""Bearer token verification (every service verifies every token itself) and the
FastAPI dependencies that say, in each route's signature, who may call it.

Checks: algorithm allow-list from the *settings* (never from the token), signature via the
provider's JWKS (cached; refreshed at most every few seconds when an unknown ``kid``
arrives, which is how key rotation reaches us), issuer, audience, exp/nbf with a small
leeway. Claims follow NHS CIS2: ``nhsid_nrbac_roles`` + ``selected_roleid``.

A client sends the same token for its whole life, so each worker remembers the tokens it
has verified (``VerifiedTokens``) until they expire or their signing key leaves the JWKS.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import httpx
from fastapi import Depends, Request
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from services.common.errors import Forbidden, Unauthorized
from services.common.permissions import (
    Permission,
    permissions_for_role,
    permissions_for_scopes,
)

log = logging.getLogger("equitas.auth")

# An unknown kid triggers a fetch at most this often, so forged kids cannot flood the IdP
# (nor, while it is down, make every request wait on it).
JWKS_MIN_REFRESH_INTERVAL_S = 1.0
# Readiness asks the provider at most this often (the answer is kept between probes).
JWKS_CHECK_INTERVAL_S = 10.0
JWKS_FETCH_TIMEOUT_S = 5.0
# Verified tokens each worker remembers (a few hundred bytes each).
VERIFIED_TOKENS_MAX = 4096


@dataclass(frozen=True)
class Principal:
    """Who is calling: a member of staff (with their selected role) or a system client."""

    subject: str
    kind: Literal["user", "system"]
    client_id: str
    name: str | None
    organisation_code: str | None
    organisation_name: str | None
    role_code: str | None
    role_name: str | None
    scopes: frozenset[str]
    permissions: frozenset[Permission]
    token: str = field(repr=False)
    claims: Mapping[str, Any] = field(repr=False, default_factory=dict)

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


class JwksUnavailable(Exception):
    """The provider's JWKS could not be fetched (down, an error, not a key set)."""


@dataclass(frozen=True)
class JwksStatus:
    """For readiness: ``ok``; ``degraded`` (the provider is unreachable, tokens verify with
    the keys fetched before: decision 0019); ``unavailable`` (no keys to verify with)."""

    state: Literal["ok", "degraded", "unavailable"]
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.state}: {self.reason}" if self.reason else self.state


class JwksCache:
    """The provider's public keys, fetched lazily and refreshed on an unknown key id.

    While the provider is down the keys last fetched keep verifying tokens (until each
    token expires); a token signed with a key not among them is refused (401), and at most
    one request per ``JWKS_MIN_REFRESH_INTERVAL_S`` waits on another attempt."""

    def __init__(self, url: str, http: httpx.AsyncClient) -> None:
        self._url = url
        self._http = http
        self._keys: KeySet | None = None
        self._kids: frozenset[str] = frozenset()
        self._fetched_at = 0.0
        self._attempted_at = float("-inf")
        self._failure: str | None = None  # why the last attempt failed
        self._lock = asyncio.Lock()

    async def _fetch(self) -> None:
        self._attempted_at = time.monotonic()
        try:
            response = await self._http.get(self._url, timeout=JWKS_FETCH_TIMEOUT_S)
            response.raise_for_status()
            self.load(response.json())
        except (httpx.HTTPError, JoseError, ValueError, KeyError, TypeError) as exc:
            if self._failure is None:  # once per outage, not once per attempt
                log.warning(
                    "jwks unreachable; verifying with the keys fetched before",
                    extra={"error": type(exc).__name__},
                )
            self._failure = type(exc).__name__
            raise JwksUnavailable(self._failure) from exc
        if self._failure is not None:
            log.warning("jwks reachable again")
        self._failure = None

    def load(self, data: Mapping[str, Any]) -> None:
        """Take a JWKS document as the current keys."""
        self._keys = KeySet.import_key_set(data)  # type: ignore[arg-type]
        self._kids = frozenset(k["kid"] for k in data.get("keys", []) if "kid" in k)
        self._fetched_at = time.monotonic()

    def publishes(self, kid: str) -> bool:
        """Whether the key is still in the set last fetched (a removed key revokes the
        tokens it signed, including remembered ones)."""
        return kid in self._kids

    async def keys_for(self, kid: str) -> KeySet | None:
        """The key set, if it holds ``kid``; None if it does not, even after a fetch.
        Raises ``JwksUnavailable`` when the provider cannot be asked and there are no keys."""
        if self._keys is not None and kid in self._kids:
            return self._keys
        async with self._lock:
            if self._keys is not None and kid in self._kids:
                return self._keys
            recently = time.monotonic() - self._attempted_at <= JWKS_MIN_REFRESH_INTERVAL_S
            if self._keys is None or not recently:
                try:
                    await self._fetch()
                except JwksUnavailable:
                    if self._keys is None:
                        raise
        return self._keys if kid in self._kids else None

    async def status(self) -> JwksStatus:
        """For readiness: asks the provider at most every ``JWKS_CHECK_INTERVAL_S``, so
        an outage shows within that, and probes do not each cost a fetch."""
        async with self._lock:
            if time.monotonic() - self._attempted_at > JWKS_CHECK_INTERVAL_S:
                with contextlib.suppress(JwksUnavailable):
                    await self._fetch()
        if self._failure is None and self._keys is not None:
            return JwksStatus("ok")
        unreachable = f"the identity provider's keys cannot be fetched ({self._failure})"
        if self._keys is None:
            return JwksStatus("unavailable", unreachable)
        age = time.monotonic() - self._fetched_at
        return JwksStatus(
            "degraded",
            f"{unreachable}; tokens are verified with the keys fetched {age:.0f} s ago, "
            "and one signed with any other key is refused",
        )


@dataclass(frozen=True)
class TokenPolicy:
    issuer: str
    audience: str
    algorithms: tuple[str, ...]
    leeway_s: int
    role_permissions: dict[str, list[Permission]]


@dataclass(frozen=True)
class _Verified:
    principal: "Principal"
    kid: str
    valid_from: float  # nbf - leeway (epoch seconds)
    valid_until: float  # exp + leeway


class VerifiedTokens:
    """Tokens this worker has verified, so the signature (~0.2 ms of RSA and JSON work per
    request) is checked once per token, not once per request. An entry is used only while
    the token is within its nbf/exp (with the same leeway as a full check) and its key is
    still published; the oldest entries are dropped first when full."""

    def __init__(self, max_entries: int = VERIFIED_TOKENS_MAX) -> None:
        self._entries: dict[str, _Verified] = {}
        self._max = max_entries

    def get(self, raw: str, jwks: JwksCache, now: float) -> "Principal | None":
        entry = self._entries.get(raw)
        if entry is None:
            return None
        if entry.valid_from <= now < entry.valid_until and jwks.publishes(entry.kid):
            return entry.principal
        del self._entries[raw]
        return None

    def put(self, raw: str, entry: _Verified) -> None:
        if len(self._entries) >= self._max:
            del self._entries[next(iter(self._entries))]
        self._entries[raw] = entry

    def __len__(self) -> int:
        return len(self._entries)


class TokenVerifier:
    def __init__(
        self,
        policy: TokenPolicy,
        jwks: JwksCache,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.policy = policy
        self.jwks = jwks
        self.verified = VerifiedTokens()
        self._clock = clock
        self._claims_registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self._clock()),
            leeway=policy.leeway_s,
            iss={"essential": True, "value": policy.issuer},
            aud={"essential": True, "value": policy.audience},
            exp={"essential": True},
            sub={"essential": True},
        )

    async def verify(self, raw: str) -> Principal:
        remembered = self.verified.get(raw, self.jwks, self._clock())
        if remembered is not None:
            return remembered
        try:
            compact = jws.extract_compact(raw.encode())
        except (JoseError, ValueError) as exc:
            raise Unauthorized("The token is not a well-formed JWT") from exc
        header = compact.protected
        alg = header.get("alg")
        if alg not in self.policy.algorithms:
            raise Unauthorized(f"Token algorithm {alg!r} is not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise Unauthorized("The token has no key id")
        try:
            keys = await self.jwks.keys_for(kid)
        except JwksUnavailable as exc:
            raise Unauthorized("The identity provider's keys are unavailable") from exc
        if keys is None:
            raise Unauthorized("The token was signed with an unknown key")
        try:
            token = jwt.decode(raw, keys, algorithms=list(self.policy.algorithms))
            self._claims_registry.validate(token.claims)
        except (JoseError, ValueError) as exc:
            raise Unauthorized(f"The token was refused: {exc}") from exc
        principal = self._principal(token.claims, raw)
        leeway = self.policy.leeway_s
        nbf = token.claims.get("nbf")
        self.verified.put(
            raw,
            _Verified(
                principal,
                kid,
                valid_from=float(nbf) - leeway if isinstance(nbf, int | float) else 0.0,
                valid_until=float(token.claims["exp"]) + leeway,
            ),
        )
        return principal

    def _principal(self, claims: Mapping[str, Any], raw: str) -> Principal:
        scopes = frozenset(str(claims.get("scope", "")).split())
        client_id = str(claims.get("client_id", ""))
        if claims.get("client_type") == "system":
            return Principal(
                subject=str(claims["sub"]),
                kind="system",
                client_id=client_id,
                name=client_id,
                organisation_code=_str_or_none(claims.get("org_code")),
                organisation_name=None,
                role_code=None,
                role_name=None,
                scopes=scopes,
                permissions=permissions_for_scopes(scopes),
                token=raw,
                claims=claims,
            )
        role = _selected_role(claims)
        return Principal(
            subject=str(claims["sub"]),
            kind="user",
            client_id=client_id,
            name=_str_or_none(claims.get("name")),
            organisation_code=_str_or_none(role.get("org_code")) if role else None,
            organisation_name=_str_or_none(role.get("org_name")) if role else None,
            role_code=_str_or_none(role.get("role_code")) if role else None,
            role_name=_str_or_none(role.get("role_name")) if role else None,
            scopes=scopes,
            permissions=permissions_for_role(
                _str_or_none(role.get("role_code")) if role else None,
                self.policy.role_permissions,
            ),
            token=raw,
            claims=claims,
        )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _selected_role(claims: Mapping[str, Any]) -> Mapping[str, Any] | None:
    roles = claims.get("nhsid_nrbac_roles")
    if isinstance(roles, str):  # some providers send the list as a JSON string
        try:
            roles = json.loads(roles)
        except ValueError:
            return None
    if not isinstance(roles, list):
        return None
    selected = claims.get("selected_roleid")
    for role in roles:
        if isinstance(role, dict) and role.get("person_roleid") == selected:
            return role
    return None


_bearer = HTTPBearer(auto_error=False, description="Access token from the Equitas IdP or CIS2")


def get_verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def current_principal(request: Request, credentials: Credentials) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'")
    principal = await get_verifier(request).verify(credentials.credentials)
    request.state.principal = principal
    return principal


def require(*permissions: Permission) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """Dependency factory: the caller must hold every listed permission. It verifies the
    token itself rather than depending on ``current_principal``: FastAPI solves each level
    of dependencies on every request, a measurable share of a submit."""

    async def dependency(request: Request, credentials: Credentials) -> Principal:
        principal = await current_principal(request, credentials)
        missing = [p.value for p in permissions if p not in principal.permissions]
        if missing:
            raise Forbidden(f"Your role does not allow this (needs {', '.join(missing)})")
        return principal

    return dependency


Authenticated = Annotated[Principal, Depends(current_principal)]


OwnCredentialVerifier = Callable[[Request, str], Coroutine[Any, Any, Principal | None]]
"""Verifies a credential a service issues itself (an API key): the caller it stands for, or
None when the string is not one of that service's credentials (then it must be a JWT). It
raises ``Unauthorized`` for one of its own that is unknown, expired or revoked."""

_basic = HTTPBasic(
    auto_error=False, description="A key the service issued, as the password (any user name)"
)
BasicCredentials = Annotated[HTTPBasicCredentials | None, Depends(_basic)]


def require_or_own_credential(
    verify_own: OwnCredentialVerifier, *permissions: Permission
) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """``require`` for routes that also accept a credential the service issues itself, sent
    as a Bearer token or as the password of HTTP Basic (tools that can store only a key or
    a user name and password, such as a BI tool's scheduled refresh). Basic carries only
    such credentials; a Bearer token that ``verify_own`` does not claim is verified as a JWT."""

    async def dependency(
        request: Request, credentials: Credentials, basic: BasicCredentials
    ) -> Principal:
        principal: Principal | None
        if basic is not None:
            principal = await verify_own(request, basic.password)
            if principal is None:
                raise Unauthorized("The password is not a key this service issued")
        elif credentials is not None:
            principal = await verify_own(request, credentials.credentials)
            if principal is None:
                principal = await get_verifier(request).verify(credentials.credentials)
        else:
            raise Unauthorized(
                "Send an access token or key as 'Authorization: Bearer <token>', "
                "or a key as the password of HTTP Basic"
            )
        request.state.principal = principal
        missing = [p.value for p in permissions if p not in principal.permissions]
        if missing:
            raise Forbidden(f"Your role does not allow this (needs {', '.join(missing)})")
        return principal

    return dependency
