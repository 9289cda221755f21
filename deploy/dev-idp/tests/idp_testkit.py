"""Helpers for the provider's tests: sign in through the login page, exchange codes,
verify tokens with the published JWKS."""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from equitas_idp.app import create_app
from equitas_idp.settings import IdpSettings
from joserfc import jwt
from joserfc.jwk import KeySet

IDP_DIR = Path(__file__).resolve().parents[1]
USERS_FILE = IDP_DIR / "users.yaml"
CLIENTS_FILE = IDP_DIR / "clients.yaml"
CLIENTS_DIR = IDP_DIR / "clients"
ISSUER = "http://127.0.0.1:8080/idp"
TOKEN_URL = f"{ISSUER}/token"
SPA = "equitas-spa"
REDIRECT_URI = "http://127.0.0.1:8080/callback"


def settings_for(keys_dir: Path, **overrides: Any) -> IdpSettings:
    values: dict[str, Any] = {
        "issuer": ISSUER,
        "users_file": USERS_FILE,
        "clients_file": CLIENTS_FILE,
        "keys_dir": keys_dir,
    }
    values.update(overrides)
    return IdpSettings(**values)


def client_for(settings: IdpSettings) -> httpx.AsyncClient:
    """An HTTP client for a fresh provider app, addressed at the issuer's origin."""
    app = create_app(settings)
    parts = urlsplit(settings.issuer)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"{parts.scheme}://{parts.netloc}"
    )


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class AuthRequest:
    verifier: str
    params: dict[str, str]


def auth_request(**overrides: str) -> AuthRequest:
    verifier, challenge = pkce_pair()
    params = {
        "client_id": SPA,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid profile nhsperson nationalrbacaccess associatedorgs selectedrole",
        "state": secrets.token_urlsafe(12),
        "nonce": secrets.token_urlsafe(12),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return AuthRequest(verifier, params)


def login_forms(html: str) -> dict[tuple[str, str | None], dict[str, str]]:
    """The login page's forms, keyed by (username, role_id), as the browser would post them."""
    forms: dict[tuple[str, str | None], dict[str, str]] = {}
    for form in re.findall(r"<form.*?</form>", html, flags=re.S):
        fields = {
            unescape(name): unescape(value)
            for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', form)
        }
        forms[(fields["username"], fields.get("role_id"))] = fields
    return forms


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def sign_in(
    client: httpx.AsyncClient, request: AuthRequest, username: str, role_id: str | None = None
) -> httpx.Response:
    """Open the login page and press the button for this user (and role)."""
    page = await client.get("/idp/authorize", params=request.params)
    assert page.status_code == 200, page.text
    forms = login_forms(page.text)
    key = (username, role_id) if role_id else next(k for k in forms if k[0] == username)
    return await client.post("/idp/authorize", data=forms[key])


async def code_for(
    client: httpx.AsyncClient, request: AuthRequest, username: str = "clinician.a"
) -> str:
    response = await sign_in(client, request, username)
    assert response.status_code == 302, response.text
    query = query_of(response.headers["location"])
    assert query["state"] == request.params["state"]
    return query["code"]


async def exchange(
    client: httpx.AsyncClient, code: str, verifier: str, redirect_uri: str = REDIRECT_URI
) -> httpx.Response:
    return await client.post(
        "/idp/token",
        data={
            "grant_type": "authorization_code",
            "client_id": SPA,
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": redirect_uri,
        },
    )


async def staff_tokens(
    client: httpx.AsyncClient, username: str = "clinician.a", **overrides: str
) -> dict[str, Any]:
    request = auth_request(**overrides)
    code = await code_for(client, request, username)
    response = await exchange(client, code, request.verifier, request.params["redirect_uri"])
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    body["_nonce"] = request.params["nonce"]
    return body


async def decode(client: httpx.AsyncClient, token: str) -> jwt.Token:
    """Verify a token the way a relying party does: with the published JWKS."""
    keys = KeySet.import_key_set((await client.get("/idp/jwks")).json())
    return jwt.decode(token, keys, algorithms=["RS256", "ES256"])
