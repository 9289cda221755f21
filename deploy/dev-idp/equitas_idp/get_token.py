"""Print a system access token for a demo client (development only).

    python -m equitas_idp.get_token --client rio-epr-demo --scope patient:write \\
        --token-url http://127.0.0.1:8080/idp/token

The client credentials flow itself is ``services.common.client_credentials`` (what the
services use); this module adds only the demo clients' keys under ``clients/``.
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from services.common.client_credentials import (
    ClientCredentials,
    TokenRequestError,
    TokenResponse,
    make_client_assertion,
)

__all__ = [
    "DEMO_CLIENTS_DIR",
    "DemoClientKey",
    "TokenRequestError",
    "demo_client_credentials",
    "load_demo_client_key",
    "main",
    "make_client_assertion",
]

# The demo clients' keys live next to the package in the repository (development only).
DEMO_CLIENTS_DIR = Path(__file__).resolve().parent.parent / "clients"


@dataclass(frozen=True)
class DemoClientKey:
    client_id: str
    private_key_pem: bytes
    kid: str
    alg: str


def load_demo_client_key(
    client_id: str, clients_dir: Path = DEMO_CLIENTS_DIR, key_file: Path | None = None
) -> DemoClientKey:
    """A demo client's private key and the ``kid`` from its published JWKS."""
    pem = (key_file or clients_dir / f"{client_id}.key.pem").read_bytes()
    jwks = json.loads((clients_dir / f"{client_id}.jwks.json").read_text(encoding="utf-8"))
    first = jwks["keys"][0]
    return DemoClientKey(client_id, pem, str(first["kid"]), str(first.get("alg", "")))


def demo_client_credentials(
    client_id: str,
    token_url: str,
    scope: str = "",
    *,
    audience: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ClientCredentials:
    """``ClientCredentials`` for a demo client, with its committed key."""
    key = load_demo_client_key(client_id)
    return ClientCredentials(
        token_url,
        client_id,
        key.private_key_pem,
        scope,
        kid=key.kid,
        audience=audience,
        transport=transport,
    )


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

    async def fetch() -> TokenResponse:
        async with ClientCredentials(
            args.token_url, args.client, pem, args.scope, kid=kid, audience=args.audience
        ) as credentials:
            return await credentials.fetch()

    try:
        token = asyncio.run(fetch())
    except TokenRequestError as exc:
        print(f"token request refused: {exc}", file=sys.stderr)
        return 1
    except httpx.HTTPError as exc:
        print(f"cannot reach {args.token_url}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(asdict(token), indent=2) if args.json else token.access_token)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
