"""A system's own access token: OAuth 2.0 client credentials, the client authenticated by a
signed JWT assertion (``private_key_jwt``, RFC 7523 §2.2 and OIDC Core §9), as NHS
England's API platform and CIS2 expect of system clients.

Built on Authlib's ``AsyncOAuth2Client`` with its ``PrivateKeyJWT`` token endpoint auth
method; the token is cached until shortly before it expires. Used by ``equitas-ingest``,
the development IdP's ``get_token`` command and the tests, and meant for the aggregation
feed consumer and reporting::

    async with ClientCredentials(token_url, "aggregation-service", pem, "feed:read",
                                 kid="aggregation-service-rs256-1") as credentials:
        async with httpx.AsyncClient(auth=credentials.auth()) as http:
            ...  # every request carries a current token; a 401 renews it once

Decision 0015 says why this lives in ``services/common``.
"""

import asyncio
import time
import warnings
from collections.abc import AsyncGenerator, Generator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

with warnings.catch_warnings():
    # Authlib 1.9 prefers the httpx2 fork and warns once on import when it runs on httpx,
    # which is what every Equitas service uses; the warning would only reach stderr.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

# Short, because an assertion is a bearer credential until it expires (the development
# IdP refuses any more than five minutes ahead).
ASSERTION_LIFETIME_S = 60
RENEW_BEFORE_S = 60.0


class TokenRequestError(Exception):
    """The token endpoint refused the request (an RFC 6749 §5.2 error)."""

    def __init__(self, status_code: int, error: str, description: str) -> None:
        super().__init__(f"{status_code} {error}: {description}")
        self.status_code = status_code
        self.error = error
        self.description = description


@dataclass(frozen=True)
class TokenResponse:
    access_token: str
    token_type: str
    expires_in: int  # seconds; 0 when the server did not say
    scope: str


SigningKey = RSAKey | ECKey


def signing_key(
    private_key_pem: bytes | str, algorithm: str | None = None
) -> tuple[SigningKey, str]:
    """The private key and the algorithm it signs with: RS256 for RSA, ES256 for P-256."""
    data = private_key_pem.encode() if isinstance(private_key_pem, str) else private_key_pem
    key = _import_private_key(data)
    key_algorithm = "RS256" if isinstance(key, RSAKey) else "ES256"
    if algorithm is not None and algorithm != key_algorithm:
        raise ValueError(f"the client's key signs {key_algorithm}, not {algorithm}")
    return key, key_algorithm


def _import_private_key(data: bytes) -> SigningKey:
    key = _rsa_key(data) or _ec_key(data)
    if key is None:
        raise ValueError("the private key is not an RSA or EC private key in PEM")
    if not key.is_private:
        raise ValueError("that is a public key: a client signs with its private key")
    if isinstance(key, ECKey) and key.curve_name != "P-256":
        raise ValueError("EC client keys must use the P-256 curve (ES256)")
    return key


def _rsa_key(data: bytes) -> RSAKey | None:
    try:
        return RSAKey.import_key(data)
    except (JoseError, ValueError, TypeError):
        return None


def _ec_key(data: bytes) -> ECKey | None:
    try:
        return ECKey.import_key(data)
    except (JoseError, ValueError, TypeError):
        return None


def make_client_assertion(
    client_id: str,
    audience: str,
    private_key_pem: bytes | str,
    kid: str | None,
    alg: str | None = None,
    lifetime_s: int = ASSERTION_LIFETIME_S,
    jti: str | None = None,
) -> str:
    """A signed client assertion: ``iss`` = ``sub`` = the client id, ``aud`` = the token
    endpoint, a unique ``jti`` and ``exp`` ``lifetime_s`` ahead (RFC 7523 §3)."""
    key, algorithm = signing_key(private_key_pem, alg)
    return _signed_assertion(key, algorithm, client_id, audience, kid, lifetime_s, jti)


def _signed_assertion(
    key: SigningKey,
    algorithm: str,
    client_id: str,
    audience: str,
    kid: str | None,
    lifetime_s: int = ASSERTION_LIFETIME_S,
    jti: str | None = None,
) -> str:
    assertion: str = private_key_jwt_sign(
        key,
        client_id=client_id,
        token_endpoint=audience,
        alg=algorithm,
        claims={"jti": jti} if jti else None,  # None: Authlib makes a random one
        header={"kid": kid} if kid else {},
        expires_in=lifetime_s,
    )
    return assertion


class _ShortLivedAssertion(PrivateKeyJWT):  # type: ignore[misc]  # authlib is untyped
    """Authlib's ``private_key_jwt`` method with a ``kid`` header and a short-lived
    assertion (Authlib's own default is an hour)."""

    def __init__(self, audience: str | None, kid: str | None, algorithm: str) -> None:
        super().__init__(token_endpoint=audience, alg=algorithm)
        self._kid = kid

    def sign(self, auth: Any, token_endpoint: str) -> str:
        return _signed_assertion(
            auth.client_secret, self.alg, auth.client_id, token_endpoint, self._kid
        )


class ClientCredentials:
    """One system client's access token for one scope, fetched when first needed and
    again ``renew_before_s`` before it expires (or when a server refused it).

    ``audience`` is the assertion's ``aud``: the token endpoint's public URL, when
    ``token_url`` reaches the same endpoint another way (a service calling the IdP
    directly rather than through the gateway). ``kid`` names the key in the client's
    registered JWKS (required when it holds more than one). Safe to share between tasks.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        private_key_pem: bytes | str,
        scope: str = "",
        *,
        kid: str | None = None,
        algorithm: str | None = None,
        audience: str | None = None,
        renew_before_s: float = RENEW_BEFORE_S,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        key, algorithm = signing_key(private_key_pem, algorithm)
        self.token_url = token_url
        self.client_id = client_id
        self.scope = scope
        self._renew_before_s = renew_before_s
        self._oauth = AsyncOAuth2Client(
            client_id=client_id,
            client_secret=key,
            token_endpoint_auth_method=_ShortLivedAssertion(audience, kid, algorithm),
            timeout=timeout_s,
            transport=transport,
        )
        self._oauth.register_compliance_hook("access_token_response", _refused_or_answer)
        self._current: TokenResponse | None = None
        self._renew_at = 0.0  # time.monotonic() after which the token is renewed
        self._lock = asyncio.Lock()

    async def fetch(self) -> TokenResponse:
        """A new token from the token endpoint (cached for ``token``)."""
        extra = {"scope": self.scope} if self.scope else {}
        answer = await self._oauth.fetch_token(
            self.token_url, grant_type="client_credentials", **extra
        )
        expires_in = int(answer.get("expires_in") or 0)
        response = TokenResponse(
            access_token=str(answer["access_token"]),
            token_type=str(answer.get("token_type", "Bearer")),
            expires_in=expires_in,
            scope=str(answer.get("scope", self.scope)),
        )
        # Renew early, but never sooner than half-way through a short-lived token's life.
        margin = min(self._renew_before_s, expires_in / 2)
        self._renew_at = time.monotonic() + expires_in - margin if expires_in else float("inf")
        self._current = response
        return response

    async def token(self, *, refused: str | None = None) -> str:
        """A current access token. ``refused``: a token a server answered 401 to; a new
        one is fetched unless another task has done so already."""
        async with self._lock:
            current = self._current
            if (
                current is None
                or time.monotonic() >= self._renew_at
                or (refused is not None and refused == current.access_token)
            ):
                current = await self.fetch()
            return current.access_token

    def auth(self) -> httpx.Auth:
        """An ``httpx`` auth for ``AsyncClient`` requests: a bearer token, renewed on 401."""
        return BearerToken(self)

    async def aclose(self) -> None:
        await self._oauth.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


class BearerToken(httpx.Auth):
    """Sends ``Authorization: Bearer <token>``; on a 401 gets a new token and tries once
    more (the token may have been revoked, or the server's clock be ahead)."""

    def __init__(self, credentials: ClientCredentials) -> None:
        self._credentials = credentials

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._credentials.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            renewed = await self._credentials.token(refused=token)
            request.headers["Authorization"] = f"Bearer {renewed}"
            yield request

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("ClientCredentials serves httpx.AsyncClient only")


def _refused_or_answer(response: httpx.Response) -> httpx.Response:
    """Authlib's access_token_response hook: an error answer becomes a
    ``TokenRequestError`` carrying the status, instead of a bare JSON error."""
    if response.status_code == 200:
        return response
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    raise TokenRequestError(
        response.status_code,
        str(body.get("error", "unknown_error")),
        str(body.get("error_description", response.text[:200])),
    )
