"""Foundation: through the real gateway, with real tokens from the real IdP, every service
answers, and every way a token can be wrong gets 401 (problem+json) or 403."""

import asyncio
import base64
import json
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from equitas_idp.get_token import load_demo_client_key, make_client_assertion
from equitas_stack.stack import Stack
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from tests.support.fixtures import Tokens
from tests.support.tokens import idp_signing_keys, user_token

SERVICES = ("scoring", "aggregation", "reporting")


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def _sign_with_idp_key(keys_dir: Path, claims: dict[str, Any]) -> str:
    """Sign with the IdP's own key, to show the *claims* checks refuse the token."""
    path = idp_signing_keys(keys_dir)[0]
    pem = path.read_bytes()
    key: RSAKey | ECKey
    if b"BEGIN RSA" in pem or len(pem) > 1000:  # RSA 2048 PEMs are far longer than P-256
        key, alg = RSAKey.import_key(pem), "RS256"
    else:
        key, alg = ECKey.import_key(pem), "ES256"
    return jwt.encode({"alg": alg, "kid": path.stem, "typ": "at+jwt"}, claims, key)


@pytest.mark.parametrize("service", SERVICES)
async def test_health_through_gateway(gateway: httpx.AsyncClient, service: str) -> None:
    response = await gateway.get(f"/api/{service}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": service, "checks": {}, "gauges": {}}
    assert response.headers["x-request-id"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("service", SERVICES)
async def test_who_am_i_with_a_real_login(
    gateway: httpx.AsyncClient, tokens: Tokens, service: str
) -> None:
    response = await gateway.get(f"/api/{service}/me", headers=await tokens.headers("clinician.a"))
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["name"] == "Asha Patel"
    assert me["kind"] == "user"
    assert me["organisation"] == {"ods_code": "EQA", "name": "Equitas Demo Trust A"}
    assert me["role"]["code"] == "S8000:G8000:R8000"
    assert "assessment:write" in me["permissions"]


@pytest.mark.parametrize("service", SERVICES)
async def test_no_token_is_401_problem(gateway: httpx.AsyncClient, service: str) -> None:
    response = await gateway.get(f"/api/{service}/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 401
    assert problem["title"] == "Authentication required"
    assert "Bearer" in response.headers["www-authenticate"]


def _tamper(token: str) -> str:
    header, _payload, signature = token.split(".")
    claims = _claims(token)
    claims["name"] = "Mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def _alg_none(token: str) -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
    return f"{header}.{token.split('.')[1]}."


def _unknown_kid(token: str) -> str:
    stranger = RSAKey.generate_key(2048)
    return jwt.encode({"alg": "RS256", "kid": "not-a-kid-the-idp-knows"}, _claims(token), stranger)


@pytest.mark.parametrize(
    "case",
    ["expired", "wrong_audience", "wrong_issuer", "not_yet_valid", "tampered", "alg_none",
     "unknown_kid", "garbage"],
)  # fmt: skip
async def test_bad_tokens_are_401(
    gateway: httpx.AsyncClient, tokens: Tokens, idp_keys_dir: Path, case: str
) -> None:
    good = await tokens.user("clinician.a")
    now = int(time.time())
    claims = _claims(good)
    overrides: dict[str, dict[str, Any]] = {
        "expired": {"exp": now - 600, "iat": now - 1200},
        "wrong_audience": {"aud": "someone-else"},
        "wrong_issuer": {"iss": "https://evil.example/idp"},
        "not_yet_valid": {"nbf": now + 3600},
    }
    if case in overrides:
        forged = _sign_with_idp_key(idp_keys_dir, {**claims, **overrides[case]})
    else:
        forged = {
            "tampered": _tamper,
            "alg_none": _alg_none,
            "unknown_kid": _unknown_kid,
            "garbage": lambda _: "not-a-jwt",
        }[case](good)
    for service in SERVICES:
        response = await gateway.get(
            f"/api/{service}/me", headers={"Authorization": f"Bearer {forged}"}
        )
        assert response.status_code == 401, (case, service, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_correctly_signed_token_from_our_key_still_works(
    gateway: httpx.AsyncClient, tokens: Tokens, idp_keys_dir: Path
) -> None:
    """Control for the cases above: re-signing unchanged claims is accepted."""
    claims = _claims(await tokens.user("clinician.a"))
    token = _sign_with_idp_key(idp_keys_dir, claims)
    response = await gateway.get("/api/scoring/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text


async def test_valid_token_without_the_permission_is_403(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await gateway.post(
        "/api/scoring/teams",
        json={"code": "NOT-ALLOWED", "name": "Clinicians cannot create teams"},
        headers=await tokens.headers("clinician.a"),
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "organisation:admin" in response.json()["detail"]


async def test_client_credentials_with_private_key_jwt(
    gateway: httpx.AsyncClient, public_url: str
) -> None:
    key = load_demo_client_key("rio-epr-demo")
    token_url = f"{public_url}/idp/token"
    assertion = make_client_assertion("rio-epr-demo", token_url, key.private_key_pem, key.kid)
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": "patient:write",
    }
    first = await gateway.post("/idp/token", data=form)
    assert first.status_code == 200, first.text
    access = first.json()["access_token"]
    me = await gateway.get("/api/scoring/me", headers={"Authorization": f"Bearer {access}"})
    assert me.status_code == 200
    assert me.json()["kind"] == "system"
    assert me.json()["organisation"]["ods_code"] == "EQA"
    assert me.json()["permissions"] == ["patient:write"]

    replayed = await gateway.post("/idp/token", data=form)
    assert replayed.status_code in (400, 401)
    assert "replay" in replayed.json()["error_description"].lower()

    expired = make_client_assertion(
        "rio-epr-demo", token_url, key.private_key_pem, key.kid, lifetime_s=-120
    )
    refused = await gateway.post("/idp/token", data={**form, "client_assertion": expired})
    assert refused.status_code in (400, 401)


async def test_gateway_limits_request_bodies(public_url: str, tokens: Tokens) -> None:
    # Its own connection: the gateway answers 413 before reading the whole body, so the
    # rest of it must not reach a connection that other tests reuse.
    async with httpx.AsyncClient(base_url=public_url, timeout=30) as client:
        response = await client.post(
            "/api/scoring/teams",
            content=b"x" * (3 * 1024 * 1024),
            headers={**await tokens.headers("org.admin"), "Content-Type": "application/json"},
        )
    assert response.status_code == 413


async def test_request_id_is_propagated(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/api/scoring/healthz", headers={"X-Request-Id": "trace-me-123"})
    assert response.headers["x-request-id"] == "trace-me-123"


async def test_unknown_api_path_is_problem_json(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/api/scoring/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_spa_history_fallback(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/callback")
    assert response.status_code == 200
    assert '<div id="root"' in response.text or "<html" in response.text.lower()


async def test_key_rotation_reaches_every_service(
    gateway: httpx.AsyncClient, stack: Stack, public_url: str
) -> None:
    blocked = await gateway.post("/idp/admin/rotate-keys")
    assert blocked.status_code == 404  # never exposed through the gateway
    idp = f"http://127.0.0.1:{stack.config.idp_port}/idp"
    async with httpx.AsyncClient() as http:
        before = (await http.get(f"{idp}/jwks")).json()["keys"]
        assert (await http.post(f"{idp}/admin/rotate-keys")).status_code == 401
        admin = {"Authorization": f"Bearer {stack.config.idp_admin_secret}"}
        rotated = await http.post(f"{idp}/admin/rotate-keys", headers=admin)
        assert rotated.status_code == 200, rotated.text
        after = (await http.get(f"{idp}/jwks")).json()["keys"]
        assert {k["kid"] for k in before} < {k["kid"] for k in after}
        await asyncio.sleep(1.2)  # the services' refetch interval for unknown key ids
        token = await user_token(http, public_url, "clinician.b")
    new_kid = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]
    assert new_kid not in {k["kid"] for k in before}
    for service in SERVICES:
        response = await gateway.get(
            f"/api/{service}/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, (service, response.text)


async def test_gateway_access_log_never_holds_query_strings(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: Callable[[], str]
) -> None:
    # Made here, not written in the source: Hypothesis draws on the project's literals, so
    # the contract fuzz once sent a number written here as a path segment, which the log
    # rightly shows (paths are logged; query strings are not).
    number = nhs_number()
    name = f"Marker{uuid.uuid4().hex[:12]}"
    await gateway.get(
        "/api/scoring/people",
        params={"nhs_number": number, "name": name},
        headers=await tokens.headers("clinician.a"),
    )
    await asyncio.sleep(0.5)  # Caddy writes its log line after the response
    log = (stack.config.var_dir / "log" / "gateway-access.log").read_text()
    assert "[redacted]" in log
    assert number not in log
    assert name not in log
    # No JWT (Authorization is redacted by Caddy): a token's header and payload, not any "eyJ"
    # (the contract fuzz's random header values hold those letters now and then).
    assert not re.search(r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.", log)
