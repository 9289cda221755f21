"""The HEF feed consumer: reads scoring's change feed with the service's own client-credentials
token and applies it to the analytic store (decision 0020).

It runs once across every replica, standing by, waking on ``POST /api/aggregation/feed/sync``
(Postgres ``NOTIFY``) and retrying as ``leased.LeasedConsumer`` does; here are its pages.
"""

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime

import asyncpg
import httpx

from services.aggregation.feed import apply
from services.aggregation.feed.apply import FEED, BeforeCommit, apply_page
from services.aggregation.feed.contract import FeedPage, parse_page
from services.aggregation.feed.facts import PreparedPage, prepare_page
from services.aggregation.feed.leased import (
    ConsumerOptions,
    LeasedConsumer,
    LeaseHeld,
    feed_http_client,
)

__all__ = ["ConsumerOptions", "FeedConsumer", "FeedUnavailable", "LeaseHeld", "feed_http_client"]

LEASE = f"equitas-feed-consumer:{FEED}"
WAKE_CHANNEL = "equitas_feed_sync"
FEED_PATH = "/api/scoring/feed"


class FeedUnavailable(RuntimeError):
    """The feed answered something other than a page."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the feed answered {status}")
        self.status = status


class FeedConsumer(LeasedConsumer):
    lease = LEASE
    channels = (WAKE_CHANNEL,)
    log = logging.getLogger("equitas.feed")
    what = "feed consumer"

    def __init__(
        self,
        *,
        dsn: str,
        scoring_url: str,
        http: httpx.AsyncClient,
        options: ConsumerOptions | None = None,
        before_commit: BeforeCommit | None = None,
    ) -> None:
        super().__init__(dsn=dsn, options=options or ConsumerOptions())
        self.feed_url = scoring_url.rstrip("/") + FEED_PATH
        self.http = http
        self.before_commit = before_commit

    async def ensure_checkpoint(self, conn: asyncpg.Connection) -> str:
        return await apply.ensure_checkpoint(conn)

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


def lag_seconds(behind_since: datetime | None, now: float | None = None) -> float:
    """Seconds since the oldest event not yet applied was recorded (0 when caught up)."""
    if behind_since is None:
        return 0.0
    return max(0.0, (now if now is not None else time.time()) - behind_since.timestamp())
