"""`make run` starts the whole system (embedded Postgres, demo data), answers through the
gateway, and Ctrl-C stops every process it started."""

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest
from equitas_stack.stack import REPO, free_port

pytestmark = pytest.mark.slow


def test_make_run_starts_and_stops_everything(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "EQUITAS_DATABASE_URL"},
        "EQUITAS_PORT": str(port),
        "EQUITAS_INTERNAL_PORTS": "auto",
        "EQUITAS_VAR_DIR": str(tmp_path / "var"),
    }
    log = (tmp_path / "make-run.log").open("wb")
    make = subprocess.Popen(
        ["make", "--no-print-directory", "run"], cwd=REPO, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    children: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        ready = False
        while time.monotonic() < deadline and make.poll() is None:
            children |= {p.pid for p in psutil.Process(make.pid).children(recursive=True)}
            if "Equitas is running at" in (tmp_path / "make-run.log").read_text(errors="replace"):
                ready = True
                break
            time.sleep(1)
        output = (tmp_path / "make-run.log").read_text(errors="replace")
        assert ready, output[-3000:]
        assert f"http://127.0.0.1:{port}/" in output
        assert "Asha Patel" in output  # demo logins are printed
        children |= {p.pid for p in psutil.Process(make.pid).children(recursive=True)}
        health = httpx.get(f"http://127.0.0.1:{port}/api/scoring/readyz", timeout=10)
        assert health.status_code == 200
        assert health.json()["checks"] == {"database": "ok", "jwks": "ok"}
        assert len(children) >= 6  # supervisor, idp, three services, gateway
    finally:
        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        make.wait(timeout=60)
        log.close()
    time.sleep(1)
    alive = [
        pid
        for pid in children
        if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    ]
    assert alive == [], [psutil.Process(p).cmdline() for p in alive]
    assert not (tmp_path / "var" / "pgdata" / "postmaster.pid").exists()


def _zombie(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
