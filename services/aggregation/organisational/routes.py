"""Board roll-ups over HTTP: trusts' board self-assessment maturity and assurance scorecards
side by side and over time, never ranked (issue 21; decision 0047); and a sync on demand of
the organisational feed."""

import asyncio
import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.aggregation.metrics.query import CODE_PATTERN
from services.aggregation.organisational import repository, service
from services.aggregation.organisational.access import BoardReader
from services.aggregation.organisational.consumer import WAKE_CHANNEL
from services.aggregation.organisational.lifecycle import Running
from services.aggregation.organisational.schemas import (
    BoardMaturity,
    BoardScorecards,
    OrganisationalFeedStatus,
)
from services.common.auth import Principal, require
from services.common.direct import direct_connection
from services.common.errors import problem_responses
from services.common.metrics import Gauges
from services.common.permissions import Permission

router = APIRouter(
    prefix="/api/aggregation", tags=["board roll-ups"], responses=problem_responses(401, 403, 422)
)
OrganisationAdmin = Annotated[Principal, Depends(require(Permission.organisation_admin))]


def asked(
    icb: Annotated[
        str | None,
        Query(
            pattern=CODE_PATTERN,
            max_length=64,
            description="Only the trusts of this ICB (default: every organisation you may read)",
        ),
    ] = None,
    organisation: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, max_length=64, description="Only this trust"),
    ] = None,
) -> service.Asked:
    return service.Asked(icb=icb, organisation=organisation)


Asked = Annotated[service.Asked, Depends(asked)]


@router.get(
    "/board/maturity",
    summary="Trusts' board self-assessment maturity per domain and year, side by side",
    description="Each organisation's latest submitted board self-assessment of each calendar "
    "year: score and maturity level per domain and overall. Organisations are listed by "
    "name, then code, never by score: side by side, not ranked.",
)
async def board_maturity(reader: BoardReader, query: Asked, request: Request) -> BoardMaturity:
    async with direct_connection(request.app.state.engine) as conn:
        return await service.board_maturity(conn, reader, query)


@router.get(
    "/board/scorecards",
    summary="Trusts' board assurance scorecard roll-ups over time, side by side",
    description="Every submitted board assurance scorecard's roll-ups (by key line of "
    "enquiry, by priority and overall), oldest first. Organisations are listed by name, "
    "then code, never by rating: side by side, not ranked.",
)
async def board_scorecards(reader: BoardReader, query: Asked, request: Request) -> BoardScorecards:
    async with direct_connection(request.app.state.engine) as conn:
        return await service.board_scorecards(conn, reader, query)


async def _status(engine: AsyncEngine) -> OrganisationalFeedStatus:
    async with direct_connection(engine) as conn:
        row = await repository.checkpoint(conn)
    if row is None:  # never run
        return OrganisationalFeedStatus(
            caught_up=False, events_applied=0, checked_at=None, last_event_at=None
        )
    checked = row["checked_at"]
    return OrganisationalFeedStatus(
        # An empty read stamps checked_at; a page applied since moves updated_at past it.
        caught_up=checked is not None and checked >= row["updated_at"],
        events_applied=row["events_applied"],
        checked_at=checked,
        last_event_at=row["last_event_at"],
    )


async def board_feed_gauges(app: FastAPI) -> dict[str, float]:
    """The organisational consumer for /readyz: how long ago it last read the feed to its end
    (a consumer that stopped shows here) and whether this replica holds its lease."""
    status = await _status(app.state.engine)
    running: Running | None = getattr(app.state, "organisational_consumer", None)
    checked = status.checked_at
    return {
        "board_feed_events_applied": float(status.events_applied),
        "board_feed_checked_seconds_ago": (
            round(time.time() - checked.timestamp(), 3) if checked else -1.0
        ),
        "board_feed_lease_held": 1.0 if running and running.consumer.holds_lease else 0.0,
    }


def with_board_feed_gauges(gauges: Gauges) -> Gauges:
    """The service's readiness gauges with the organisational consumer's beside them."""

    async def both(app: FastAPI) -> dict[str, float]:
        return {**await gauges(app), **await board_feed_gauges(app)}

    return both


@router.post(
    "/feed/organisational/sync",
    summary="Read the organisational feed now and wait (briefly) until caught up",
    description="Wakes the board roll-ups' consumer on whichever replica holds its lease and "
    "waits up to EQUITAS_FEED_SYNC_WAIT_S (10 s) for it to read the feed to the end. "
    "caught_up false means it is still applying (or not running).",
)
async def sync_organisational_feed(
    _: OrganisationAdmin, request: Request
) -> OrganisationalFeedStatus:
    engine: AsyncEngine = request.app.state.engine
    asked_at = datetime.now(UTC)
    async with engine.begin() as conn:  # committed at once: NOTIFY is sent on commit
        await conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": WAKE_CHANNEL})
    deadline = time.monotonic() + request.app.state.settings.feed_sync_wait_s
    while True:
        status = await _status(engine)
        read_since = status.checked_at is not None and status.checked_at >= asked_at
        if (read_since and status.caught_up) or time.monotonic() >= deadline:
            return status.model_copy(update={"caught_up": read_since and status.caught_up})
        await asyncio.sleep(0.1)
