"""How far the change feed has been applied, and a sync on demand (decision 0020)."""

import asyncio
import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.aggregation.feed.apply import FEED
from services.aggregation.feed.consumer import WAKE_CHANNEL, FeedConsumer, lag_seconds
from services.common.auth import Principal, require
from services.common.errors import problem_responses
from services.common.permissions import Permission

router = APIRouter(prefix="/api/aggregation", tags=["feed"], responses=problem_responses(401, 403))
OrganisationAdmin = Annotated[Principal, Depends(require(Permission.organisation_admin))]


class FeedStatus(BaseModel):
    caught_up: bool = Field(description="Every event the feed held when last read is applied")
    events_applied: int = Field(description="Events applied since the store was created")
    events_behind: int = Field(
        description="Events the feed still held when last read (counted up to 10,000)"
    )
    lag_s: float = Field(description="Seconds since the oldest event not yet applied; 0 if none")
    checked_at: datetime | None = Field(description="When the feed was last read")
    last_event_at: datetime | None = Field(
        description="When scoring recorded the last event applied"
    )


_STATUS = text(
    "SELECT events_applied, behind_events, behind_since, checked_at, last_event_at "
    "FROM feed_checkpoint WHERE feed = :feed"
)


async def feed_status(engine: AsyncEngine) -> FeedStatus:
    async with engine.connect() as conn:
        row = (await conn.execute(_STATUS, {"feed": FEED})).mappings().first()
    if row is None:  # never run
        return FeedStatus(
            caught_up=False,
            events_applied=0,
            events_behind=0,
            lag_s=0.0,
            checked_at=None,
            last_event_at=None,
        )
    return FeedStatus(
        caught_up=row["behind_events"] == 0 and row["checked_at"] is not None,
        events_applied=row["events_applied"],
        events_behind=row["behind_events"],
        lag_s=round(lag_seconds(row["behind_since"]), 3),
        checked_at=row["checked_at"],
        last_event_at=row["last_event_at"],
    )


async def readiness_gauges(app: FastAPI) -> dict[str, float]:
    """The feed's lag for /readyz: seconds and events behind, how long ago the feed was
    last read (a consumer that stopped shows here), and whether this replica holds the
    lease."""
    status = await feed_status(app.state.engine)
    consumer: FeedConsumer | None = getattr(app.state, "feed_consumer", None)
    checked = status.checked_at
    return {
        "feed_lag_seconds": status.lag_s,
        "feed_events_behind": float(status.events_behind),
        "feed_events_applied": float(status.events_applied),
        "feed_checked_seconds_ago": (
            round(time.time() - checked.timestamp(), 3) if checked else -1.0
        ),
        "feed_lease_held": 1.0 if consumer is not None and consumer.holds_lease else 0.0,
    }


@router.post(
    "/feed/sync",
    summary="Read the change feed now and wait (briefly) until caught up",
    description="Wakes the consumer on whichever replica holds the lease and waits up to "
    "EQUITAS_FEED_SYNC_WAIT_S (10 s) for it to read the feed to the end. The answer says how "
    "far it got: caught_up false means it is still applying (or not running).",
)
async def sync_feed(_: OrganisationAdmin, request: Request) -> FeedStatus:
    engine: AsyncEngine = request.app.state.engine
    asked = datetime.now(UTC)
    async with engine.begin() as conn:  # committed at once: NOTIFY is sent on commit
        await conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": WAKE_CHANNEL})
    deadline = time.monotonic() + request.app.state.settings.feed_sync_wait_s
    while True:
        status = await feed_status(engine)
        read_since = status.checked_at is not None and status.checked_at >= asked
        if (read_since and status.caught_up) or time.monotonic() >= deadline:
            return status.model_copy(update={"caught_up": read_since and status.caught_up})
        await asyncio.sleep(0.1)
