"""Applying a page of the organisational feed to ``board_result``, exactly once (decision
0047, the pattern of decision 0020).

One transaction per page: the results it changes and the checkpoint's new cursor commit
together or not at all. The checkpoint moves only from the cursor the page was read after
(compare and set), so a page applied by someone else, or twice, is refused rather than
applied again. A result older than the revision stored changes nothing (a replay).

The checkpoint is a row of its own (``feed`` = ``organisational``) in ``feed_checkpoint``.
``checked_at`` is stamped only when a read found the feed's end, so "checked after I asked,
and nothing applied since" means caught up.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import orjson

from services.aggregation.organisational.contract import OrganisationalPage
from services.aggregation.organisational.results import BoardResult, last_of_each

FEED = "organisational"


class CheckpointMoved(RuntimeError):
    """The checkpoint is no longer at the cursor the page was read after: another consumer
    applied it (the lease was lost). Nothing of the page was written."""


@dataclass(frozen=True)
class Applied:
    events: int
    cursor: str


BeforeCommit = Callable[[], Awaitable[None]]

_UPSERT = """
    INSERT INTO board_result (
        assessment_key, revision, deleted, instrument, instrument_version, organisation_code,
        commissioner_code, assessed_on, submitted_at, overall, sections, groupings, changed_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::jsonb, $13)
    ON CONFLICT (assessment_key) DO UPDATE SET
        revision = excluded.revision, deleted = excluded.deleted,
        instrument = excluded.instrument, instrument_version = excluded.instrument_version,
        organisation_code = excluded.organisation_code,
        commissioner_code = excluded.commissioner_code, assessed_on = excluded.assessed_on,
        submitted_at = excluded.submitted_at, overall = excluded.overall,
        sections = excluded.sections, groupings = excluded.groupings,
        changed_at = excluded.changed_at
    WHERE board_result.revision <= excluded.revision
"""
_MOVE_CHECKPOINT = """
    UPDATE feed_checkpoint SET
        cursor = $3, updated_at = $4,
        checked_at = CASE WHEN $5 = 0 THEN $4 ELSE checked_at END,
        events_applied = events_applied + $5,
        last_event_at = coalesce($6, last_event_at)
    WHERE feed = $1 AND cursor = $2
"""


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


def result_row(r: BoardResult, changed_at: datetime) -> tuple[object, ...]:
    return (
        r.assessment_key,
        r.revision,
        not r.present,
        r.instrument,
        r.instrument_version,
        r.organisation_code,
        r.commissioner_code,
        r.assessed_on,
        r.submitted_at,
        _json(r.overall.as_json()),
        _json([s.as_json() for s in r.sections]),
        _json({k: [g.as_json() for g in v] for k, v in r.groupings.items()}),
        changed_at,
    )


async def ensure_checkpoint(conn: asyncpg.Connection) -> str:
    """The organisational feed's cursor, from the beginning the first time."""
    await conn.execute(
        "INSERT INTO feed_checkpoint (feed, cursor, updated_at) VALUES ($1, '0', now()) "
        "ON CONFLICT (feed) DO NOTHING",
        FEED,
    )
    cursor: str = await conn.fetchval("SELECT cursor FROM feed_checkpoint WHERE feed = $1", FEED)
    return cursor


async def apply_page(
    conn: asyncpg.Connection,
    page: OrganisationalPage,
    *,
    after: str,
    read_at: datetime | None = None,
    before_commit: BeforeCommit | None = None,
) -> Applied:
    """Apply ``page`` (read after cursor ``after`` at ``read_at``) and move the checkpoint,
    in one transaction; an empty page only stamps that the feed was read to its end."""
    now = read_at or datetime.now(UTC)
    events = page.events
    cursor = events[-1].cursor if events else after
    async with conn.transaction():
        rows: Sequence[tuple[object, ...]] = [result_row(r, now) for r in last_of_each(events)]
        if rows:
            await conn.executemany(_UPSERT, rows)
        moved = await conn.execute(
            _MOVE_CHECKPOINT,
            FEED,
            after,
            cursor,
            now,
            len(events),
            events[-1].occurred_at if events else None,
        )
        if moved != "UPDATE 1":
            raise CheckpointMoved("the organisational checkpoint is no longer at the page's cursor")
        if before_commit is not None:
            await before_commit()
    return Applied(events=len(events), cursor=cursor)
