"""A database that cannot be reached is a 503 problem with Retry-After, never a 500, and its
log line names the kind of fault (types and SQLSTATE, nothing of the data)."""

import logging
import os
import socket
import uuid

import asyncpg
import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from services.common.database import DatabaseUnreachable, make_engine
from services.common.errors import (
    PROBLEM_JSON,
    database_fault,
    database_unavailable,
    install_problem_handlers,
    unexpected_problem,
)


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


def _logged_503(exc: Exception, caplog: pytest.LogCaptureFixture) -> logging.LogRecord:
    request = Request({"type": "http", "method": "GET", "path": "/x", "headers": []})
    with caplog.at_level(logging.WARNING, logger="equitas.errors"):
        problem = unexpected_problem(request, exc)
    assert problem.status == 503
    (record,) = [r for r in caplog.records if r.name == "equitas.errors"]
    return record


def test_the_503_log_line_names_the_fault_and_its_sqlstate(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A server out of connections, as SQLAlchemy wraps asyncpg's error: the statement's
    # parameters and the server's message stay out of the log.
    driver = asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already")
    wrapped = sa_exc.DBAPIError("SELECT $1", ["Ada Lovelace"], driver)
    record = _logged_503(wrapped, caplog)
    assert record.error_type == (  # type: ignore[attr-defined]
        "sqlalchemy.exc.DBAPIError <- asyncpg.exceptions.TooManyConnectionsError"
    )
    assert record.sqlstate == "53300"  # type: ignore[attr-defined]
    assert record.getMessage() == (
        "database unavailable: sqlalchemy.exc.DBAPIError <- "
        "asyncpg.exceptions.TooManyConnectionsError [SQLSTATE 53300]"
    )
    assert "Ada" not in record.getMessage()
    assert "clients" not in record.getMessage()


def test_the_503_log_line_names_a_restart_and_a_full_pool(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The embedded server's socket gone while it restarts: no SQLSTATE, the path not logged.
    gone = DatabaseUnreachable()
    gone.__cause__ = FileNotFoundError(2, "No such file", "/var/run/.s.PGSQL.5432")
    record = _logged_503(gone, caplog)
    assert record.error_type == (  # type: ignore[attr-defined]
        "services.common.database.DatabaseUnreachable <- FileNotFoundError"
    )
    assert record.sqlstate is None  # type: ignore[attr-defined]
    assert record.getMessage() == (
        "database unavailable: services.common.database.DatabaseUnreachable <- FileNotFoundError"
    )
    caplog.clear()
    full = _logged_503(sa_exc.TimeoutError("QueuePool limit of size 20 overflow 0"), caplog)
    assert full.error_type == "sqlalchemy.exc.TimeoutError"  # type: ignore[attr-defined]
    assert "QueuePool" not in full.getMessage()


def test_database_fault_stops_on_a_cycle() -> None:
    first, second = ConnectionResetError(), ConnectionAbortedError()
    first.__cause__, second.__cause__ = second, first
    assert database_fault(first) == ("ConnectionResetError <- ConnectionAbortedError", None)
