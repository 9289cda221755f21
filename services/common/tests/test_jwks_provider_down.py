"""The identity provider down (decision 0019): the keys fetched before keep verifying
tokens; an unknown key id is refused without a fetch storm; readiness says degraded, or
unavailable when no keys were ever fetched. The provider here is a closed local port."""

import asyncio
import socket
import time

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from services.common.auth import JwksCache, JwksUnavailable, TokenPolicy, TokenVerifier
from services.common.errors import Unauthorized


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/idp/jwks"  # nothing listens once the socket is closed


@pytest.fixture(scope="module")
def key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})


async def test_cached_keys_verify_and_an_unknown_kid_is_401(key: RSAKey) -> None:
    asked: list[str] = []

    async def count(request: httpx.Request) -> None:
        asked.append(str(request.url))

    async with httpx.AsyncClient(event_hooks={"request": [count]}) as http:
        jwks = JwksCache(_closed_port_url(), http)
        jwks.load({"keys": [key.as_dict(private=False)]})
        verifier = TokenVerifier(TokenPolicy("iss", "aud", ("RS256",), 30, {}), jwks)
        claims = {"iss": "iss", "aud": "aud", "sub": "u1", "exp": int(time.time()) + 60}
        good = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        assert (await verifier.verify(good)).subject == "u1"

        stranger = RSAKey.generate_key(2048)
        forged = jwt.encode({"alg": "RS256", "kid": "k9"}, claims, stranger)
        outcomes = await asyncio.gather(
            *(verifier.verify(forged) for _ in range(20)), return_exceptions=True
        )
        assert all(isinstance(o, Unauthorized) for o in outcomes), outcomes
        assert len(asked) == 1  # one attempt, not one per forged token

        status = await jwks.status()
        assert status.state == "degraded"
        assert str(status).startswith(
            "degraded: the identity provider's keys cannot be fetched (ConnectError)"
        )


async def test_without_keys_the_provider_down_is_unavailable() -> None:
    async with httpx.AsyncClient() as http:
        jwks = JwksCache(_closed_port_url(), http)
        with pytest.raises(JwksUnavailable):
            await jwks.keys_for("k1")
        assert (await jwks.status()).state == "unavailable"
