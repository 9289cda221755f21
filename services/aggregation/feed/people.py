"""Each person's first and latest assessment (``person_fact``, for paired change), kept by
the consumer in the page's transaction (decision 0020), or remade from the facts after a
bulk load.

Added facts are compared with the stored first and latest (read without their scores); a
person whose first or latest fact was removed (amended, deleted) is recomputed from their
facts by a probe bounded by their own dates.
"""

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

import asyncpg

from services.aggregation.feed.facts import AT, FactRow

# What person_fact keeps of the first and of the latest assessment...
ASSESSMENT_PART = (
    "assessment_key",
    "assessed_on",
    "submitted_at",
    "episode_type",
    "overall_score",
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
PERSON_COLUMNS = (
    "person_key",
    "instrument",
    "variant",
    "assessments",
    *(f"first_{c}" for c in ASSESSMENT_PART),
    *(f"latest_{c}" for c in ASSESSMENT_PART),
    *PERSON_DIMENSIONS,
)
_PART_AT = [AT[c] for c in ASSESSMENT_PART]
_DIMENSIONS_AT = [AT[c] for c in PERSON_DIMENSIONS]
_FIRST = [f"first_{c}" for c in ASSESSMENT_PART]
_LATEST = [f"latest_{c}" for c in ASSESSMENT_PART]
_P, _I, _V = AT["person_key"], AT["instrument"], AT["variant"]
_ON, _SUBMITTED, _KEY = AT["assessed_on"], AT["submitted_at"], AT["assessment_key"]

# What comparing needs of a stored person row (their scores are not read back).
STORED_PEOPLE = """
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
        first_overall_score,
        latest_assessment_key, latest_assessed_on, latest_submitted_at, latest_episode_type,
        latest_overall_score,
        organisation_code, commissioner_code, team_code, age_band, sex, ethnic_category,
        ethnic_group, imd_decile, imd_quintile, core20)
    SELECT l.person_key, l.instrument, l.variant, l.n,
           a.assessment_key, a.assessed_on, a.submitted_at, a.episode_type, a.overall_score,
           l.assessment_key, l.assessed_on, l.submitted_at, l.episode_type, l.overall_score,
           l.organisation_code, l.commissioner_code, l.team_code, l.age_band, l.sex,
           l.ethnic_category, l.ethnic_group, l.imd_decile, l.imd_quintile, l.core20
    FROM f l
    JOIN f a ON a.person_key = l.person_key AND a.instrument = l.instrument
            AND a.variant = l.variant AND a.from_first = 1
    WHERE l.from_latest = 1
"""
# What remaking a person row reads of their facts (their scores stay in assessment_fact).
_REMADE_FROM = ", ".join(
    f"f.{c}" for c in ("person_key", "instrument", "variant", *ASSESSMENT_PART, *PERSON_DIMENSIONS)
)
# Each person's facts by their key, only in the partitions between the dates given for
# them: an index probe per person and partition, never a scan (with one range for all,
# Postgres preferred scanning every row in it).
_THESE_PEOPLE = f"""
    unnest($1::text[], $2::date[], $3::date[]) AS k(person_key, lo, hi)
    CROSS JOIN LATERAL (
        SELECT {_REMADE_FROM} FROM assessment_fact f
        WHERE f.person_key = k.person_key AND f.assessed_on BETWEEN k.lo AND k.hi
        OFFSET 0  -- kept a lateral subquery: probed per person, never hashed
    ) AS f
"""  # noqa: S608 - names from constants
# Changed person rows on their way in: binary COPY here, then one UPDATE (arrays as
# statement parameters cost a Python type check per element in asyncpg).
_CHANGED = "person_fact_change"
# (Made from a query, so without person_fact's NOT NULLs: a half that did not change is
# sent as NULLs and kept from the stored row.)
_CHANGED_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS person_fact_change ON COMMIT DELETE ROWS AS "
    "SELECT *, true AS first_changed, true AS latest_changed FROM person_fact WITH NO DATA"
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


_UPDATE_PEOPLE = _update_people_sql()

Group = tuple[str, str, str]  # person key, instrument, variant
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


def _order(assessed_on: Any, submitted_at: Any, assessment_key: str) -> tuple[Any, ...]:
    """First-to-latest order: by date, then submission (none first), then key."""
    return (assessed_on, submitted_at is not None, submitted_at or _EPOCH, assessment_key)


# A person row as a list in PERSON_COLUMNS order: its halves are slices.
_AT_COLUMN = {name: i for i, name in enumerate(PERSON_COLUMNS)}
_FIRST_HALF = slice(_AT_COLUMN[_FIRST[0]], _AT_COLUMN[_FIRST[-1]] + 1)
_LATEST_HALF = slice(_AT_COLUMN[_LATEST[0]], _AT_COLUMN[_LATEST[-1]] + 1)
_DIMENSIONS = slice(_AT_COLUMN[PERSON_DIMENSIONS[0]], _AT_COLUMN[PERSON_DIMENSIONS[-1]] + 1)
_COUNT = _AT_COLUMN["assessments"]
_ORDER_OF = {
    which: tuple(
        _AT_COLUMN[f"{which}_{c}"] for c in ("assessed_on", "submitted_at", "assessment_key")
    )
    for which in ("first", "latest")
}
_part_of = itemgetter(*_PART_AT)
_dimensions_of = itemgetter(*_DIMENSIONS_AT)


def _row_order(row: list[Any], which: str) -> tuple[Any, ...]:
    on, submitted, key = _ORDER_OF[which]
    return _order(row[on], row[submitted], row[key])


def _new_row(fact: FactRow) -> list[Any]:
    part = _part_of(fact)
    return [fact[_P], fact[_I], fact[_V], 1, *part, *part, *_dimensions_of(fact)]


def _stored_row(record: asyncpg.Record) -> list[Any]:
    """What ``STORED_PEOPLE`` read, in place; the rest (not read) None."""
    row: list[Any] = [None] * len(PERSON_COLUMNS)
    for name, value in record.items():
        row[_AT_COLUMN[name]] = value
    return row


class _Change:
    """A person_fact row as it becomes: new, or which halves of a stored one changed."""

    __slots__ = ("first", "latest", "new", "row")

    def __init__(self, row: list[Any], *, new: bool = False) -> None:
        self.row = row
        self.new = new
        self.first = False
        self.latest = False


async def update_people(
    conn: asyncpg.Connection,
    stored: Sequence[asyncpg.Record],
    removed: Sequence[asyncpg.Record],
    facts: Collection[FactRow],
) -> None:
    """Keep the first and latest of the people of ``removed`` and ``facts`` up to date.
    ``stored``: their person_fact rows as ``STORED_PEOPLE`` reads them (read before the
    facts changed)."""
    by_group = {(r["person_key"], r["instrument"], r["variant"]): r for r in stored}
    changes: dict[Group, _Change] = {}
    remake: set[str] = set()
    first_key, latest_key = _ORDER_OF["first"][2], _ORDER_OF["latest"][2]

    def change(group: Group) -> _Change | None:
        if group not in changes and group in by_group:
            changes[group] = _Change(_stored_row(by_group[group]))
        return changes.get(group)

    for r in removed:
        now = change((r["person_key"], r["instrument"], r["variant"]))
        key = r["assessment_key"]
        if now is None or key in (now.row[first_key], now.row[latest_key]):
            remake.add(r["person_key"])
        else:
            now.row[_COUNT] -= 1
    for fact in facts:
        group = (fact[_P], fact[_I], fact[_V])
        if group[0] in remake:
            continue
        now = change(group)
        if now is None:
            changes[group] = _Change(_new_row(fact), new=True)
            continue
        now.row[_COUNT] += 1
        order = _order(fact[_ON], fact[_SUBMITTED], fact[_KEY])
        if order < _row_order(now.row, "first"):
            now.row[_FIRST_HALF] = _part_of(fact)
            now.first = True
        if order > _row_order(now.row, "latest"):
            now.row[_LATEST_HALF] = _part_of(fact)
            now.row[_DIMENSIONS] = _dimensions_of(fact)
            now.latest = True
    kept = [c for g, c in changes.items() if g[0] not in remake]
    added = [tuple(c.row) for c in kept if c.new]
    if added:
        await conn.copy_records_to_table("person_fact", records=added, columns=PERSON_COLUMNS)
    updated = [(*c.row, c.first, c.latest) for c in kept if not c.new]
    if updated:
        await conn.execute(_CHANGED_TABLE)
        await conn.copy_records_to_table(
            _CHANGED,
            records=updated,
            columns=(*PERSON_COLUMNS, "first_changed", "latest_changed"),
        )
        await conn.execute(_UPDATE_PEOPLE)  # fmt: skip
    if remake:
        await _remake(conn, remake, by_group, facts)


async def _remake(
    conn: asyncpg.Connection,
    remake: set[str],
    stored: dict[Group, asyncpg.Record],
    facts: Collection[FactRow],
) -> None:
    # A person's facts lie between their stored first and latest, or are new ones.
    days: dict[str, list[date]] = {person: [] for person in remake}
    for (person, _, _), row in stored.items():
        if person in remake:
            days[person] += [row["first_assessed_on"], row["latest_assessed_on"]]
    for fact in facts:
        if fact[_P] in remake:
            days[fact[_P]].append(fact[_ON])
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
