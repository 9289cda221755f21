"""Starting the feed consumer with the service and stopping it with it (decision 0020)."""

import asyncio
import contextlib
import logging

from fastapi import FastAPI
from sqlalchemy.engine import make_url

from services.aggregation.feed.consumer import ConsumerOptions, FeedConsumer, feed_http_client
from services.aggregation.settings import AggregationSettings
from services.common.client_credentials import ClientCredentials
from services.common.database import service_database_url

log = logging.getLogger("equitas.feed")


def consumer_dsn(settings: AggregationSettings) -> str:
    """A libpq URL of the service's own database, for the consumer's connection."""
    url = service_database_url(settings.database_url, settings.database_name_for("aggregation"))
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def start_feed_consumer(app: FastAPI) -> None:
    settings: AggregationSettings = app.state.settings
    app.state.feed_consumer = None
    if not settings.feed_consumer or settings.feed_key_file is None:
        log.info("feed consumer not started: no client key (EQUITAS_FEED_KEY_FILE)")
        return
    credentials = ClientCredentials(
        settings.token_url,
        settings.feed_client_id,
        settings.feed_key_file.read_bytes(),
        settings.feed_scope,
        kid=settings.feed_key_id,
    )
    consumer = FeedConsumer(
        dsn=consumer_dsn(settings),
        scoring_url=settings.scoring_url,
        http=feed_http_client(credentials),
        options=ConsumerOptions(
            page_size=settings.feed_page_size,
            poll_interval_s=settings.feed_poll_interval_s,
            standby_interval_s=settings.feed_standby_interval_s,
            retry_max_s=settings.feed_retry_max_s,
        ),
    )
    app.state.feed_consumer = consumer
    app.state.feed_credentials = credentials
    app.state.feed_task = asyncio.create_task(consumer.run(), name="feed-consumer")


async def stop_feed_consumer(app: FastAPI) -> None:
    consumer: FeedConsumer | None = getattr(app.state, "feed_consumer", None)
    if consumer is None:
        return
    task: asyncio.Task[None] = app.state.feed_task
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await consumer.http.aclose()
    await app.state.feed_credentials.aclose()
