"""Starting the organisational feed consumer with the service and stopping it with it
(decision 0047). It runs when the HEF consumer would (a client key is configured), with the
same settings and a token of its own."""

import httpx
from fastapi import FastAPI

from services.aggregation.feed.leased import Running, options_from, start_leased, stop_leased
from services.aggregation.organisational.consumer import ConsumerOptions, OrganisationalConsumer
from services.aggregation.settings import AggregationSettings

__all__ = ["Running", "start_organisational_consumer", "stop_organisational_consumer"]


def _consumer(
    dsn: str, http: httpx.AsyncClient, settings: AggregationSettings
) -> OrganisationalConsumer:
    return OrganisationalConsumer(
        dsn=dsn,
        scoring_url=settings.scoring_url,
        http=http,
        options=options_from(settings, ConsumerOptions),
    )


async def start_organisational_consumer(app: FastAPI) -> None:
    # Read by the readiness gauges (organisational/routes.py).
    app.state.organisational_consumer = start_leased(app, _consumer, "organisational feed consumer")


async def stop_organisational_consumer(app: FastAPI) -> None:
    running: Running | None = getattr(app.state, "organisational_consumer", None)
    await stop_leased(running)
