"""Async Postgres engine, one transaction per request, and migrations on start.

Routes and services only ``flush()``; the session dependency commits when the request
succeeds and rolls back when anything raises, so a failed request writes nothing.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import orjson
from alembic import command
from alembic.config import Config
from fastapi import Depends, Request
from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Dialect, ExceptionContext, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from services.common.errors import connection_lost

# Set in request.scope by a route that must do something first in the request's
# transaction (services.common.idempotency); a coroutine function taking the session.
ON_TRANSACTION = "equitas.on_transaction"


def service_database_url(server_url: str, database: str) -> str:
    """The SQLAlchemy asyncpg URL of ``database`` on the server named by ``server_url``."""
    url = make_url(server_url).set(drivername="postgresql+asyncpg", database=database)
    return url.render_as_string(hide_password=False)


async def ensure_database(server_url: str, database: str) -> None:
    """Create the service's database if the server does not have it yet."""
    # A plain libpq-style DSN, so unix-socket URLs (``?host=/path``, as the embedded
    # Postgres uses) work too.
    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()


def make_engine(
    url: str, *, pool_size: int, max_overflow: int = 0, pool_timeout_s: float = 30.0
) -> AsyncEngine:
    # No pre-ping (a round trip on every checkout): a connection the server dropped is
    # noticed without one (_refuse_closed_connection), and connections are recycled.
    # No overflow by default: see settings.database_pool_size (decision 0012).
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout_s,
        pool_recycle=1800,
        # JSON columns (answers, scores, feed payloads) are on every write: orjson is ~5x faster.
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        # Statement errors would otherwise carry their bound parameters (names searched
        # for, notes) into whatever prints them.
        hide_parameters=True,
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    event.listen(engine.sync_engine, "do_connect", _connect_or_unreachable)
    event.listen(engine.sync_engine, "handle_error", _discard_broken_connection)
    return engine


def _refuse_closed_connection(
    dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any
) -> None:
    # A pooled connection whose server end went away (Postgres restarted, the backend was
    # terminated) is known closed by asyncpg without a round trip. Refusing it here makes
    # the pool discard it and hand out a new one, instead of failing the next request that
    # uses it (no pre-ping: that would be a round trip on every checkout).
    if dbapi_connection.driver_connection.is_closed():
        raise exc.DisconnectionError("connection closed by the server")


class DatabaseUnreachable(ConnectionError):
    """The database could not be reached, or a connection broke while a request used it
    (a restart, a failover, a terminated backend). A ``ConnectionError``, which
    ``errors.database_unavailable`` answers with a 503 and ``Retry-After``: the request
    wrote nothing and may be retried."""

    def __init__(self) -> None:
        super().__init__("the database connection failed")


def _chain(error: BaseException) -> Iterator[BaseException]:
    # SQLAlchemy's DBAPIError holds its driver error in .orig; the asyncpg adapter's errors
    # hold asyncpg's as __cause__.
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        yield current
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]


def connection_broke(error: BaseException, driver: asyncpg.Connection | None) -> bool:
    """Whether ``error``, raised while connecting or using ``driver``, means the
    connection is gone or unusable rather than that a statement was refused: the server
    closed it (a restart: SQLSTATE class 08, 57P01-57P03), its socket failed (``OSError``,
    e.g. ``FileNotFoundError`` while a Unix socket is gone), or asyncpg's protocol was
    left mid-operation (``InternalClientError``: "cannot switch to state ...")."""
    if driver is not None and driver.is_closed():
        return True
    return any(
        isinstance(e, OSError | asyncpg.InternalClientError) or connection_lost(e)
        for e in _chain(error)
    )


def connection_unsettled(error: BaseException) -> bool:
    """Whether ``error`` came from the driver mid-operation (a cancelled await, a
    client-side protocol error): the connection may still be busy, so it is not used
    again, even if it looks open."""
    return any(
        isinstance(e, asyncpg.InterfaceError | asyncio.CancelledError) for e in _chain(error)
    )


def _connect_or_unreachable(
    dialect: Dialect, record: ConnectionPoolEntry, cargs: Any, cparams: Any
) -> Any:
    # Connecting while the server restarts fails below SQLAlchemy's error handling, with a
    # bare OSError (the socket file is gone, the port refuses) or asyncpg's "cannot connect
    # now": named here, once, as what it is.
    try:
        return dialect.connect(*cargs, **cparams)
    except Exception as error:
        if connection_broke(error, None) or connection_unsettled(error):
            raise DatabaseUnreachable() from error
        raise


def _discard_broken_connection(context: ExceptionContext) -> BaseException | None:
    # SQLAlchemy discards a connection only when asyncpg already knows it is closed. One
    # whose protocol is stuck mid-operation would otherwise go back to the pool and fail
    # every request that takes it.
    driver = _driver_of(context.connection)
    original = context.original_exception
    if not connection_broke(original, driver):
        return None
    if driver is not None:
        driver.terminate()  # at once: a graceful close of a stuck protocol fails, noisily
    context.is_disconnect = True
    # The other pooled connections are checked when next taken out (no round trip), so a
    # single broken one does not cost every connection a reconnect.
    context.invalidate_pool_on_disconnect = False
    # A bare OSError, which SQLAlchemy does not wrap, is named as what it means (and a
    # cancellation stays one).
    bare = context.sqlalchemy_exception is None
    return DatabaseUnreachable() if bare and isinstance(original, Exception) else None


def _driver_of(connection: Connection | None) -> asyncpg.Connection | None:
    if connection is None or connection.invalidated or connection.closed:
        return None
    driver: asyncpg.Connection | None = connection.connection.driver_connection
    return driver


def _json_dumps(value: object) -> str:
    return orjson.dumps(value).decode()


async def prepare_database(server_url: str, database: str, migrations_dir: Path) -> None:
    """Create the database and apply migrations, once, however many workers start at once:
    a Postgres advisory lock on the server serialises them."""
    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock(hashtext($1))", f"equitas-migrate:{database}")
        try:
            await ensure_database(server_url, database)
            url = service_database_url(server_url, database)
            await asyncio.to_thread(upgrade_to_head, migrations_dir, url)
        finally:
            await conn.execute(
                "SELECT pg_advisory_unlock(hashtext($1))", f"equitas-migrate:{database}"
            )
    finally:
        await conn.close()


def alembic_config(migrations_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    # configparser treats "%" as interpolation; socket paths in URLs are %-encoded.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(migrations_dir: Path, url: str) -> None:
    """Run in a worker thread: Alembic's env drives its own event loop."""
    command.upgrade(alembic_config(migrations_dir, url), "head")


async def session_dependency(request: Request) -> AsyncIterator[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session, session.begin():
        # A request with an Idempotency-Key claims it first, in this transaction.
        on_transaction = request.scope.get(ON_TRANSACTION)
        if on_transaction is not None:
            await on_transaction(session)
        yield session


# scope="function": commit before the response is sent, so a failed commit is never a 2xx.
Session = Annotated[AsyncSession, Depends(session_dependency, scope="function")]
