"""`make run` starts the whole system (embedded Postgres, demo data), answers through the
gateway, and Ctrl-C stops every process it started."""

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest
from equitas_stack.stack import REPO, free_port

from tests.support.tokens import user_token

pytestmark = pytest.mark.slow


async def _clinician_a_sees(public_url: str) -> tuple[set[str], int]:
    """clinician.a's teams and how many people are on EQA-LD-NORTH's caseload, through the
    gateway with the token the sign-in page gives."""
    async with httpx.AsyncClient(base_url=public_url, timeout=30) as http:
        headers = {"Authorization": f"Bearer {await user_token(http, public_url, 'clinician.a')}"}
        me = await http.get("/api/scoring/me", headers=headers)
        assert me.status_code == 200, me.text
        people = await http.get(
            "/api/scoring/people", params={"team": "EQA-LD-NORTH"}, headers=headers
        )
        assert people.status_code == 200, people.text
    return {team["code"] for team in me.json()["teams"]}, len(people.json()["items"])


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
        # The demo teams were in before "is running" was printed.
        assert output.index("team memberships in place") < output.index("Equitas is running")
        teams, caseload = asyncio.run(_clinician_a_sees(f"http://127.0.0.1:{port}"))
        assert teams == {"EQA-LD-NORTH"}
        assert caseload > 0
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
