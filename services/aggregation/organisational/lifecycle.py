"""Starting the organisational feed consumer with the service and stopping it with it
(decision 0047). It runs when the HEF consumer would (a client key is configured), with the
same settings and a token of its own."""

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from fastapi import FastAPI

from services.aggregation.feed.consumer import feed_http_client
from services.aggregation.feed.lifecycle import consumer_dsn
from services.aggregation.organisational.consumer import ConsumerOptions, OrganisationalConsumer
from services.aggregation.settings import AggregationSettings
from services.common.client_credentials import ClientCredentials

log = logging.getLogger("equitas.feed.organisational")


@dataclass
class Running:
    consumer: OrganisationalConsumer
    credentials: ClientCredentials
    task: "asyncio.Task[None]"


async def start_organisational_consumer(app: FastAPI) -> None:
    settings: AggregationSettings = app.state.settings
    app.state.organisational_consumer = None
    if not settings.feed_consumer or settings.feed_key_file is None:
        log.info("organisational feed consumer not started: no client key")
        return
    credentials = ClientCredentials(
        settings.token_url,
        settings.feed_client_id,
        settings.feed_key_file.read_bytes(),
        settings.feed_scope,
        kid=settings.feed_key_id,
    )
    consumer = OrganisationalConsumer(
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
    task = asyncio.create_task(consumer.run(), name="organisational-feed-consumer")
    app.state.organisational_consumer = Running(consumer, credentials, task)


async def stop_organisational_consumer(app: FastAPI) -> None:
    running: Running | None = getattr(app.state, "organisational_consumer", None)
    if running is None:
        return
    running.task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running.task
    await running.consumer.http.aclose()
    await running.credentials.aclose()
