"""Client credentials with private_key_jwt against the real development IdP: ES256 and
RS256 clients, the token cached and renewed, refusals typed, tokens the gateway accepts."""

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from equitas_idp.app import create_app
from equitas_idp.get_token import DEMO_CLIENTS_DIR, load_demo_client_key
from equitas_idp.settings import IdpSettings
from joserfc.jwk import ECKey

from services.common.client_credentials import (
    ClientCredentials,
    TokenRequestError,
    make_client_assertion,
    signing_key,
)


def _credentials(client_id: str, token_url: str, scope: str, **kwargs: Any) -> ClientCredentials:
    key = load_demo_client_key(client_id)
    return ClientCredentials(
        token_url, client_id, key.private_key_pem, scope, kid=key.kid, **kwargs
    )


def _part(jwt: str, index: int) -> dict[str, Any]:
    segment = jwt.split(".")[index]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return decoded


@pytest.mark.parametrize(
    ("client_id", "algorithm", "scope", "organisation"),
    [
        ("rio-epr-demo", "ES256", "patient:write", "EQA"),
        ("systmone-epr-demo", "RS256", "patient:read", "EQB"),
    ],
)
async def test_es256_and_rs256_clients_get_tokens_the_services_accept(
    public_url: str,
    gateway: httpx.AsyncClient,
    client_id: str,
    algorithm: str,
    scope: str,
    organisation: str,
) -> None:
    assert load_demo_client_key(client_id).alg == algorithm
    credentials = _credentials(client_id, f"{public_url}/idp/token", scope)
    async with (
        credentials,
        httpx.AsyncClient(base_url=public_url, auth=credentials.auth()) as http,
    ):
        me = await http.get("/api/scoring/me")
    assert me.status_code == 200, me.text
    assert me.json()["kind"] == "system"
    assert me.json()["organisation"]["ods_code"] == organisation
    assert me.json()["permissions"] == [scope]


async def test_the_token_is_cached_and_renewed_once_when_refused(public_url: str) -> None:
    async with _credentials(
        "powerbi-demo", f"{public_url}/idp/token", "aggregate:read"
    ) as credentials:
        first = await credentials.token()
        assert await credentials.token() == first
        # Many requests refused with the same token at once: one new token, not one each.
        renewed = await asyncio.gather(*(credentials.token(refused=first) for _ in range(5)))
    assert len(set(renewed)) == 1
    assert renewed[0] != first


def _another_idp(keys_dir: Path, **settings: Any) -> httpx.ASGITransport:
    """A second development IdP in this process, with keys of its own."""
    idp = DEMO_CLIENTS_DIR.parent
    app = create_app(
        IdpSettings(
            issuer="http://127.0.0.1:8080/idp",
            users_file=idp / "users.yaml",
            clients_file=idp / "clients.yaml",
            keys_dir=keys_dir,
            **settings,
        )
    )
    return httpx.ASGITransport(app=app)


async def test_a_token_is_renewed_shortly_before_it_expires(tmp_path: Path) -> None:
    # A provider whose tokens last 4 s; renewing 1 s ahead means a new one after 3 s.
    transport = _another_idp(tmp_path, access_token_ttl_s=4)
    async with _credentials(
        "aggregation-service", "http://127.0.0.1:8080/idp/token", "feed:read",
        renew_before_s=1, transport=transport,
    ) as credentials:  # fmt: skip
        first = await credentials.token()
        assert (await credentials.fetch()).expires_in == 4
        cached = await credentials.token()
        await asyncio.sleep(3.2)
        later = await credentials.token()
    assert cached != first  # fetch() replaced it
    assert later != cached


async def test_a_request_refused_401_is_sent_again_with_a_new_token(
    public_url: str, tmp_path: Path
) -> None:
    # Tokens from another IdP mean nothing to the stack's services: each answer is a 401.
    async with _credentials(
        "powerbi-demo", "http://127.0.0.1:8080/idp/token", "aggregate:read",
        transport=_another_idp(tmp_path),
    ) as credentials:  # fmt: skip
        first = await credentials.token()
        async with httpx.AsyncClient(base_url=public_url, auth=credentials.auth()) as http:
            refused = await http.get("/api/scoring/me")
        assert refused.status_code == 401
        assert refused.request.headers["Authorization"] != f"Bearer {first}"
        assert await credentials.token() != first


async def test_a_refusal_is_a_typed_error(public_url: str) -> None:
    async with _credentials(
        "powerbi-demo", f"{public_url}/idp/token", "patient:write"
    ) as credentials:
        with pytest.raises(TokenRequestError) as refused:
            await credentials.token()
    assert (refused.value.status_code, refused.value.error) == (400, "invalid_scope")


async def test_the_assertion_audience_can_differ_from_the_url_called(
    public_url: str, stack: Any
) -> None:
    # A service calls the IdP on its own port; the assertion names the public token URL.
    direct = stack.env()["EQUITAS_IDP_TOKEN_URL"]
    public = f"{public_url}/idp/token"
    async with _credentials(
        "aggregation-service", direct, "feed:read", audience=public
    ) as credentials:
        assert await credentials.token()


def test_assertions_are_short_lived_single_use_and_name_the_key() -> None:
    pem = (DEMO_CLIENTS_DIR / "rio-epr-demo.key.pem").read_bytes()
    first = make_client_assertion("rio-epr-demo", "https://as.example/token", pem, "k1")
    second = make_client_assertion("rio-epr-demo", "https://as.example/token", pem, "k1")
    header, claims = _part(first, 0), _part(first, 1)
    assert header == {"alg": "ES256", "kid": "k1", "typ": "JWT"}
    assert claims["iss"] == claims["sub"] == "rio-epr-demo"
    assert claims["aud"] == "https://as.example/token"
    assert 0 < claims["exp"] - claims["iat"] <= 60
    assert claims["jti"] != _part(second, 1)["jti"]


def test_the_key_decides_the_algorithm() -> None:
    rsa = (DEMO_CLIENTS_DIR / "powerbi-demo.key.pem").read_bytes()
    ec = (DEMO_CLIENTS_DIR / "rio-epr-demo.key.pem").read_bytes()
    assert signing_key(rsa)[1] == "RS256"
    assert signing_key(ec)[1] == "ES256"
    with pytest.raises(ValueError, match="signs ES256, not RS256"):
        signing_key(ec, "RS256")
    with pytest.raises(ValueError, match="not an RSA or EC private key"):
        signing_key(b"-----BEGIN NONSENSE-----")
    public = ECKey.import_key(ec).as_pem(private=False)
    with pytest.raises(ValueError, match="that is a public key"):
        signing_key(public)
