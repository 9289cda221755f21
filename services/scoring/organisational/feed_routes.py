"""The organisational change feed: board tool and HEAT assessment changes, for aggregation
(``feed:read``). A feed of its own beside the person feed (decision 0030): the person feed's
schema 1 is about a person, and its readers validate that shape strictly. Same order and
cursor rule (decision 0005); the payload holds no free text and no one's id."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import text

from services.common.auth import Principal, require
from services.common.database import Session
from services.common.errors import problem_responses
from services.common.permissions import Permission
from services.scoring.feed.routes import parse_cursor
from services.scoring.feed.schemas import FeedAnswer

router = APIRouter(prefix="/api/scoring", tags=["feed"], responses=problem_responses(401, 403, 422))
FeedReader = Annotated[Principal, Depends(require(Permission.feed_read))]
OrganisationalEventType = Literal[
    "assessment.submitted", "assessment.amended", "assessment.deleted", "assessment.restored"
]

_PAGE = text(
    """
    SELECT e.seq, e.txid::text AS cursor_txid, e.event_type, e.occurred_at, e.payload
    FROM organisational_feed_event e
    WHERE (e.txid, e.seq) > (CAST(:txid AS text)::xid8, :seq)
      AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY e.txid, e.seq
    LIMIT :limit
    """
)


class OrganisationalPayloadV1(BaseModel):
    """An organisational assessment's change: codes, dates, answers and scores only."""

    schema_version: Literal[1]
    event: OrganisationalEventType
    subject_type: Literal["organisation", "programme"]
    assessment_key: str = Field(description="Stable pseudonym: later revisions replace earlier")
    project_key: str | None = Field(description="Stable pseudonym of the project (HEAT)")
    revision: int = Field(ge=1)
    organisation_code: str = Field(description="ODS code of the organisation")
    commissioner_code: str | None = Field(description="ODS code of its commissioner (ICB)")
    instrument: str
    variant: str
    instrument_version: str
    episode_type: str | None
    assessed_on: date
    review_due_on: date | None
    submitted_at: datetime | None
    answers: dict[str, FeedAnswer]
    scores: dict[str, Any] | None = Field(description="The engine's scores (as the person feed)")


class OrganisationalFeedItem(BaseModel):
    cursor: str
    event_type: OrganisationalEventType
    occurred_at: datetime
    payload: OrganisationalPayloadV1


class OrganisationalFeedPage(BaseModel):
    events: list[OrganisationalFeedItem]
    next_cursor: str = Field(description="Pass as ?after= to continue")


@router.get(
    "/organisational-feed",
    summary="Board tool and HEAT assessment changes (no personal data), in commit order",
)
async def read_organisational_feed(
    _: FeedReader,
    session: Session,
    request: Request,
    after: Annotated[str | None, Query(description="Cursor from the previous page")] = None,
    limit: Annotated[int, Query(ge=1)] = 500,
) -> OrganisationalFeedPage:
    txid, seq = parse_cursor(after)
    limit = min(limit, request.app.state.settings.feed_max_page)
    rows = (await session.execute(_PAGE, {"txid": txid, "seq": seq, "limit": limit})).mappings()
    events = [
        OrganisationalFeedItem(
            cursor=f"{r['cursor_txid']}.{r['seq']}",
            event_type=r["event_type"],
            occurred_at=r["occurred_at"],
            payload=OrganisationalPayloadV1.model_validate(r["payload"]),
        )
        for r in rows
    ]
    return OrganisationalFeedPage(
        events=events, next_cursor=events[-1].cursor if events else after or "0"
    )
