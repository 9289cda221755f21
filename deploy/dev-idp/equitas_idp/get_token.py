"""Get a system access token with OAuth2 client credentials + private_key_jwt (RFC 7523).

Used by outside tools, the test-suite and the services. As a command::

    python -m equitas_idp.get_token --client rio-epr-demo --scope patient:write \\
        --token-url http://127.0.0.1:8080/idp/token
"""

import argparse
import asyncio
import json
import secrets
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from equitas_idp.assertion import CLIENT_ASSERTION_TYPE

# The demo clients' keys live next to the package in the repository (development only).
DEMO_CLIENTS_DIR = Path(__file__).resolve().parent.parent / "clients"


class TokenRequestError(Exception):
    """The token endpoint refused the request (RFC 6749 §5.2 error)."""

    def __init__(self, status_code: int, error: str, description: str) -> None:
        super().__init__(f"{status_code} {error}: {description}")
        self.status_code = status_code
        self.error = error
        self.description = description


@dataclass(frozen=True)
class TokenResponse:
    access_token: str
    token_type: str
    expires_in: int
    scope: str


@dataclass(frozen=True)
class DemoClientKey:
    client_id: str
    private_key_pem: bytes
    kid: str
    alg: str


def _import_private_key(private_key_pem: bytes | str) -> tuple[RSAKey | ECKey, str]:
    data = private_key_pem.encode() if isinstance(private_key_pem, str) else private_key_pem
    try:
        return RSAKey.import_key(data), "RS256"
    except (JoseError, ValueError, TypeError):
        pass  # not RSA: try EC below
    try:
        key = ECKey.import_key(data)
    except (JoseError, ValueError, TypeError) as exc:
        raise ValueError("private_key_pem is not an RSA or EC private key in PEM") from exc
    if key.curve_name != "P-256":
        raise ValueError("EC client keys must use the P-256 curve (ES256)")
    return key, "ES256"


def make_client_assertion(
    client_id: str,
    audience: str,
    private_key_pem: bytes | str,
    kid: str,
    alg: str | None = None,
    lifetime_s: int = 60,
    jti: str | None = None,
) -> str:
    """A signed client assertion: iss = sub = client id, aud = token endpoint, unique jti.

    ``alg`` defaults to RS256 for an RSA key and ES256 for a P-256 key. RFC 7523 §3.
    """
    key, key_alg = _import_private_key(private_key_pem)
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "exp": now + lifetime_s,
        "jti": jti or secrets.token_urlsafe(24),
    }
    use_alg = alg or key_alg
    return jwt.encode({"alg": use_alg, "kid": kid}, claims, key, algorithms=[use_alg])


async def fetch_client_credentials(
    token_url: str,
    client_id: str,
    private_key_pem: bytes | str,
    kid: str,
    scope: str,
    http_client: httpx.AsyncClient,
    *,
    audience: str | None = None,
) -> TokenResponse:
    """The whole token response. ``audience`` defaults to ``token_url``; set it to the
    public token URL when calling the provider directly rather than through the gateway."""
    assertion = make_client_assertion(client_id, audience or token_url, private_key_pem, kid)
    form = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_assertion_type": CLIENT_ASSERTION_TYPE,
        "client_assertion": assertion,
    }
    if scope:
        form["scope"] = scope
    response = await http_client.post(token_url, data=form)
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200:
        raise TokenRequestError(
            response.status_code,
            str(body.get("error", "unknown_error")),
            str(body.get("error_description", response.text[:200])),
        )
    return TokenResponse(
        access_token=str(body["access_token"]),
        token_type=str(body.get("token_type", "Bearer")),
        expires_in=int(body.get("expires_in", 0)),
        scope=str(body.get("scope", "")),
    )


async def client_credentials_token(
    token_url: str,
    client_id: str,
    private_key_pem: bytes | str,
    kid: str,
    scope: str,
    http_client: httpx.AsyncClient,
    *,
    audience: str | None = None,
) -> str:
    """Just the access token; raises ``TokenRequestError`` when refused."""
    response = await fetch_client_credentials(
        token_url, client_id, private_key_pem, kid, scope, http_client, audience=audience
    )
    return response.access_token


def load_demo_client_key(
    client_id: str, clients_dir: Path = DEMO_CLIENTS_DIR, key_file: Path | None = None
) -> DemoClientKey:
    """A demo client's private key and the ``kid`` from its published JWKS."""
    pem = (key_file or clients_dir / f"{client_id}.key.pem").read_bytes()
    jwks = json.loads((clients_dir / f"{client_id}.jwks.json").read_text(encoding="utf-8"))
    first = jwks["keys"][0]
    return DemoClientKey(client_id, pem, str(first["kid"]), str(first.get("alg", "")))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print a system access token (dev IdP).")
    parser.add_argument("--client", required=True, help="client id, e.g. rio-epr-demo")
    parser.add_argument("--scope", default="", help="space-separated; default: all allowed")
    parser.add_argument("--token-url", default="http://127.0.0.1:8080/idp/token")
    parser.add_argument("--audience", help="assertion aud if not the token URL")
    parser.add_argument("--clients-dir", type=Path, default=DEMO_CLIENTS_DIR)
    parser.add_argument("--key", type=Path, help="private key PEM (default: the demo key)")
    parser.add_argument("--kid", help="key id (default: first key in <client>.jwks.json)")
    parser.add_argument("--json", action="store_true", help="print the whole token response")
    args = parser.parse_args(argv)

    if args.kid and args.key:
        pem, kid = args.key.read_bytes(), args.kid
    else:
        demo = load_demo_client_key(args.client, args.clients_dir, args.key)
        pem, kid = demo.private_key_pem, args.kid or demo.kid

    async def run() -> TokenResponse:
        async with httpx.AsyncClient(timeout=10.0) as http:
            return await fetch_client_credentials(
                args.token_url, args.client, pem, kid, args.scope, http, audience=args.audience
            )

    try:
        token = asyncio.run(run())
    except TokenRequestError as exc:
        print(f"token request refused: {exc}", file=sys.stderr)
        return 1
    except httpx.HTTPError as exc:
        print(f"cannot reach {args.token_url}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(token.__dict__, indent=2) if args.json else token.access_token)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
