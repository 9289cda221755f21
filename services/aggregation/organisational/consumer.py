"""The organisational feed consumer: reads scoring's ``/organisational-feed`` with the
service's own client-credentials token and keeps ``board_result`` (decision 0047).

It runs beside the HEF consumer with a lease and a checkpoint of its own, so neither waits
for the other, and runs once across every replica, standing by and retrying as
``feed.leased.LeasedConsumer`` does. Either sync endpoint (``POST /feed/sync``, ``POST
/feed/organisational/sync``) wakes it at once through Postgres ``NOTIFY``.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import httpx

from services.aggregation.feed import leased
from services.aggregation.feed.leased import LeasedConsumer, LeaseHeld
from services.aggregation.organisational import apply
from services.aggregation.organisational.apply import FEED, BeforeCommit, apply_page
from services.aggregation.organisational.contract import OrganisationalPage

__all__ = ["ConsumerOptions", "FeedUnavailable", "LeaseHeld", "OrganisationalConsumer"]

LEASE = f"equitas-feed-consumer:{FEED}"
WAKE_CHANNEL = "equitas_organisational_feed_sync"
# The HEF consumer's channel (``feed/consumer.py``), so its sync wakes this one too. Named
# here rather than imported: the HEF consumer's module loads much more.
HEF_WAKE_CHANNEL = "equitas_feed_sync"
FEED_PATH = "/api/scoring/organisational-feed"


class FeedUnavailable(RuntimeError):
    def __init__(self, status: int) -> None:
        super().__init__(f"the organisational feed answered {status}")
        self.status = status


@dataclass
class ConsumerOptions(leased.ConsumerOptions):
    page_size: int = 500


class OrganisationalConsumer(LeasedConsumer):
    lease = LEASE
    channels = (WAKE_CHANNEL, HEF_WAKE_CHANNEL)
    log = logging.getLogger("equitas.feed.organisational")
    what = "organisational feed consumer"

    def __init__(
        self,
        *,
        dsn: str,
        scoring_url: str,
        http: httpx.AsyncClient,
        options: leased.ConsumerOptions | None = None,
        before_commit: BeforeCommit | None = None,
    ) -> None:
        super().__init__(dsn=dsn, options=options or ConsumerOptions())
        self.feed_url = scoring_url.rstrip("/") + FEED_PATH
        self.http = http
        self.before_commit = before_commit

    async def ensure_checkpoint(self, conn: asyncpg.Connection) -> str:
        return await apply.ensure_checkpoint(conn)

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
