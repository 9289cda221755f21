"""The organisational feed consumer: reads scoring's ``/organisational-feed`` with the
service's own client-credentials token and keeps ``board_result`` (decision 0047).

It runs beside the HEF consumer with a lease and a checkpoint of its own, so neither waits
for the other: one holder across every replica (a session-level advisory lock on the
connection it writes with); the others stand by. Errors are logged without their messages
and retried with a doubling wait; the consumer never stops the service. A caught-up consumer
polls every ``poll_interval_s``; either sync endpoint (``POST /feed/sync``, ``POST
/feed/organisational/sync``) wakes it at once through Postgres ``NOTIFY``.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from services.aggregation.organisational.apply import (
    FEED,
    BeforeCommit,
    apply_page,
    ensure_checkpoint,
)
from services.aggregation.organisational.contract import OrganisationalPage

log = logging.getLogger("equitas.feed.organisational")

LEASE = f"equitas-feed-consumer:{FEED}"
WAKE_CHANNEL = "equitas_organisational_feed_sync"
# The HEF consumer's channel (``feed/consumer.py``), so its sync wakes this one too. Named
# here rather than imported: the HEF consumer's package is changed often and loads much more.
HEF_WAKE_CHANNEL = "equitas_feed_sync"
FEED_PATH = "/api/scoring/organisational-feed"


class FeedUnavailable(RuntimeError):
    def __init__(self, status: int) -> None:
        super().__init__(f"the organisational feed answered {status}")
        self.status = status


class LeaseHeld(RuntimeError):
    """Another consumer holds the lease."""


@dataclass
class ConsumerOptions:
    page_size: int = 500
    poll_interval_s: float = 0.5
    standby_interval_s: float = 5.0
    retry_max_s: float = 30.0


class OrganisationalConsumer:
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

    async def run(self) -> None:
        """Consume until cancelled: take the lease or stand by; on errors wait and retry."""
        retry_s = 1.0
        while True:
            try:
                conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
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
                log.warning("organisational feed consumer error; retrying", exc_info=True)
                await asyncio.sleep(retry_s)
                retry_s = min(retry_s * 2, self.options.retry_max_s)

    async def _lead(self, conn: asyncpg.Connection) -> None:
        log.info("organisational feed consumer holds the lease")
        for channel in (WAKE_CHANNEL, HEF_WAKE_CHANNEL):
            await conn.add_listener(channel, self._on_notify)
        cursor = await ensure_checkpoint(conn)
        while True:
            self._wake.clear()  # a sync asked for while this catches up wakes the next
            cursor, _ = await self.catch_up_from(conn, cursor)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.options.poll_interval_s)

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def catch_up_from(self, conn: asyncpg.Connection, cursor: str) -> tuple[str, int]:
        """Apply pages from ``cursor`` until one comes back empty (the feed does not say how
        many remain, and may cap a page below ``page_size``); the new cursor and the events
        applied. The empty read stamps the checkpoint's ``checked_at``."""
        total = 0
        while True:
            read_at = datetime.now(UTC)
            page = await self.read_page(cursor)
            applied = await apply_page(
                conn, page, after=cursor, read_at=read_at, before_commit=self.before_commit
            )
            cursor, total = applied.cursor, total + applied.events
            if not page.events:
                return cursor, total

    async def read_page(self, cursor: str) -> OrganisationalPage:
        response = await self.http.get(
            self.feed_url, params={"after": cursor, "limit": self.options.page_size}
        )
        if response.status_code != 200:
            raise FeedUnavailable(response.status_code)
        return OrganisationalPage.model_validate_json(response.content)

    async def catch_up(self) -> int:
        """Take the lease, apply every event ready, let the lease go; the events applied.
        ``LeaseHeld`` if another consumer holds it (tests, tools)."""
        conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
        try:
            if not await self._take_lease(conn):
                raise LeaseHeld("another organisational feed consumer holds the lease")
            _, total = await self.catch_up_from(conn, await ensure_checkpoint(conn))
            return total
        finally:
            self.holds_lease = False
            await conn.close()

    async def _take_lease(self, conn: asyncpg.Connection) -> bool:
        taken = bool(await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", LEASE))
        self.holds_lease = taken
        return taken
