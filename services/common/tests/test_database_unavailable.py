"""A database that cannot be reached is a 503 problem with Retry-After, never a 500."""

import os
import socket
import uuid

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from services.common.database import make_engine
from services.common.errors import PROBLEM_JSON, database_unavailable, install_problem_handlers


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens on it once the probe is closed


async def test_an_unreachable_database_is_a_503_problem() -> None:
    await _assert_503(f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/nowhere")


async def test_a_server_with_no_connection_left_is_a_503_problem() -> None:
    # A role allowed no connections gets what every client gets from a server at
    # max_connections: SQLSTATE 53300 (too many connections), which was a 500.
    server = os.environ.get("EQUITAS_DATABASE_URL")
    if not server:
        pytest.skip("needs a Postgres server (EQUITAS_DATABASE_URL)")
    role = f"equitas_test_full_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0")
        host_and_db = server.split("@", 1)[1]
        await _assert_503(f"postgresql+asyncpg://{role}@{host_and_db}")
    finally:
        await admin.execute(f"DROP ROLE IF EXISTS {role}")
        await admin.close()


async def _assert_503(url: str) -> None:
    engine = make_engine(url, pool_size=1)
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/count")
    async def count() -> int:
        async with engine.connect() as connection:
            value: int = (await connection.execute(text("SELECT 1"))).scalar_one()
            return value

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/count")
    await engine.dispose()
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["retry-after"] == "1"
    assert response.json()["title"] == "Service unavailable"


def test_what_counts_as_unavailable() -> None:
    assert database_unavailable(ConnectionRefusedError())
    assert not database_unavailable(ValueError("a bug, not an outage"))
    assert not database_unavailable(KeyError("sqlstate"))
