"""The pseudonymised change feed that aggregation reads (clients with ``feed:read``)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import RowMapping, text

from services.common.auth import Principal, require
from services.common.database import Session
from services.common.errors import FieldProblem, InvalidInput, problem_responses
from services.common.permissions import Permission
from services.scoring.app_state import feed_secret
from services.scoring.feed.payload import feed_payload
from services.scoring.feed.schemas import REMAINING_CAP, FeedItem, FeedPage, FeedPayloadV1

router = APIRouter(prefix="/api/scoring", tags=["feed"], responses=problem_responses(401, 403, 422))
FeedReader = Annotated[Principal, Depends(require(Permission.feed_read))]


# Events in the order their transactions became safe to read: (txid, seq), only below the
# oldest transaction still running. Any event not yet visible belongs to a transaction at
# or above that horizon, so it sorts after every event served: a cursor never skips one.
# The person's identifiers are read only to make the person key (feed.payload.feed_payload).
_PAGE = text(
    """
    SELECT e.seq, e.txid::text AS cursor_txid, e.event_type, e.occurred_at, e.payload,
           e.context, p.nhs_number, p.local_id
    FROM feed_event e
    LEFT JOIN person p ON p.id = e.person_id
    WHERE (e.txid, e.seq) > (CAST(:txid AS text)::xid8, :seq)
      AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY e.txid, e.seq
    LIMIT :limit
    """
)
# How many more are ready after a full page (the reader's backlog), counted up to a cap so
# a reader far behind costs one bounded index scan per page.
_REMAINING = text(
    """
    SELECT count(*) FROM (
        SELECT 1 FROM feed_event e
        WHERE (e.txid, e.seq) > (CAST(:txid AS text)::xid8, :seq)
          AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
        LIMIT :cap
    ) AS ready
    """
)


def parse_cursor(after: str | None) -> tuple[str, int]:
    """``<txid>.<seq>`` of the last event read; none (or "0") for the start."""
    if not after or after == "0":
        return "0", 0
    txid, dot, seq = after.partition(".")
    # Both parts must fit their columns (xid8: unsigned 64-bit; seq: bigint).
    if not (
        dot
        and txid.isascii()
        and txid.isdigit()
        and seq.isascii()
        and seq.isdigit()
        and int(txid) < 2**64
        and int(seq) < 2**63
    ):
        raise InvalidInput(errors=[FieldProblem(field="query.after", message="not a feed cursor")])
    return txid, int(seq)


@router.get("/feed", summary="Pseudonymised assessment changes, in commit order")
async def read_feed(
    _: FeedReader,
    session: Session,
    request: Request,
    after: Annotated[str | None, Query(description="Cursor from the previous page")] = None,
    limit: Annotated[int, Query(ge=1)] = 500,
) -> FeedPage:
    txid, seq = parse_cursor(after)
    limit = min(limit, request.app.state.settings.feed_max_page)
    rows = (await session.execute(_PAGE, {"txid": txid, "seq": seq, "limit": limit})).mappings()
    secret = feed_secret(request)
    events = [
        FeedItem(
            cursor=f"{r['cursor_txid']}.{r['seq']}",
            event_type=r["event_type"],
            occurred_at=r["occurred_at"],
            payload=FeedPayloadV1.model_validate(_published(secret, r)),
        )
        for r in rows
    ]
    remaining = 0
    if len(events) == limit:
        last_txid, _dot, last_seq = events[-1].cursor.partition(".")
        counted = {"txid": last_txid, "seq": int(last_seq), "cap": REMAINING_CAP}
        remaining = int((await session.execute(_REMAINING, counted)).scalar_one())
    return FeedPage(
        events=events,
        next_cursor=events[-1].cursor if events else after or "0",
        remaining=remaining,
    )


def _published(secret: bytes, row: RowMapping) -> dict[str, Any]:
    if row["context"] is None:  # stored whole, before decision 0013
        payload: dict[str, Any] = row["payload"]
        return payload
    return feed_payload(
        secret,
        row["payload"],
        row["context"],
        nhs_number=row["nhs_number"],
        local_id=row["local_id"],
    )
