"""The pseudonymised change feed that aggregation reads (clients with ``feed:read``)."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select, text
from sqlmodel import col

from services.common.auth import Principal, require
from services.common.database import Session
from services.common.errors import FieldProblem, InvalidInput, problem_responses
from services.common.permissions import Permission
from services.scoring.feed.models import FeedEvent

router = APIRouter(prefix="/api/scoring", tags=["feed"], responses=problem_responses(401, 403, 422))
SETTLE_SECONDS = 2
FeedReader = Annotated[Principal, Depends(require(Permission.feed_read))]


class FeedItem(BaseModel):
    cursor: str
    event_type: str
    occurred_at: datetime
    payload: dict[str, Any]


class FeedPage(BaseModel):
    events: list[FeedItem]
    next_cursor: str = Field(
        description="Pass as ?after= to continue; equals the request's cursor when empty"
    )


@router.get("/feed", summary="Pseudonymised assessment changes, in commit order")
async def read_feed(
    _: FeedReader,
    session: Session,
    request: Request,
    after: Annotated[str | None, Query(description="Cursor from the previous page")] = None,
    limit: Annotated[int, Query(ge=1)] = 500,
) -> FeedPage:
    start = 0
    if after:
        if not after.isdigit():
            raise InvalidInput(
                errors=[FieldProblem(field="query.after", message="not a feed cursor")]
            )
        start = int(after)
    limit = min(limit, request.app.state.settings.feed_max_page)
    # A transaction that took a lower sequence number may commit after a higher one; by
    # serving only events a few seconds old, a reader never skips past one still in flight.
    rows = (
        (
            await session.execute(
                select(FeedEvent)
                .where(col(FeedEvent.seq) > start)
                .where(
                    col(FeedEvent.occurred_at)
                    < func.now() - text(f"interval '{SETTLE_SECONDS} seconds'")
                )
                .order_by(col(FeedEvent.seq))
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    events = [
        FeedItem(
            cursor=str(r.seq), event_type=r.event_type, occurred_at=r.occurred_at, payload=r.payload
        )
        for r in rows
    ]
    return FeedPage(events=events, next_cursor=events[-1].cursor if events else str(start))
