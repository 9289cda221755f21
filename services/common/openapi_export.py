"""Writes or checks the committed OpenAPI contracts in ``openapi/`` (one per service).

The documents are generated from the code without starting a server, so the SPA's client
and the contract test always see exactly what the routes declare.
"""

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
OPENAPI_DIR = REPO / "openapi"
SERVICES = ("scoring", "aggregation", "reporting")


def contract(service: str) -> str:
    module = importlib.import_module(f"services.{service}.main")
    document: dict[str, Any] = module.create_app().openapi()
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def drifted() -> list[str]:
    out = []
    for service in SERVICES:
        path = OPENAPI_DIR / f"{service}.yaml"
        if not path.exists() or path.read_text(encoding="utf-8") != contract(service):
            out.append(service)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="openapi_export")
    parser.add_argument("action", choices=("write", "check"))
    args = parser.parse_args(argv)
    if args.action == "write":
        OPENAPI_DIR.mkdir(exist_ok=True)
        for service in SERVICES:
            (OPENAPI_DIR / f"{service}.yaml").write_text(contract(service), encoding="utf-8")
        return 0
    stale = drifted()
    if stale:
        print(f"openapi/ is out of date for {stale}: run `make openapi`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
