"""Create a key pair for a new system client: ``<client>.key.pem`` + ``<client>.jwks.json``.

    python -m equitas_idp.make_client_key --client my-system --alg ES256

Register the client in clients.yaml with ``jwks_file: clients/<client>.jwks.json``. Keys made
here are for development only.
"""

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from equitas_idp.get_token import DEMO_CLIENTS_DIR
from equitas_idp.keys import SIGNING_ALGS, generate_private_key, write_private_pem
from equitas_idp.settings import SigningAlg


def make_client_key(
    client_id: str, alg: SigningAlg, out_dir: Path, kid: str | None = None, force: bool = False
) -> tuple[Path, Path]:
    key_path = out_dir / f"{client_id}.key.pem"
    jwks_path = out_dir / f"{client_id}.jwks.json"
    if not force and (key_path.exists() or jwks_path.exists()):
        raise FileExistsError(f"{key_path} or {jwks_path} exists; pass force to replace")
    key = generate_private_key(alg)
    kid = kid or f"{client_id}-{alg.lower()}-1"
    write_private_pem(key_path, key.as_pem(private=True))
    public = key.as_dict(private=False, kid=kid, alg=alg, use="sig")
    jwks_path.write_text(json.dumps({"keys": [public]}, indent=2) + "\n", encoding="utf-8")
    return key_path, jwks_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--client", required=True)
    parser.add_argument("--alg", choices=SIGNING_ALGS, default="RS256")
    parser.add_argument("--kid")
    parser.add_argument("--out-dir", type=Path, default=DEMO_CLIENTS_DIR)
    parser.add_argument("--force", action="store_true", help="replace existing files")
    args = parser.parse_args(argv)
    key_path, jwks_path = make_client_key(args.client, args.alg, args.out_dir, args.kid, args.force)
    print(f"wrote {key_path} and {jwks_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
