"""`python -m equitas_idp` as a real process, and the get_token command against it."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from idp_testkit import CLIENTS_FILE, USERS_FILE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def running_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}/idp"
    env = {
        **os.environ,
        "EQUITAS_IDP_ISSUER": issuer,
        "EQUITAS_IDP_KEYS_DIR": str(tmp_path_factory.mktemp("standalone-keys")),
        "EQUITAS_IDP_USERS_FILE": str(USERS_FILE),
        "EQUITAS_IDP_CLIENTS_FILE": str(CLIENTS_FILE),
    }
    argv = [sys.executable, "-m", "equitas_idp", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(argv, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{issuer}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the provider did not start")
            time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_discovery_from_the_running_process(running_idp: str) -> None:
    doc = httpx.get(f"{running_idp}/.well-known/openid-configuration").json()
    assert doc["issuer"] == running_idp


def test_get_token_command_prints_an_access_token(running_idp: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "equitas_idp.get_token",
            "--client",
            "rio-epr-demo",
            "--scope",
            "patient:write",
            "--token-url",
            f"{running_idp}/token",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.count(".") == 2
    info = httpx.get(f"{running_idp}/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert info.status_code == 403  # a system token is valid but has no user behind it


def test_get_token_command_reports_a_refusal(running_idp: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "equitas_idp.get_token",
            "--client",
            "powerbi-demo",
            "--scope",
            "patient:write",
            "--token-url",
            f"{running_idp}/token",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert "invalid_scope" in result.stderr
