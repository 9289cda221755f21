"""Aggregation service: rolls pseudonymised scores up by organisation, time and inequality
dimensions. It never stores a name, NHS number, date of birth, postcode or free text."""

from pathlib import Path

from fastapi import FastAPI

from services.aggregation.api import routers
from services.aggregation.feed.lifecycle import start_feed_consumer, stop_feed_consumer
from services.aggregation.feed.routes import readiness_gauges
from services.aggregation.hierarchy.load import load_reference_hierarchy
from services.aggregation.organisational import lifecycle as board_rollups
from services.aggregation.organisational.routes import router as board_rollups_router
from services.aggregation.organisational.routes import with_board_feed_gauges
from services.aggregation.settings import AggregationSettings
from services.common.app import ServiceSpec, build_app

SPEC = ServiceSpec(
    name="aggregation",
    title="Equitas aggregation API",
    version="0.1.0",
    description="Disclosure-controlled aggregates of health-inequality measures.",
    routers=[*routers, board_rollups_router],
    migrations_dir=Path(__file__).parent / "db" / "migrations",
    on_startup=[
        load_reference_hierarchy,
        start_feed_consumer,
        board_rollups.start_organisational_consumer,
    ],
    on_shutdown=[stop_feed_consumer, board_rollups.stop_organisational_consumer],
    readiness_gauges=with_board_feed_gauges(readiness_gauges),
)


def create_app(settings: AggregationSettings | None = None) -> FastAPI:
    return build_app(SPEC, settings or AggregationSettings())
