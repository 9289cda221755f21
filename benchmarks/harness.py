"""What every benchmark shares: a clean stack on free ports, real tokens, the seed, results.

The stack is the one ``make run`` and the test-suite start (``equitas_stack.stack.Stack``),
with its own databases (``equitas_bench_*``, dropped before each run so every run starts from
the same state), its own ``var/bench-stack`` and the benchmark-only endpoints switched on.
"""

import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
import time
import timeit
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from equitas_stack.stack import REPO, Stack, StackConfig, default_database_url
from sqlalchemy.engine import make_url

from services.common.database import ensure_database, service_database_url, upgrade_to_head
from tests.support.tokens import system_token, user_token

DATABASE_PREFIX = "equitas_bench_"
STACK_DIR = REPO / "var" / "bench-stack"
RESULTS_DIR = REPO / "var" / "bench"


@dataclass(frozen=True)
class BenchOptions:
    seconds: float = 20.0  # measured duration of each load phase
    warmup_seconds: float = 5.0
    clients: int = 50  # concurrent connections
    client: str = "auto"  # auto | wrk | python
    scoring_workers: int = 2
    # scoring_submit: floor and submit measured alternately, this many rounds of this many
    # seconds each (the median-ratio round reported): short, many rounds follow the
    # machine's drift closely (docs/benchmarks.md).
    rounds: int = 7
    round_seconds: float = 8.0


def _dsn(server_url: str) -> str:
    return make_url(server_url).set(drivername="postgresql").render_as_string(False)


class BenchDatabasesInUse(RuntimeError):
    pass


async def _drop_databases(server_url: str, prefix: str) -> None:
    conn = await asyncpg.connect(_dsn(server_url))
    try:
        # Another bench stack (a second `make bench`, a stack kept up to explore) would
        # lose its databases and, worse, share the machine with this run's measurements.
        users = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE $1", prefix + "%"
        )
        if users:
            raise BenchDatabasesInUse(
                f"{users} connection(s) use the {prefix}* databases: another benchmark stack "
                "is running on this machine; stop it first"
            )
        for name in await _databases(conn, prefix):
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _databases(conn: asyncpg.Connection, prefix: str) -> list[str]:
    rows = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", prefix + "%")
    return [row["datname"] for row in rows]


def git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return done.stdout.strip() + ("-dirty" if dirty else "")


@dataclass
class BenchContext:
    """The running system and what a benchmark needs to drive it."""

    stack: Stack
    options: BenchOptions
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict)

    @property
    def public_url(self) -> str:
        return self.stack.config.public_url

    def user_token(self, username: str, *, fresh_for_s: float = 300.0) -> str:
        """An access token for a demo user, logged in through the IdP's login page (auth
        code + PKCE, as the SPA does); renewed when it has less than ``fresh_for_s`` left."""
        return self._token(
            username, fresh_for_s, lambda http: user_token(http, self.public_url, username)
        )

    def system_token(self, client_id: str, scope: str, *, fresh_for_s: float = 300.0) -> str:
        return self._token(
            f"{client_id} {scope}",
            fresh_for_s,
            lambda _http: system_token(self.public_url, client_id, scope),
        )

    def _token(self, key: str, fresh_for_s: float, get: Callable[[httpx.AsyncClient], Any]) -> str:
        cached = self._tokens.get(key)
        if cached is not None and cached[1] - time.time() > fresh_for_s:
            return cached[0]

        async def fetch() -> str:
            async with httpx.AsyncClient(timeout=30) as http:
                token: str = await get(http)
                return token

        token = asyncio.run(fetch())
        self._tokens[key] = (token, _expiry(token))
        return token

    def require_running(self) -> None:
        dead = self.stack.failed()
        if dead is not None:
            raise RuntimeError(f"{dead} stopped during the benchmark:\n{self.stack.log_tail(dead)}")

    def quiesce(self) -> None:
        """Let the previous benchmark's writes settle before the next one measures: vacuum
        and analyse the bench databases (else autovacuum runs during the next measurement)
        and checkpoint (else its dirty buffers are written out during it)."""
        asyncio.run(_quiesce(self.stack.database_url))

    def seed(self, *args: str) -> str:
        """Run the demo-data seed against this stack's scoring database; its summary line."""
        done = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-m", "services.scoring.demo_data.seed", *args],
            env=self.stack.env("scoring"),
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"seeding failed:\n{done.stdout}{done.stderr}")
        return done.stdout.strip()


async def _quiesce(server_url: str) -> None:
    conn = await asyncpg.connect(_dsn(server_url))
    try:
        for name in await _databases(conn, DATABASE_PREFIX):
            database = await asyncpg.connect(_dsn(service_database_url(server_url, name)))
            try:
                await database.execute("VACUUM (ANALYZE)")
            finally:
                await database.close()
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


def _expiry(token: str) -> float:
    """The token's ``exp`` (read without verifying: only to know when to renew it)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return time.time() + 60.0


def migrate(server_url: str, service: str) -> None:
    """Create and migrate a service's bench database before its workers start.

    Several uvicorn workers of one service each run ``ensure_database`` and the migrations
    on start; on an empty server they race (CREATE DATABASE fails in one of them and uvicorn
    stops the whole service), so the harness migrates first, as production does by command.
    """
    database = f"{DATABASE_PREFIX}{service}"
    asyncio.run(ensure_database(server_url, database))
    migrations = REPO / "services" / service / "db" / "migrations"
    upgrade_to_head(migrations, service_database_url(server_url, database))


@contextmanager
def _postgres() -> Iterator[str]:
    """A server URL: EQUITAS_DATABASE_URL, the machine's Postgres, or a fresh embedded one."""
    server = default_database_url()
    if server is not None:
        asyncio.run(_drop_databases(server, DATABASE_PREFIX))
        yield server
        return
    # Only without a server: the embedded Postgres `make run` also uses.
    from pgserver.postgres_server import get_server

    pgdata = STACK_DIR / "pgdata"
    shutil.rmtree(pgdata, ignore_errors=True)
    pgdata.mkdir(parents=True)
    embedded = get_server(pgdata, cleanup_mode="stop")
    try:
        uri: str = embedded.get_uri()
        yield uri
    finally:
        embedded.cleanup()


@contextmanager
def bench_stack(options: BenchOptions) -> Iterator[Stack]:
    """The whole system on free ports, from empty bench databases; stopped on exit."""
    with _postgres() as server:
        shutil.rmtree(STACK_DIR / "log", ignore_errors=True)
        for service, workers in {"scoring": options.scoring_workers}.items():
            if workers > 1:
                migrate(server, service)
        with _running(server, options) as stack:
            yield stack


@contextmanager
def _running(server: str, options: BenchOptions) -> Iterator[Stack]:
    config = StackConfig.on_free_ports(
        database_url=server,
        database_prefix=DATABASE_PREFIX,
        var_dir=STACK_DIR,
        environment="test",
        log_level="WARNING",
        workers={"scoring": options.scoring_workers},
        extra_env={"EQUITAS_BENCHMARK_ENDPOINTS": "true"},
    )
    stack = Stack(config)
    stack.start(timeout_s=180)
    try:
        yield stack
    finally:
        stack.stop()


def write_result(name: str, result: Mapping[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def load_average() -> float:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else 0.0


def cpu_reference_us() -> float:
    """``sum(range(1000))`` in µs, best of 5: how fast this machine runs Python right now."""
    best = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000
    return round(best * 1e6, 2)


def run_facts(options: BenchOptions, *, load_before: float) -> dict[str, Any]:
    """Where and when a result was measured, stored with it so runs can be compared."""
    return {
        "git_commit": git_commit(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu_reference_us": cpu_reference_us(),
        "load_average_1m_before": load_before,
        "load_average_1m_after": load_average(),
        "workers": {"scoring": options.scoring_workers},
    }
