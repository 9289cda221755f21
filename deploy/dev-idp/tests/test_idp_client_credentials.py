"""System clients: client credentials with a private_key_jwt assertion (RFC 7523)."""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from equitas_idp.app import create_app
from equitas_idp.assertion import CLIENT_ASSERTION_TYPE
from equitas_idp.get_token import (
    TokenRequestError,
    demo_client_credentials,
    load_demo_client_key,
    make_client_assertion,
)
from equitas_idp.keys import generate_private_key
from equitas_idp.settings import IdpSettings
from idp_testkit import ISSUER, SPA, TOKEN_URL, decode
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

KNOWN = ("rio-epr-demo", "systmone-epr-demo", "powerbi-demo")


def form(assertion: str, scope: str | None = None, **extra: str) -> dict[str, str]:
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": CLIENT_ASSERTION_TYPE,
        "client_assertion": assertion,
        **extra,
    }
    if scope is not None:
        data["scope"] = scope
    return data


def assertion_for(client_id: str, **kwargs: Any) -> str:
    key = load_demo_client_key(client_id)
    return make_client_assertion(client_id, TOKEN_URL, key.private_key_pem, key.kid, **kwargs)


def signed(claims: dict[str, Any], client_id: str = "rio-epr-demo") -> str:
    """An assertion with hand-made claims, signed with the client's real key."""
    demo = load_demo_client_key(client_id if client_id in KNOWN else "rio-epr-demo")
    key: RSAKey | ECKey
    if demo.alg == "ES256":
        key = ECKey.import_key(demo.private_key_pem)
    else:
        key = RSAKey.import_key(demo.private_key_pem)
    return jwt.encode({"alg": demo.alg, "kid": demo.kid}, claims, key, algorithms=[demo.alg])


def good_claims(client_id: str = "rio-epr-demo", **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": TOKEN_URL,
        "iat": now,
        "exp": now + 60,
        "jti": f"jti-{time.monotonic_ns()}",
    }
    claims.update(overrides)
    return claims


async def refused(idp: httpx.AsyncClient, data: dict[str, str]) -> dict[str, Any]:
    response = await idp.post("/idp/token", data=data)
    assert response.status_code in (400, 401), response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("client_id", "scope", "org_code", "alg"),
    [
        ("rio-epr-demo", "patient:write", "EQA", "ES256"),
        ("systmone-epr-demo", "patient:read patient:write", "EQB", "RS256"),
        ("powerbi-demo", "aggregate:read", "QZZ", "RS256"),
        ("aggregation-service", "feed:read", "*", "RS256"),
        ("reporting-service", "report:render", "*", "RS256"),
    ],
)
async def test_valid_assertion_gives_a_system_token(
    idp: httpx.AsyncClient, client_id: str, scope: str, org_code: str, alg: str
) -> None:
    assert load_demo_client_key(client_id).alg == alg
    response = await idp.post("/idp/token", data=form(assertion_for(client_id), scope))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == scope
    assert "refresh_token" not in body
    token = await decode(idp, body["access_token"])
    assert token.header["typ"] == "at+jwt"
    claims = token.claims
    assert claims["iss"] == ISSUER
    assert claims["sub"] == claims["client_id"] == client_id
    assert claims["aud"] == "equitas"
    assert claims["scope"] == scope
    assert claims["org_code"] == org_code
    assert claims["client_type"] == "system"
    assert {"iat", "nbf", "exp", "jti"} <= set(claims)


async def test_helper_gets_a_token_and_scope_defaults_to_all_allowed(
    idp: httpx.AsyncClient, make_settings: Callable[..., IdpSettings]
) -> None:
    # A second app on the same keys: the helper brings its own HTTP client.
    transport = httpx.ASGITransport(app=create_app(make_settings()))
    async with demo_client_credentials(
        "rio-epr-demo", TOKEN_URL, "patient:read", transport=transport
    ) as narrow:
        token = await narrow.token()
    assert (await decode(idp, token)).claims["scope"] == "patient:read"
    async with demo_client_credentials("rio-epr-demo", TOKEN_URL, transport=transport) as wide:
        everything = await wide.fetch()
    assert set(everything.scope.split()) == {"patient:read", "patient:write"}
    assert everything.expires_in == 600


async def test_issuer_is_an_accepted_audience(idp: httpx.AsyncClient) -> None:
    response = await idp.post("/idp/token", data=form(signed(good_claims(aud=ISSUER))))
    assert response.status_code == 200, response.text


async def test_the_configured_internal_token_url_is_an_accepted_audience(
    make_settings: Callable[..., IdpSettings],
) -> None:
    # Services in the stack call the provider on its own port, not through the gateway.
    direct = "http://127.0.0.1:8090"
    app = create_app(make_settings(internal_token_url=f"{direct}/idp/token"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=direct) as client:
        async with demo_client_credentials(
            "aggregation-service", f"{direct}/idp/token", "feed:read", transport=transport
        ) as credentials:
            assert await credentials.token()
        elsewhere = good_claims("rio-epr-demo", aud="http://127.0.0.1:9999/idp/token")
        response = await client.post("/idp/token", data=form(signed(elsewhere)))
        assert response.status_code == 400


async def test_replayed_assertion_is_refused(idp: httpx.AsyncClient) -> None:
    data = form(assertion_for("rio-epr-demo"), "patient:write")
    assert (await idp.post("/idp/token", data=data)).status_code == 200
    body = await refused(idp, data)
    assert body["error"] in ("invalid_client", "invalid_grant")
    assert "assertion replayed" in body["error_description"]


async def test_same_jti_from_another_client_is_not_a_replay(idp: httpx.AsyncClient) -> None:
    first = form(signed(good_claims("rio-epr-demo", jti="shared")))
    second = form(signed(good_claims("powerbi-demo", jti="shared"), "powerbi-demo"))
    assert (await idp.post("/idp/token", data=first)).status_code == 200
    assert (await idp.post("/idp/token", data=second)).status_code == 200


async def test_expired_assertion_is_refused(idp: httpx.AsyncClient) -> None:
    body = await refused(idp, form(assertion_for("rio-epr-demo", lifetime_s=-120)))
    assert body["error"] == "invalid_client"
    assert "expired" in body["error_description"]


async def test_long_lived_assertion_is_refused(idp: httpx.AsyncClient) -> None:
    body = await refused(idp, form(assertion_for("rio-epr-demo", lifetime_s=3600)))
    assert "at most 300s" in body["error_description"]


async def test_assertion_issued_in_the_future_is_refused(idp: httpx.AsyncClient) -> None:
    claims = good_claims(iat=int(time.time()) + 120)
    body = await refused(idp, form(signed(claims)))
    assert "iat" in body["error_description"]


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"aud": "https://someone-else.example/token"}, "aud"),
        ({"iss": "systmone-epr-demo"}, ""),  # then it is checked with systmone's key
        ({"sub": "systmone-epr-demo"}, "iss and sub"),
        ({"jti": ""}, "jti"),
        ({"exp": "tomorrow"}, "exp"),
    ],
)
async def test_bad_claims_are_refused(
    idp: httpx.AsyncClient, overrides: dict[str, Any], says: str
) -> None:
    claims = good_claims()
    claims.update(overrides)
    body = await refused(idp, form(signed(claims)))
    assert body["error"] == "invalid_client"
    assert says in body["error_description"]


async def test_assertion_signed_by_another_key_is_refused(idp: httpx.AsyncClient) -> None:
    demo = load_demo_client_key("rio-epr-demo")
    stranger = generate_private_key("ES256").as_pem(private=True)
    assertion = make_client_assertion("rio-epr-demo", TOKEN_URL, stranger, demo.kid)
    body = await refused(idp, form(assertion))
    assert body["error"] == "invalid_client"
    assert "signature" in body["error_description"]


async def test_assertion_with_an_unknown_kid_is_refused(idp: httpx.AsyncClient) -> None:
    demo = load_demo_client_key("rio-epr-demo")
    assertion = make_client_assertion("rio-epr-demo", TOKEN_URL, demo.private_key_pem, "other")
    body = await refused(idp, form(assertion))
    assert "kid" in body["error_description"]


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


async def test_alg_none_is_refused(idp: httpx.AsyncClient) -> None:
    demo = load_demo_client_key("rio-epr-demo")
    assertion = _unsigned({"alg": "none", "kid": demo.kid}, good_claims())
    body = await refused(idp, form(assertion))
    assert body["error"] == "invalid_client"
    assert "'none' is not accepted" in body["error_description"]


async def test_hs256_signed_with_the_public_key_is_refused(idp: httpx.AsyncClient) -> None:
    # The classic confusion attack: use the published public key as an HMAC secret.
    demo = load_demo_client_key("powerbi-demo")
    public_pem = RSAKey.import_key(demo.private_key_pem).as_pem(private=False)
    unsigned = _unsigned({"alg": "HS256", "kid": demo.kid}, good_claims("powerbi-demo"))
    signing_input = unsigned.rstrip(".").encode()
    mac = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    assertion = unsigned + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    body = await refused(idp, form(assertion))
    assert "'HS256' is not accepted" in body["error_description"]


async def test_scope_outside_the_clients_allowance_is_refused(idp: httpx.AsyncClient) -> None:
    body = await refused(idp, form(assertion_for("powerbi-demo"), "aggregate:read patient:read"))
    assert body["error"] == "invalid_scope"
    assert "patient:read" in body["error_description"]


async def test_unknown_client_and_public_client_are_refused(idp: httpx.AsyncClient) -> None:
    stranger = signed(good_claims("no-such-client"))
    assert (await refused(idp, form(stranger)))["error"] == "invalid_client"
    spa = signed(good_claims(SPA))
    assert (await refused(idp, form(spa)))["error"] == "invalid_client"


async def test_client_id_must_match_the_assertion(idp: httpx.AsyncClient) -> None:
    data = form(assertion_for("rio-epr-demo"), client_id="systmone-epr-demo")
    assert (await refused(idp, data))["error"] == "invalid_client"


async def test_assertion_type_is_required(idp: httpx.AsyncClient) -> None:
    data = form(assertion_for("rio-epr-demo"))
    data["client_assertion_type"] = "urn:example:secret"
    assert (await refused(idp, data))["error"] == "invalid_client"


async def test_helper_raises_a_typed_error_when_refused(
    make_settings: Callable[..., IdpSettings],
) -> None:
    transport = httpx.ASGITransport(app=create_app(make_settings()))
    with pytest.raises(TokenRequestError) as caught:
        async with demo_client_credentials(
            "powerbi-demo", TOKEN_URL, "patient:write", transport=transport
        ) as credentials:
            await credentials.token()
    assert caught.value.error == "invalid_scope"
    assert caught.value.status_code == 400


async def test_unknown_grant_type_and_repeated_parameters(idp: httpx.AsyncClient) -> None:
    response = await idp.post("/idp/token", data={"grant_type": "password"})
    assert response.json()["error"] == "unsupported_grant_type"
    repeated = await idp.post(
        "/idp/token",
        content="grant_type=client_credentials&grant_type=password",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert repeated.status_code == 400
    assert repeated.json()["error"] == "invalid_request"
