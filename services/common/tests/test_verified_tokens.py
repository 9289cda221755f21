"""Remembered tokens: used only while a full check would still accept them."""

import asyncio

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from services.common.auth import JwksCache, TokenPolicy, TokenVerifier
from services.common.errors import Unauthorized

ISSUER = "https://idp.example/idp"
AUDIENCE = "equitas"
LEEWAY = 30


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})


def verifier(key: RSAKey, clock: Clock) -> TokenVerifier:
    jwks = JwksCache("http://127.0.0.1:9/unused", httpx.AsyncClient())
    jwks.load({"keys": [key.as_dict(private=False)]})
    policy = TokenPolicy(ISSUER, AUDIENCE, ("RS256",), LEEWAY, {})
    return TokenVerifier(policy, jwks, clock=clock)


def token(key: RSAKey, **claims: object) -> str:
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u1", "client_type": "system", **claims}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, body, key)


def verify(v: TokenVerifier, raw: str) -> str:
    return asyncio.run(v.verify(raw)).subject


def test_a_verified_token_is_remembered_until_it_expires(key: RSAKey) -> None:
    clock = Clock(1_000_000.0)
    v = verifier(key, clock)
    raw = token(key, exp=1_000_060)
    assert verify(v, raw) == "u1"
    assert len(v.verified) == 1
    clock.now = 1_000_060 + LEEWAY - 1  # still inside the leeway: remembered
    assert verify(v, raw) == "u1"
    clock.now = 1_000_060 + LEEWAY  # a full check refuses it now, and so does the memory
    with pytest.raises(Unauthorized):
        verify(v, raw)
    assert len(v.verified) == 0


def test_a_token_not_yet_valid_is_refused_then_accepted(key: RSAKey) -> None:
    clock = Clock(1_000_000.0)
    v = verifier(key, clock)
    raw = token(key, nbf=1_000_100, exp=1_000_600)
    with pytest.raises(Unauthorized):
        verify(v, raw)
    clock.now = 1_000_100 - LEEWAY
    assert verify(v, raw) == "u1"


def test_a_key_leaving_the_jwks_revokes_remembered_tokens(key: RSAKey) -> None:
    clock = Clock(1_000_000.0)
    v = verifier(key, clock)
    raw = token(key, exp=1_000_600)
    assert verify(v, raw) == "u1"
    other = RSAKey.generate_key(2048, parameters={"kid": "k2", "alg": "RS256", "use": "sig"})
    v.jwks.load({"keys": [other.as_dict(private=False)]})
    assert v.verified.get(raw, v.jwks, clock.now) is None


def test_the_memory_is_bounded(key: RSAKey) -> None:
    clock = Clock(1_000_000.0)
    v = verifier(key, clock)
    v.verified._max = 3
    raws = [token(key, exp=1_000_600, jti=str(i)) for i in range(5)]
    for raw in raws:
        verify(v, raw)
    assert len(v.verified) == 3
    assert v.verified.get(raws[0], v.jwks, clock.now) is None
    assert v.verified.get(raws[-1], v.jwks, clock.now) is not None
