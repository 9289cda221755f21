"""A consumer of one of scoring's feeds that runs once across every replica (decisions 0020,
0047): the HEF feed's (``feed/consumer.py``) and the organisational feed's
(``organisational/consumer.py``) are this loop around pages of their own.

The replica holding the lease (a session-level Postgres advisory lock on the consumer's own
connection, which it also writes with) reads and applies; the others stand by and try again
every ``standby_interval_s``. If the holder dies, its connection closes, the lock goes with
it, and a stand-by takes over from the checkpoint. Errors (scoring or the IdP unreachable, a
refused token, the database restarting) are logged without their messages and retried with
a doubling wait; a consumer never stops the service. A caught-up consumer polls every
``poll_interval_s``; a Postgres ``NOTIFY`` on one of its channels wakes it at once, on
whichever replica holds the lease.

Starting with the service and stopping with it (``start_leased``, ``stop_leased``): when a
client key is configured (``EQUITAS_FEED_KEY_FILE``), with a client-credentials token of the
consumer's own.
"""

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import asyncpg
import httpx
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from services.aggregation.settings import AggregationSettings
from services.common.client_credentials import ClientCredentials
from services.common.database import service_database_url


class LeaseHeld(RuntimeError):
    """Another consumer holds the lease."""


@dataclass
class ConsumerOptions:
    page_size: int = 1000
    poll_interval_s: float = 0.5
    standby_interval_s: float = 5.0
    retry_max_s: float = 30.0


class LeasedConsumer(ABC):
    """The lease, standing by, waking and retrying; subclasses read and apply their pages."""

    lease: ClassVar[str]  # the advisory lock's name
    channels: ClassVar[tuple[str, ...]]  # NOTIFY channels that wake it
    log: ClassVar[logging.Logger]
    what: ClassVar[str]  # in log lines, e.g. "feed consumer"

    def __init__(self, *, dsn: str, options: ConsumerOptions) -> None:
        self.dsn = dsn
        self.options = options
        self.holds_lease = False
        self._wake = asyncio.Event()

    @abstractmethod
    async def ensure_checkpoint(self, conn: asyncpg.Connection) -> str:
        """The feed's cursor, made at the start the first time."""

    @abstractmethod
    async def catch_up_from(self, conn: asyncpg.Connection, cursor: str) -> tuple[str, int]:
        """Apply pages from ``cursor`` until the feed has nothing more ready; the new cursor
        and the events applied."""

    async def run(self) -> None:
        """Consume until cancelled: take the lease or stand by; on errors wait and retry."""
        retry_s = 1.0
        while True:
            try:
                conn = await self._connect()
                try:
                    if await self._take_lease(conn):
                        retry_s = 1.0
                        await self._lead(conn)
                finally:
                    self.holds_lease = False
                    conn.terminate()  # at once: the lease goes with the session
                await asyncio.sleep(self.options.standby_interval_s)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.log.warning("%s error; retrying", self.what, exc_info=True)
                await asyncio.sleep(retry_s)
                retry_s = min(retry_s * 2, self.options.retry_max_s)

    def wake(self) -> None:
        self._wake.set()

    async def _lead(self, conn: asyncpg.Connection) -> None:
        self.log.info("%s holds the lease", self.what)
        for channel in self.channels:
            await conn.add_listener(channel, self._on_notify)
        cursor = await self.ensure_checkpoint(conn)
        while True:
            self._wake.clear()  # a sync asked for while this catches up wakes the next
            cursor, _ = await self.catch_up_from(conn, cursor)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.options.poll_interval_s)

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def catch_up(self) -> int:
        """Take the lease, apply every event ready, let the lease go; the events applied.
        ``LeaseHeld`` if another consumer holds it (tests, tools)."""
        conn = await self._connect()
        try:
            if not await self._take_lease(conn):
                raise LeaseHeld(f"another {self.what} holds the lease")
            _, total = await self.catch_up_from(conn, await self.ensure_checkpoint(conn))
            return total
        finally:
            self.holds_lease = False
            await conn.close()

    async def _connect(self) -> asyncpg.Connection:
        conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
        return conn

    async def _take_lease(self, conn: asyncpg.Connection) -> bool:
        taken = bool(await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", self.lease))
        self.holds_lease = taken
        return taken


# -- with the service -------------------------------------------------------------------------


def feed_http_client(credentials: ClientCredentials, timeout_s: float = 30.0) -> httpx.AsyncClient:
    """A consumer's HTTP client: every request carries a current token (renewed on 401)."""
    return httpx.AsyncClient(
        auth=credentials.auth(),
        timeout=httpx.Timeout(timeout_s, connect=3.0),
        transport=httpx.AsyncHTTPTransport(retries=2),
    )


def consumer_dsn(settings: AggregationSettings) -> str:
    """A libpq URL of the service's own database, for a consumer's connection."""
    url = service_database_url(settings.database_url, settings.database_name_for("aggregation"))
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def options_from(settings: AggregationSettings, options: type[ConsumerOptions]) -> ConsumerOptions:
    return options(
        page_size=settings.feed_page_size,
        poll_interval_s=settings.feed_poll_interval_s,
        standby_interval_s=settings.feed_standby_interval_s,
        retry_max_s=settings.feed_retry_max_s,
    )


@dataclass
class Running:
    """A consumer started with the service: its task and what it holds open."""

    consumer: LeasedConsumer
    http: httpx.AsyncClient
    credentials: ClientCredentials
    task: "asyncio.Task[None]"


# Makes the consumer from its database URL, its HTTP client and the settings.
MakeConsumer = Callable[[str, httpx.AsyncClient, AggregationSettings], LeasedConsumer]


def start_leased(app: FastAPI, make: MakeConsumer, name: str) -> Running | None:
    """Start a consumer in the background if a client key is configured (None if not)."""
    settings: AggregationSettings = app.state.settings
    if not settings.feed_consumer or settings.feed_key_file is None:
        logging.getLogger("equitas.feed").info(
            "%s not started: no client key (EQUITAS_FEED_KEY_FILE)", name
        )
        return None
    credentials = ClientCredentials(
        settings.token_url,
        settings.feed_client_id,
        settings.feed_key_file.read_bytes(),
        settings.feed_scope,
        kid=settings.feed_key_id,
    )
    http = feed_http_client(credentials)
    consumer = make(consumer_dsn(settings), http, settings)
    task = asyncio.create_task(consumer.run(), name=name.replace(" ", "-"))
    return Running(consumer, http, credentials, task)


async def stop_leased(running: Running | None) -> None:
    if running is None:
        return
    running.task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running.task
    await running.http.aclose()
    await running.credentials.aclose()
