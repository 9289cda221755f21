"""Routes that also take a credential the service issues itself (``require_or_own_credential``):
as Bearer or as the password of HTTP Basic; a Bearer string the service does not claim is
verified as a JWT; permissions are checked either way."""

import base64
import time
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from joserfc import jwt
from joserfc.jwk import RSAKey

from services.common.auth import (
    JwksCache,
    Principal,
    TokenPolicy,
    TokenVerifier,
    require_or_own_credential,
)
from services.common.errors import Unauthorized, install_problem_handlers
from services.common.permissions import Permission

ISSUER = "https://idp.example/idp"
AUDIENCE = "equitas"
KEY = "own_good"


async def verify_own(request: Request, raw: str) -> Principal | None:
    if not raw.startswith("own_"):
        return None
    if raw != KEY:
        raise Unauthorized("unknown key")
    return Principal(
        subject="key:1", kind="system", client_id="key", name="key", organisation_code="EQA",
        organisation_name=None, role_code=None, role_name=None,
        scopes=frozenset({"aggregate:read"}), permissions=frozenset({Permission.aggregate_read}),
        token="",
    )  # fmt: skip


@pytest.fixture(scope="module")
def key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})


@pytest.fixture
async def client(key: RSAKey) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)
    jwks = JwksCache("http://127.0.0.1:9/unused", httpx.AsyncClient())
    jwks.load({"keys": [key.as_dict(private=False)]})
    app.state.token_verifier = TokenVerifier(
        TokenPolicy(ISSUER, AUDIENCE, ("RS256",), 30, {}), jwks
    )
    reader = require_or_own_credential(verify_own, Permission.aggregate_read)

    @app.get("/read")
    async def read(principal: Annotated[Principal, Depends(reader)]) -> str:
        return principal.subject

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def jwt_for(key: RSAKey, scope: str) -> str:
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "bi-client", "client_type": "system",
              "scope": scope, "exp": int(time.time()) + 300}  # fmt: skip
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def test_own_key_as_bearer_or_basic_password(client: httpx.AsyncClient) -> None:
    bearer = await client.get("/read", headers={"Authorization": f"Bearer {KEY}"})
    assert bearer.json() == "key:1"
    for user in ("", "anyone", "Power BI"):
        answer = await client.get("/read", headers=basic(user, KEY))
        assert answer.status_code == 200, answer.text
        assert answer.json() == "key:1"


async def test_unknown_own_key_and_jwt_as_password_are_refused(
    client: httpx.AsyncClient, key: RSAKey
) -> None:
    assert (await client.get("/read", headers=basic("x", "own_bad"))).status_code == 401
    # Basic carries only the service's own keys, never a JWT.
    token = jwt_for(key, "aggregate:read")
    assert (await client.get("/read", headers=basic("x", token))).status_code == 401
    assert (
        await client.get("/read", headers={"Authorization": "Bearer own_bad"})
    ).status_code == 401
    assert (await client.get("/read")).status_code == 401
    assert (await client.get("/read", headers={"Authorization": "Basic %%%"})).status_code == 401


async def test_a_jwt_still_works_and_permissions_are_checked(
    client: httpx.AsyncClient, key: RSAKey
) -> None:
    ok = await client.get(
        "/read", headers={"Authorization": f"Bearer {jwt_for(key, 'aggregate:read')}"}
    )
    assert ok.json() == "bi-client"
    other = jwt_for(key, "patient:read")
    refused = await client.get("/read", headers={"Authorization": f"Bearer {other}"})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
