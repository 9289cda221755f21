"""Applying one page of the change feed to the analytic store, exactly once (decision 0020).

One transaction per page: the facts it changes, the ledger, the people it touches, the
summary rollups (decision 0034) and the checkpoint's new cursor commit together or not at
all. The checkpoint moves only from the cursor the page was read after (compare and set),
so a page applied by someone else, or twice, is refused rather than counted again.

An amendment replaces the fact of the earlier revision, a deletion removes it, a restore
brings it back. An event older than the revision already applied changes nothing (it cannot
happen in commit order; the check keeps a replay harmless).

Set-wise (decision 0045): what the page becomes is worked out before the transaction
(``facts.prepare_page``); in it, a fixed number of statements whatever the page's size:
arrays in, facts, new ledger rows and changes by binary COPY, one update, upsert or delete
per table.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from services.aggregation.feed import people, rollup_writes
from services.aggregation.feed.contract import PRESENT, FeedPage
from services.aggregation.feed.facts import (
    AT,
    FACT_COLUMNS,
    FactRow,
    PreparedPage,
    prepare_page,
    rollup_fact_of,
)

FEED = "scoring"

_LEDGER = """
    SELECT assessment_key, revision, deleted, person_key, assessed_on
    FROM assessment_feed_state WHERE assessment_key = ANY($1::text[])
"""
_DELETE_FACTS = """
    DELETE FROM assessment_fact f
    USING unnest($1::text[], $2::text[], $3::date[]) AS o(person_key, assessment_key, assessed_on)
    WHERE f.person_key = o.person_key AND f.assessment_key = o.assessment_key
      AND f.assessed_on = o.assessed_on
      AND f.assessed_on BETWEEN $4 AND $5  -- the partitions to look in
    RETURNING f.person_key, f.assessment_key, f.instrument, f.variant
"""
# The ledger: assessments it has not seen go in by binary COPY (most events are first
# submissions), the others are updated in one statement (decision 0048).
_LEDGER_COLUMNS = (
    "assessment_key",
    "revision",
    "deleted",
    "person_key",
    "assessed_on",
    "changed_at",
)
_UPDATE_LEDGER = """
    UPDATE assessment_feed_state s SET
        revision = u.revision, deleted = u.deleted, person_key = u.person_key,
        assessed_on = u.assessed_on, changed_at = u.changed_at
    FROM unnest($1::text[], $2::int[], $3::bool[], $4::text[], $5::date[], $6::timestamptz[])
        AS u(assessment_key, revision, deleted, person_key, assessed_on, changed_at)
    WHERE s.assessment_key = u.assessment_key
"""
_MOVE_CHECKPOINT = """
    UPDATE feed_checkpoint SET
        cursor = $3, updated_at = $4, checked_at = $4,
        events_applied = events_applied + $5,
        last_event_at = coalesce($6, last_event_at),
        behind_events = $7, behind_since = $8
    WHERE feed = $1 AND cursor = $2
"""


class CheckpointMoved(RuntimeError):
    """The checkpoint is no longer at the cursor the page was read after: another
    consumer applied it (the lease was lost). Nothing of the page was written."""


@dataclass(frozen=True)
class Applied:
    events: int
    cursor: str


async def ensure_checkpoint(conn: asyncpg.Connection, feed: str = FEED) -> str:
    """The feed's cursor, starting from the beginning the first time."""
    await conn.execute(
        "INSERT INTO feed_checkpoint (feed, cursor, updated_at) VALUES ($1, '0', now()) "
        "ON CONFLICT (feed) DO NOTHING",
        feed,
    )
    cursor: str = await conn.fetchval("SELECT cursor FROM feed_checkpoint WHERE feed = $1", feed)
    return cursor


BeforeCommit = Callable[[], Awaitable[None]]


async def apply_page(
    conn: asyncpg.Connection,
    page: FeedPage | PreparedPage,
    *,
    after: str,
    feed: str = FEED,
    read_at: datetime | None = None,
    before_commit: BeforeCommit | None = None,
) -> Applied:
    """Apply ``page`` (read after cursor ``after`` at ``read_at``; prepared or not) and move
    the checkpoint, in one transaction. ``before_commit`` runs after everything is written
    and before the commit (fault tests kill the process there)."""
    prepared = page if isinstance(page, PreparedPage) else prepare_page(page)
    now = read_at or datetime.now(UTC)
    events = prepared.page.events
    remaining = prepared.page.remaining
    cursor = events[-1].cursor if events else after
    behind_since = events[-1].occurred_at if events and remaining else None
    async with conn.transaction():
        # No wait for the commit to reach disk: a server crash can lose only whole pages,
        # facts and checkpoint together, and those are read again (decision 0045).
        await conn.execute("SET LOCAL synchronous_commit = off")
        if events:
            await _apply_events(conn, prepared)
        moved = await conn.execute(
            _MOVE_CHECKPOINT,
            feed,
            after,
            cursor,
            now,
            len(events),
            events[-1].occurred_at if events else None,
            remaining,
            behind_since,
        )
        if moved != "UPDATE 1":
            raise CheckpointMoved(f"the {feed} checkpoint is no longer at the page's cursor")
        if before_commit is not None:
            await before_commit()
    return Applied(events=len(events), cursor=cursor)


async def _apply_events(conn: asyncpg.Connection, prepared: PreparedPage) -> None:
    ledger = {row["assessment_key"]: row for row in await conn.fetch(_LEDGER, list(prepared.last))}
    gone: list[tuple[str, str, date]] = []  # person, assessment, date of facts to remove
    facts: list[FactRow] = []
    new_states: list[tuple[Any, ...]] = []  # ledger rows of assessments it has not seen
    known_states: list[tuple[Any, ...]] = []  # and of those it has
    for key, item in prepared.last.items():
        p = item.payload
        known = ledger.get(key)
        if known is not None:
            if p.revision < known["revision"]:
                continue  # older than what is applied: a replay
            if not known["deleted"]:
                gone.append((known["person_key"], key, known["assessed_on"]))
        present = item.event_type in PRESENT
        if present:
            facts.append(prepared.rows[key])
        (new_states if known is None else known_states).append(
            (key, p.revision, not present, p.person_key or key, p.assessed_on, item.occurred_at)
        )
    # The people concerned as they stand, and every fact of theirs (the rollups' deltas,
    # decision 0034), before anything changes.
    touched = sorted({g[0] for g in gone} | {f[AT["person_key"]] for f in facts})
    stored = await conn.fetch(people.STORED_PEOPLE, touched) if touched else []
    before = await rollup_writes.facts_of_stored_people(conn, stored)
    removed: list[asyncpg.Record] = []
    if gone:
        days = [g[2] for g in gone]
        removed = await conn.fetch(_DELETE_FACTS, *_columns(gone, 3), min(days), max(days))
    if facts:
        await conn.copy_records_to_table("assessment_fact", records=facts, columns=FACT_COLUMNS)
    if new_states:
        await conn.copy_records_to_table(
            "assessment_feed_state", records=new_states, columns=_LEDGER_COLUMNS
        )
    if known_states:
        await conn.execute(_UPDATE_LEDGER, *_columns(known_states, 6))
    taken = {r["assessment_key"] for r in removed}
    after = [f for f in before if f.assessment_key not in taken]
    after += [rollup_fact_of(f) for f in facts]
    await rollup_writes.write_changes(conn, before, after)
    await people.update_people(conn, stored, removed, facts)


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    return [[row[i] for row in rows] for i in range(width)]
