"""A database that cannot be reached is a 503 problem with Retry-After, never a 500."""

import socket

import httpx
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
    engine = make_engine(
        f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/nowhere", pool_size=1
    )
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
