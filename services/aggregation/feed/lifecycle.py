"""Starting the HEF feed consumer with the service and stopping it with it (decision 0020)."""

import httpx
from fastapi import FastAPI

from services.aggregation.feed.consumer import FeedConsumer
from services.aggregation.feed.leased import (
    ConsumerOptions,
    Running,
    consumer_dsn,
    options_from,
    start_leased,
    stop_leased,
)
from services.aggregation.settings import AggregationSettings

__all__ = ["consumer_dsn", "start_feed_consumer", "stop_feed_consumer"]


def _consumer(dsn: str, http: httpx.AsyncClient, settings: AggregationSettings) -> FeedConsumer:
    return FeedConsumer(
        dsn=dsn,
        scoring_url=settings.scoring_url,
        http=http,
        options=options_from(settings, ConsumerOptions),
    )


async def start_feed_consumer(app: FastAPI) -> None:
    running = start_leased(app, _consumer, "feed consumer")
    app.state.feed_running = running
    # What the readiness gauges read (whether this replica holds the lease).
    app.state.feed_consumer = running.consumer if running else None


async def stop_feed_consumer(app: FastAPI) -> None:
    running: Running | None = getattr(app.state, "feed_running", None)
    await stop_leased(running)
