"""The feed consumer: reads scoring's change feed with the service's own client-credentials
token and applies it to the analytic store (decision 0020).

One consumer at a time across every replica: the one holding the lease (a session-level
Postgres advisory lock on its own connection, which it also writes with) reads and
applies; the others stand by and try again every ``feed_standby_interval_s``. If the
holder dies, its connection closes, the lock goes with it, and a stand-by takes over from
the checkpoint. Errors (scoring or the IdP unreachable, a refused token, the database
restarting) are logged without their messages and retried with a doubling wait; the
consumer never stops the service.

A caught-up consumer polls every ``feed_poll_interval_s``; ``POST /api/aggregation/feed/
sync`` wakes it at once, on whichever replica holds the lease (Postgres ``NOTIFY``).
"""

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from services.aggregation.feed.apply import FEED, BeforeCommit, apply_page, ensure_checkpoint
from services.aggregation.feed.contract import FeedPage, parse_page
from services.aggregation.feed.facts import PreparedPage, prepare_page
from services.common.client_credentials import ClientCredentials

log = logging.getLogger("equitas.feed")

LEASE = f"equitas-feed-consumer:{FEED}"
WAKE_CHANNEL = "equitas_feed_sync"
FEED_PATH = "/api/scoring/feed"


class FeedUnavailable(RuntimeError):
    """The feed answered something other than a page."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the feed answered {status}")
        self.status = status


class LeaseHeld(RuntimeError):
    """Another consumer holds the lease."""


@dataclass
class ConsumerOptions:
    page_size: int = 1000
    poll_interval_s: float = 0.5
    standby_interval_s: float = 5.0
    retry_max_s: float = 30.0


class FeedConsumer:
    def __init__(
        self,
        *,
        dsn: str,
        scoring_url: str,
        http: httpx.AsyncClient,
        options: ConsumerOptions | None = None,
        before_commit: BeforeCommit | None = None,
    ) -> None:
        self.dsn = dsn
        self.feed_url = scoring_url.rstrip("/") + FEED_PATH
        self.http = http
        self.options = options or ConsumerOptions()
        self.before_commit = before_commit
        self.holds_lease = False
        self._wake = asyncio.Event()

    # -- the background loop ------------------------------------------------------------
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
                log.warning("feed consumer error; retrying", exc_info=True)
                await asyncio.sleep(retry_s)
                retry_s = min(retry_s * 2, self.options.retry_max_s)

    def wake(self) -> None:
        self._wake.set()

    async def _lead(self, conn: asyncpg.Connection) -> None:
        log.info("feed consumer holds the lease")
        await conn.add_listener(WAKE_CHANNEL, self._on_notify)
        cursor = await ensure_checkpoint(conn)
        while True:
            self._wake.clear()  # a sync asked for while this catches up wakes the next
            cursor, _ = await self.catch_up_from(conn, cursor)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.options.poll_interval_s)

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    # -- pages --------------------------------------------------------------------------
    async def catch_up_from(self, conn: asyncpg.Connection, cursor: str) -> tuple[str, int]:
        """Apply pages from ``cursor`` until the feed has nothing more ready; the new
        cursor and the events applied. While a page is applied the next one is already
        being read, decoded and prepared (scoring's work, ours and the database's overlap);
        it is applied only after."""
        ahead: asyncio.Task[tuple[datetime, PreparedPage]] | None = None
        total = 0
        try:
            while True:
                read_at, prepared = await (ahead if ahead is not None else self._read(cursor))
                ahead = None
                page = prepared.page
                more = bool(page.events) and (
                    page.remaining > 0 or len(page.events) >= self.options.page_size
                )
                if more:
                    ahead = asyncio.create_task(self._read(page.next_cursor))
                applied = await apply_page(
                    conn, prepared, after=cursor, read_at=read_at, before_commit=self.before_commit
                )
                cursor, total = applied.cursor, total + applied.events
                if not more:
                    return cursor, total
        finally:
            if ahead is not None:
                ahead.cancel()
                with contextlib.suppress(BaseException):
                    await ahead

    async def _read(self, cursor: str) -> tuple[datetime, PreparedPage]:
        read_at = datetime.now(UTC)
        page = await self.read_page(cursor)
        await asyncio.sleep(0)  # let the page being applied go on between decoding and this
        return read_at, prepare_page(page)

    async def read_page(self, cursor: str) -> FeedPage:
        response = await self.http.get(
            self.feed_url, params={"after": cursor, "limit": self.options.page_size}
        )
        if response.status_code != 200:
            raise FeedUnavailable(response.status_code)
        return parse_page(response.content)

    # -- once, until caught up (tests, tools) ---------------------------------------------
    async def catch_up(self) -> int:
        """Take the lease, apply every event ready, let the lease go; the events applied.
        ``LeaseHeld`` if another consumer holds it."""
        conn = await self._connect()
        try:
            if not await self._take_lease(conn):
                raise LeaseHeld("another feed consumer holds the lease")
            _, total = await self.catch_up_from(conn, await ensure_checkpoint(conn))
            return total
        finally:
            self.holds_lease = False
            await conn.close()

    # -- connection and lease -------------------------------------------------------------
    async def _connect(self) -> asyncpg.Connection:
        conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
        return conn

    async def _take_lease(self, conn: asyncpg.Connection) -> bool:
        taken = bool(await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", LEASE))
        self.holds_lease = taken
        return taken


def feed_http_client(credentials: ClientCredentials, timeout_s: float = 30.0) -> httpx.AsyncClient:
    """The consumer's HTTP client: every request carries a current token (renewed on 401)."""
    return httpx.AsyncClient(
        auth=credentials.auth(),
        timeout=httpx.Timeout(timeout_s, connect=3.0),
        transport=httpx.AsyncHTTPTransport(retries=2),
    )


def lag_seconds(behind_since: datetime | None, now: float | None = None) -> float:
    """Seconds since the oldest event not yet applied was recorded (0 when caught up)."""
    if behind_since is None:
        return 0.0
    return max(0.0, (now if now is not None else time.time()) - behind_since.timestamp())
