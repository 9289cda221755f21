"""Run the provider on its own: ``python -m equitas_idp --host 127.0.0.1 --port 8090``.

Settings come from the environment (``EQUITAS_IDP_*``). The issuer stays the gateway's URL
(``http://127.0.0.1:8080/idp`` by default) even though this process listens elsewhere,
because relying parties must see one issuer.
"""

import argparse
from collections.abc import Sequence

import uvicorn

from equitas_idp.app import create_app
from equitas_idp.settings import IdpSettings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Equitas development identity provider")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    settings = IdpSettings()
    # One process only: codes, sessions and refresh tokens are kept in memory.
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
