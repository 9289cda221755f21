"""`make run`: start everything, print where to go and who to log in as, keep it running
(a child that dies is restarted: ``supervisor``), stop on Ctrl-C."""

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

from equitas_stack.stack import DEMO_USERS_FILE, REPO, Stack, StackConfig, StackError
from equitas_stack.supervisor import CrashLoop, Supervisor

# The seed's exit status when the organisations, teams and memberships are in but the
# synthetic people are not (services.scoring.demo_data.seed.PEOPLE_NOT_LOADED).
PEOPLE_NOT_LOADED = 3


def _demo_logins() -> list[str]:
    users = yaml.safe_load(DEMO_USERS_FILE.read_text())["users"]
    lines = []
    for user in users:
        roles = user.get("roles") or []
        role = roles[0] if roles else {}
        where = f"{role.get('role_name', 'no role')}, {role.get('org_name', '-')}"
        lines.append(f"  {user['name']:<18} {where}")
    return lines


def load_demo_data(stack: Stack) -> bool:
    """On every start: the demo organisations, teams and memberships (upserted), then the
    synthetic people unless they are in already. False when the demo users have no teams."""
    print("Loading demo data ...", flush=True)
    # The environment names the demo users file (EQUITAS_DEMO_USERS_FILE).
    seeded = subprocess.run(
        [sys.executable, "-m", "services.scoring.demo_data.seed"],
        env=stack.env("scoring"),
        cwd=REPO,
        check=False,
    )
    if seeded.returncode == PEOPLE_NOT_LOADED:
        print("The demo people did not load (see above); the demo teams did.", file=sys.stderr)
    elif seeded.returncode != 0:
        print("Demo data did not load; see the output above.", file=sys.stderr)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="equitas-run")
    parser.add_argument("--port", type=int, default=int(os.environ.get("EQUITAS_PORT", "8080")))
    parser.add_argument("--no-demo-data", action="store_true")
    parser.add_argument("--scoring-workers", type=int, default=1)
    args = parser.parse_args(argv)

    settings: dict[str, Any] = {
        "database_url": os.environ.get("EQUITAS_DATABASE_URL") or None,
        "workers": {"scoring": args.scoring_workers},
    }
    if os.environ.get("EQUITAS_VAR_DIR"):
        settings["var_dir"] = Path(os.environ["EQUITAS_VAR_DIR"])
    # Internal ports are fixed by default (easy to reach while developing); "auto" picks
    # free ones, e.g. when a second copy runs beside the first.
    if os.environ.get("EQUITAS_INTERNAL_PORTS") == "auto":
        config = StackConfig.on_free_ports(**settings)
        config.gateway_port = args.port
    else:
        config = StackConfig(gateway_port=args.port, **settings)
    stack = Stack(config)
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    where = (
        "embedded Postgres in var/pgdata" if config.database_url is None else "EQUITAS_DATABASE_URL"
    )
    print(f"Starting Equitas (database: {where}) ...", flush=True)
    try:
        stack.start()
    except StackError as exc:
        print(f"Equitas did not start: {exc}", file=sys.stderr)
        return 1
    # "is running" only once every demo user is in their team.
    if not args.no_demo_data and not load_demo_data(stack):
        stack.stop()
        return 1
    print(
        "\n".join(
            [
                "",
                f"Equitas is running at {config.public_url}/",
                "Log in with any demo user on the sign-in page (no password in development):",
                *_demo_logins(),
                f"API docs: {config.public_url}/api/scoring/docs",
                f"FHIR: {config.public_url}/fhir/metadata",
                f"Logs: {config.var_dir / 'log'}/   Press Ctrl-C to stop.",
                "",
            ]
        ),
        flush=True,
    )
    exit_code = 0
    # A child that dies is restarted with backoff; only a crash loop (or Ctrl-C) stops all.
    supervisor = Supervisor(stack, say=lambda message: print(message, file=sys.stderr, flush=True))
    try:
        supervisor.run(lambda: stopping)
    except CrashLoop as exc:
        print(str(exc), file=sys.stderr, flush=True)
        exit_code = 1
    print("Stopping Equitas ...", flush=True)
    stack.stop()
    print("Stopped.", flush=True)
    return exit_code


if __name__ == "__main__":
    raise SystemExit(main())
