"""Applying one page of the change feed to the analytic store, exactly once (decision 0020).

One transaction per page: the facts it changes, the ledger, the people it touches, the
summary rollups (decision 0034) and the checkpoint's new cursor commit together or not at
all. The checkpoint moves only from the
cursor the page was read after (compare and set), so a page applied by someone else, or
twice, is refused rather than counted again.

Within a page the last event of each assessment wins: every event carries the whole
assessment as of that change, so the last says how it stands. An amendment replaces the
fact of the earlier revision, a deletion removes it, a restore brings it back. An event
older than the revision already applied changes nothing (it cannot happen in commit order;
the check keeps a replay harmless).

Written with asyncpg on the consumer's own connection (the one holding the lease): arrays
in, set-based statements, facts by binary COPY.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import orjson

from services.aggregation import dimensions
from services.aggregation.feed import rollup_writes
from services.aggregation.feed.contract import PRESENT, FeedItem, FeedPage, FeedScores
from services.aggregation.feed.rollups import FACT_FIELDS

FEED = "scoring"
OVERALL = "overall"  # the whole assessment's key beside the sections' in scores and bands
OVERALL_SCORE = "total"  # the overall score a summary means: the overall "total"

FACT_COLUMNS = (
    "person_key",
    "assessment_key",
    "revision",
    "instrument",
    "variant",
    "instrument_version",
    "episode_type",
    "assessed_on",
    "submitted_at",
    "month_start",
    "quarter_start",
    "financial_year",
    "organisation_code",
    "commissioner_code",
    "team_code",
    "age_band",
    "sex",
    "ethnic_category",
    "ethnic_group",
    "imd_decile",
    "imd_quintile",
    "core20",
    "imd_vintage",
    "overall_score",
    "scores",
    "bands",
    "item_values",
    "complete",
)


# What person_fact keeps of the first and of the latest assessment...
ASSESSMENT_PART = (
    "assessment_key",
    "assessed_on",
    "submitted_at",
    "episode_type",
    "overall_score",
    "scores",
    "bands",
)
# ...and of who the person was at the latest.
PERSON_DIMENSIONS = (
    "organisation_code",
    "commissioner_code",
    "team_code",
    "age_band",
    "sex",
    "ethnic_category",
    "ethnic_group",
    "imd_decile",
    "imd_quintile",
    "core20",
)
_AT = {name: i for i, name in enumerate(FACT_COLUMNS)}


class CheckpointMoved(RuntimeError):
    """The checkpoint is no longer at the cursor the page was read after: another
    consumer applied it (the lease was lost). Nothing of the page was written."""


@dataclass(frozen=True)
class Applied:
    events: int
    cursor: str


def person_key_of(item: FeedItem) -> str:
    # An event whose person record is gone has no person key: the assessment then counts
    # as a person of its own rather than being dropped or merged with others.
    return item.payload.person_key or item.payload.assessment_key


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _scores(scores: FeedScores | None) -> tuple[float | None, str, str, bool]:
    if scores is None:
        return None, "{}", "{}", False
    groups = {**scores["sections"], OVERALL: scores["overall"]}
    by_group = {name: group["scores"] for name, group in groups.items()}
    bands = {}
    for name, group in groups.items():
        levels = {band: level["code"] for band, level in group["bands"].items() if level}
        if levels:
            bands[name] = levels
    overall = scores["overall"]["scores"].get(OVERALL_SCORE)
    return (
        None if overall is None else float(overall),
        _json(by_group),
        _json(bands),
        scores["overall"]["completeness"]["complete"],
    )


def fact_row(item: FeedItem) -> tuple[Any, ...]:
    """The ``assessment_fact`` row (``FACT_COLUMNS`` order) of an event's assessment."""
    p = item.payload
    overall, scores, bands, complete = _scores(p.scores)
    return (
        person_key_of(item),
        p.assessment_key,
        p.revision,
        p.instrument,
        p.variant,
        p.instrument_version,
        p.episode_type,
        p.assessed_on,
        p.submitted_at,
        dimensions.month_start(p.assessed_on),
        dimensions.quarter_start(p.assessed_on),
        dimensions.financial_year(p.assessed_on),
        p.organisation_code,
        p.commissioner_code,
        p.team_code,
        p.age_band,
        p.sex,
        p.ethnic_category,
        dimensions.ethnic_group(p.ethnic_group),
        p.imd_decile,
        dimensions.imd_quintile(p.imd_decile),
        dimensions.core20(p.imd_decile),
        p.imd_vintage,
        overall,
        scores,
        bands,
        _json({item_id: answer["value"] for item_id, answer in p.answers.items()}),
        complete,
    )


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
_UPSERT_LEDGER = """
    INSERT INTO assessment_feed_state
        (assessment_key, revision, deleted, person_key, assessed_on, changed_at)
    SELECT * FROM unnest($1::text[], $2::int[], $3::bool[], $4::text[], $5::date[],
                         $6::timestamptz[])
    ON CONFLICT (assessment_key) DO UPDATE SET
        revision = excluded.revision, deleted = excluded.deleted,
        person_key = excluded.person_key, assessed_on = excluded.assessed_on,
        changed_at = excluded.changed_at
"""
# What comparing needs of a stored person row (their scores are not read back).
_PEOPLE = """
    SELECT person_key, instrument, variant, assessments,
           first_assessment_key, first_assessed_on, first_submitted_at,
           latest_assessment_key, latest_assessed_on, latest_submitted_at
    FROM person_fact WHERE person_key = ANY($1::text[])
"""
_FORGET_PEOPLE = "DELETE FROM person_fact WHERE person_key = ANY($1::text[])"
# First and latest of each (person, instrument, variant) from the facts, for the people
# named (_THESE_PEOPLE), or for everyone (bulk loads: rebuild_person_facts).
_REMAKE_PEOPLE = """
    WITH f AS (
        SELECT f.*,
               count(*) OVER w AS n,
               row_number() OVER (w ORDER BY f.assessed_on, f.submitted_at NULLS FIRST,
                                  f.assessment_key) AS from_first,
               row_number() OVER (w ORDER BY f.assessed_on DESC, f.submitted_at DESC NULLS LAST,
                                  f.assessment_key DESC) AS from_latest
        FROM {facts}
        WINDOW w AS (PARTITION BY f.person_key, f.instrument, f.variant)
    )
    INSERT INTO person_fact (
        person_key, instrument, variant, assessments,
        first_assessment_key, first_assessed_on, first_submitted_at, first_episode_type,
        first_overall_score, first_scores, first_bands,
        latest_assessment_key, latest_assessed_on, latest_submitted_at, latest_episode_type,
        latest_overall_score, latest_scores, latest_bands,
        organisation_code, commissioner_code, team_code, age_band, sex, ethnic_category,
        ethnic_group, imd_decile, imd_quintile, core20)
    SELECT l.person_key, l.instrument, l.variant, l.n,
           a.assessment_key, a.assessed_on, a.submitted_at, a.episode_type, a.overall_score,
           a.scores, a.bands,
           l.assessment_key, l.assessed_on, l.submitted_at, l.episode_type, l.overall_score,
           l.scores, l.bands,
           l.organisation_code, l.commissioner_code, l.team_code, l.age_band, l.sex,
           l.ethnic_category, l.ethnic_group, l.imd_decile, l.imd_quintile, l.core20
    FROM f l
    JOIN f a ON a.person_key = l.person_key AND a.instrument = l.instrument
            AND a.variant = l.variant AND a.from_first = 1
    WHERE l.from_latest = 1
"""
# Each person's facts by their key, only in the partitions between the dates given for
# them: an index probe per person and partition, never a scan (with one range for all,
# Postgres preferred scanning every row in it).
_THESE_PEOPLE = """
    unnest($1::text[], $2::date[], $3::date[]) AS k(person_key, lo, hi)
    CROSS JOIN LATERAL (
        SELECT * FROM assessment_fact f
        WHERE f.person_key = k.person_key AND f.assessed_on BETWEEN k.lo AND k.hi
        OFFSET 0  -- kept a lateral subquery: probed per person, never hashed
    ) AS f
"""
PERSON_COLUMNS = (
    "person_key",
    "instrument",
    "variant",
    "assessments",
    *(f"first_{c}" for c in ASSESSMENT_PART),
    *(f"latest_{c}" for c in ASSESSMENT_PART),
    *PERSON_DIMENSIONS,
)


def _update_people_sql() -> str:
    """Set what changed of stored person rows (copied into _CHANGED first): a half (first,
    or latest with the person's dimensions) only where its flag says so; the count always."""
    sets = ["assessments = u.assessments"]
    for c in PERSON_COLUMNS[4:]:
        flag = "u.first_changed" if c.startswith("first_") else "u.latest_changed"
        sets.append(f"{c} = CASE WHEN {flag} THEN u.{c} ELSE p.{c} END")
    # Names come from the constants above, never from input.
    return (
        f"UPDATE person_fact p SET {', '.join(sets)} FROM {_CHANGED} u "  # noqa: S608
        "WHERE p.person_key = u.person_key AND p.instrument = u.instrument "
        "AND p.variant = u.variant"
    )


# Changed person rows on their way in: binary COPY here, then one UPDATE (arrays as
# statement parameters cost a Python type check per element in asyncpg).
_CHANGED = "person_fact_change"
# (Made from a query, so without person_fact's NOT NULLs: a half that did not change is
# sent as NULLs and kept from the stored row.)
_CHANGED_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS person_fact_change ON COMMIT DELETE ROWS AS "
    "SELECT *, true AS first_changed, true AS latest_changed FROM person_fact WITH NO DATA"
)
_UPDATE_PEOPLE = _update_people_sql()
_MOVE_CHECKPOINT = """
    UPDATE feed_checkpoint SET
        cursor = $3, updated_at = $4, checked_at = $4,
        events_applied = events_applied + $5,
        last_event_at = coalesce($6, last_event_at),
        behind_events = $7, behind_since = $8
    WHERE feed = $1 AND cursor = $2
"""


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
    page: FeedPage,
    *,
    after: str,
    feed: str = FEED,
    read_at: datetime | None = None,
    before_commit: BeforeCommit | None = None,
) -> Applied:
    """Apply ``page`` (read after cursor ``after`` at ``read_at``) and move the checkpoint,
    in one transaction. ``before_commit`` runs after everything is written and before the
    commit (fault tests kill the process there)."""
    now = read_at or datetime.now(UTC)
    events = page.events
    cursor = events[-1].cursor if events else after
    behind_since = events[-1].occurred_at if events and page.remaining else None
    async with conn.transaction():
        if events:
            await _apply_events(conn, events)
        moved = await conn.execute(
            _MOVE_CHECKPOINT,
            feed,
            after,
            cursor,
            now,
            len(events),
            events[-1].occurred_at if events else None,
            page.remaining,
            behind_since,
        )
        if moved != "UPDATE 1":
            raise CheckpointMoved(f"the {feed} checkpoint is no longer at the page's cursor")
        if before_commit is not None:
            await before_commit()
    return Applied(events=len(events), cursor=cursor)


async def _apply_events(conn: asyncpg.Connection, events: Sequence[FeedItem]) -> None:
    last: dict[str, FeedItem] = {}
    for item in events:
        last[item.payload.assessment_key] = item
    ledger = {row["assessment_key"]: row for row in await conn.fetch(_LEDGER, list(last))}
    gone: list[tuple[str, str, Any]] = []
    facts: list[tuple[Any, ...]] = []
    states: list[tuple[Any, ...]] = []
    for key, item in last.items():
        p = item.payload
        known = ledger.get(key)
        if known is not None and p.revision < known["revision"]:
            continue  # older than what is applied: a replay
        if known is not None and not known["deleted"]:
            gone.append((known["person_key"], key, known["assessed_on"]))
        present = item.event_type in PRESENT
        if present:
            facts.append(fact_row(item))
        states.append(
            (key, p.revision, not present, person_key_of(item), p.assessed_on, item.occurred_at)
        )
    # Every fact of the people concerned as it stands, for the rollups' deltas (0034).
    touched = {g[0] for g in gone} | {f[_AT["person_key"]] for f in facts}
    before = await rollup_writes.facts_of_people(conn, sorted(touched))
    removed = []
    if gone:
        days = [g[2] for g in gone]
        removed = await conn.fetch(_DELETE_FACTS, *_columns(gone, 3), min(days), max(days))
    if facts:
        await conn.copy_records_to_table("assessment_fact", records=facts, columns=FACT_COLUMNS)
    if states:
        await conn.execute(_UPSERT_LEDGER, *_columns(states, 6))
    taken = {r["assessment_key"] for r in removed}
    after = [f for f in before if f.assessment_key not in taken]
    after += [rollup_writes.rollup_fact([f[_AT[c]] for c in FACT_FIELDS]) for f in facts]
    await rollup_writes.write_changes(conn, before, after)
    await _update_people(conn, removed, facts)


Group = tuple[str, str, str]  # person key, instrument, variant


def _order(assessed_on: Any, submitted_at: Any, assessment_key: str) -> tuple[Any, ...]:
    """First-to-latest order: by date, then submission (none first), then key."""
    return (assessed_on, submitted_at is not None, submitted_at or _EPOCH, assessment_key)


_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


def _person_row(fact: tuple[Any, ...]) -> dict[str, Any]:
    part = {c: fact[_AT[c]] for c in ASSESSMENT_PART}
    return {
        "person_key": fact[_AT["person_key"]],
        "instrument": fact[_AT["instrument"]],
        "variant": fact[_AT["variant"]],
        "assessments": 1,
        **{f"first_{c}": v for c, v in part.items()},
        **{f"latest_{c}": v for c, v in part.items()},
        **{c: fact[_AT[c]] for c in PERSON_DIMENSIONS},
    }


def _row_order(row: dict[str, Any], which: str) -> tuple[Any, ...]:
    return _order(
        row[f"{which}_assessed_on"], row[f"{which}_submitted_at"], row[f"{which}_assessment_key"]
    )


async def _update_people(
    conn: asyncpg.Connection, removed: Sequence[asyncpg.Record], facts: Sequence[tuple[Any, ...]]
) -> None:
    """Keep each touched person's first and latest up to date. Added facts are compared
    with the stored first and latest (read without their scores); a person whose first or
    latest fact was removed (amended, deleted) is recomputed from their facts."""
    people = {r["person_key"] for r in removed} | {f[_AT["person_key"]] for f in facts}
    if not people:
        return
    stored = {
        (r["person_key"], r["instrument"], r["variant"]): r
        for r in await conn.fetch(_PEOPLE, list(people))
    }
    changes: dict[Group, _Change] = {}
    remake: set[str] = set()

    def change(group: Group) -> "_Change | None":
        if group not in changes and group in stored:
            changes[group] = _Change(dict(stored[group]))
        return changes.get(group)

    for r in removed:
        now = change((r["person_key"], r["instrument"], r["variant"]))
        key = r["assessment_key"]
        if now is None or key in (
            now.row["first_assessment_key"],
            now.row["latest_assessment_key"],
        ):
            remake.add(r["person_key"])
        else:
            now.row["assessments"] -= 1
    for fact in facts:
        group = (fact[_AT["person_key"]], fact[_AT["instrument"]], fact[_AT["variant"]])
        if group[0] in remake:
            continue
        now = change(group)
        if now is None:
            changes[group] = _Change(_person_row(fact), new=True)
            continue
        now.row["assessments"] += 1
        order = _order(
            fact[_AT["assessed_on"]], fact[_AT["submitted_at"]], fact[_AT["assessment_key"]]
        )
        row = _person_row(fact)
        if order < _row_order(now.row, "first"):
            now.row.update({f"first_{c}": row[f"first_{c}"] for c in ASSESSMENT_PART})
            now.first = True
        if order > _row_order(now.row, "latest"):
            now.row.update({f"latest_{c}": row[f"latest_{c}"] for c in ASSESSMENT_PART})
            now.row.update({c: row[c] for c in PERSON_DIMENSIONS})
            now.latest = True
    kept = [(g, c) for g, c in changes.items() if g[0] not in remake]
    added = [c.row for _, c in kept if c.new]
    if added:
        await conn.copy_records_to_table(
            "person_fact",
            records=[tuple(row[c] for c in PERSON_COLUMNS) for row in added],
            columns=PERSON_COLUMNS,
        )
    updated = [c for _, c in kept if not c.new]
    if updated:
        await conn.execute(_CHANGED_TABLE)
        await conn.copy_records_to_table(
            _CHANGED,
            records=[
                (*(c.row.get(name) for name in PERSON_COLUMNS), c.first, c.latest) for c in updated
            ],
            columns=(*PERSON_COLUMNS, "first_changed", "latest_changed"),
        )
        await conn.execute(_UPDATE_PEOPLE)  # fmt: skip
    if remake:
        await _remake(conn, remake, stored, facts)


class _Change:
    """A person_fact row as it becomes: new, or which halves of a stored one changed."""

    __slots__ = ("first", "latest", "new", "row")

    def __init__(self, row: dict[str, Any], *, new: bool = False) -> None:
        self.row = row
        self.new = new
        self.first = False
        self.latest = False


async def _remake(
    conn: asyncpg.Connection,
    remake: set[str],
    stored: dict[Group, asyncpg.Record],
    facts: Sequence[tuple[Any, ...]],
) -> None:
    # A person's facts lie between their stored first and latest, or are new ones.
    days: dict[str, list[date]] = {person: [] for person in remake}
    for (person, _, _), row in stored.items():
        if person in remake:
            days[person] += [row["first_assessed_on"], row["latest_assessed_on"]]
    for fact in facts:
        if fact[_AT["person_key"]] in remake:
            days[fact[_AT["person_key"]]].append(fact[_AT["assessed_on"]])
    keys = sorted(remake)
    await conn.execute(_FORGET_PEOPLE, keys)
    await conn.execute(
        _REMAKE_PEOPLE.format(facts=_THESE_PEOPLE),
        keys,
        [min(days[k], default=date.min) for k in keys],
        [max(days[k], default=date.max) for k in keys],
    )


async def rebuild_person_facts(conn: asyncpg.Connection) -> None:
    """Remake ``person_fact`` from ``assessment_fact`` (after a bulk load of facts)."""
    async with conn.transaction():
        await conn.execute("TRUNCATE person_fact")
        await conn.execute(_REMAKE_PEOPLE.format(facts="assessment_fact f"))


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    return [[row[i] for row in rows] for i in range(width)]
