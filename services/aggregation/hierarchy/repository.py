"""The hierarchy in the aggregation database (asyncpg): loading the reference file, the
units under an organisation, a unit's links, and adding a link."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import asyncpg

from services.aggregation.hierarchy.reference import ReferenceHierarchy
from services.aggregation.hierarchy.rules import Link, Placement, UnitKind

SOURCE_REFERENCE = "reference"
SOURCE_ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class StoredUnit:
    code: str
    name: str | None
    kind: UnitKind
    source: str


@dataclass(frozen=True, slots=True)
class StoredLink:
    id: int
    link: Link
    source: str


async def load_reference(conn: asyncpg.Connection, reference: ReferenceHierarchy) -> None:
    """Upsert the file's units and links, however often and by however many workers at
    once (an advisory lock serialises them). What an administrator added is kept; a
    reference link whose end the file now gives is updated in place."""
    now = datetime.now(UTC)
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('equitas-org-reference'))")
        await conn.execute(
            """
            INSERT INTO org_unit (code, name, kind, source, updated_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                 $5::timestamptz[])
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
                updated_at = EXCLUDED.updated_at
            WHERE org_unit.source = 'reference'
              AND (org_unit.name, org_unit.kind) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind)
            """,
            [u.code for u in reference.units],
            [u.name for u in reference.units],
            [u.kind.value for u in reference.units],
            [SOURCE_REFERENCE] * len(reference.units),
            [now] * len(reference.units),
        )
        await conn.execute(
            """
            INSERT INTO org_link (child_code, parent_code, valid_from, valid_to, source,
                                  created_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::text[],
                                 $6::timestamptz[])
            ON CONFLICT (child_code, valid_from) DO UPDATE
                SET parent_code = EXCLUDED.parent_code, valid_to = EXCLUDED.valid_to
            WHERE org_link.source = 'reference'
              AND (org_link.parent_code, org_link.valid_to)
                  IS DISTINCT FROM (EXCLUDED.parent_code, EXCLUDED.valid_to)
            """,
            [link.child_code for link in reference.links],
            [link.parent_code for link in reference.links],
            [link.valid_from for link in reference.links],
            [link.valid_to for link in reference.links],
            [SOURCE_REFERENCE] * len(reference.links),
            [now] * len(reference.links),
        )


# Units under the roots on a day (the roots included), following the links that hold then.
UNITS_UNDER = """
WITH RECURSIVE under(code) AS (
    SELECT unnest($1::text[])
    UNION
    SELECT l.child_code FROM org_link l JOIN under u ON l.parent_code = u.code
    WHERE l.valid_from <= $2::date AND (l.valid_to IS NULL OR $2::date < l.valid_to)
)
SELECT code FROM under
"""


async def units_under(conn: asyncpg.Connection, roots: list[str], on: date) -> frozenset[str]:
    rows = await conn.fetch(UNITS_UNDER, roots, on)
    return frozenset(r["code"] for r in rows)


async def unit(conn: asyncpg.Connection, code: str) -> StoredUnit | None:
    row = await conn.fetchrow("SELECT code, name, kind, source FROM org_unit WHERE code = $1", code)
    return None if row is None else _unit(row)


def _unit(row: asyncpg.Record) -> StoredUnit:
    return StoredUnit(row["code"], row["name"], UnitKind(row["kind"]), row["source"])


@dataclass(frozen=True, slots=True)
class UnitWithParent:
    unit: StoredUnit
    parent_code: str | None


async def list_units(
    conn: asyncpg.Connection,
    *,
    on: date,
    kind: UnitKind | None,
    parent: str | None,
    after: str | None,
    limit: int,
) -> list[UnitWithParent]:
    """Units of the hierarchy, and teams known only from assessments (``source`` ``feed``,
    no name) under the trust their latest assessment on or before ``on`` names."""
    rows = await conn.fetch(LIST_UNITS, on, kind.value if kind else None, parent, after, limit)
    return [
        UnitWithParent(
            StoredUnit(r["code"], r["name"], UnitKind(r["kind"]), r["source"]), r["parent_code"]
        )
        for r in rows
    ]


# Teams the facts name are walked one index probe each (a loose index scan on
# ix_assessment_fact_team), from the page's cursor, at most FEED_TEAMS_MAX of them.
FEED_TEAMS_MAX = 20_000
LIST_UNITS = f"""
WITH RECURSIVE seen(code, steps) AS (
    (SELECT team_code, 1 FROM assessment_fact WHERE team_code > COALESCE($4::text, '')
     ORDER BY team_code LIMIT 1)
    UNION ALL
    SELECT (SELECT f.team_code FROM assessment_fact f WHERE f.team_code > s.code
            ORDER BY f.team_code LIMIT 1), s.steps + 1
    FROM seen s WHERE s.code IS NOT NULL AND s.steps < {FEED_TEAMS_MAX}
)
SELECT code, name, kind, source, parent_code FROM (
    SELECT u.code, u.name, u.kind, u.source, l.parent_code
    FROM org_unit u
    LEFT JOIN org_link l ON l.child_code = u.code AND l.valid_from <= $1::date
         AND (l.valid_to IS NULL OR $1::date < l.valid_to)
    WHERE ($2::text IS NULL OR u.kind = $2)
    UNION ALL
    SELECT s.code, NULL, 'team', 'feed',
           (SELECT f.organisation_code FROM assessment_fact f
            WHERE f.team_code = s.code AND f.assessed_on <= $1::date
            ORDER BY f.assessed_on DESC LIMIT 1)
    FROM seen s
    WHERE s.code IS NOT NULL AND ($2::text IS NULL OR $2::text = 'team')
      AND NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = s.code)
) units
WHERE ($3::text IS NULL OR parent_code = $3) AND ($4::text IS NULL OR code > $4)
ORDER BY code
LIMIT $5
"""  # noqa: S608 - a constant of ours


async def links_of(
    conn: asyncpg.Connection, child: str | None, *, after: int | None = None, limit: int = 1000
) -> list[StoredLink]:
    rows = await conn.fetch(
        """
        SELECT id, child_code, parent_code, valid_from, valid_to, source FROM org_link
        WHERE ($1::text IS NULL OR child_code = $1) AND ($2::bigint IS NULL OR id > $2)
        ORDER BY id LIMIT $3
        """,
        child,
        after,
        limit,
    )
    return [_link(r) for r in rows]


def _link(row: asyncpg.Record) -> StoredLink:
    return StoredLink(
        row["id"],
        Link(row["child_code"], row["parent_code"], row["valid_from"], row["valid_to"]),
        row["source"],
    )


async def lock_unit_history(conn: asyncpg.Connection, code: str) -> None:
    """Serialise changes to one unit's links until the transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('equitas-org-link:' || $1))", code)


async def add_unit(conn: asyncpg.Connection, code: str, name: str, kind: UnitKind) -> None:
    await conn.execute(
        """
        INSERT INTO org_unit (code, name, kind, source, updated_at)
        VALUES ($1, $2, $3, 'admin', now()) ON CONFLICT (code) DO NOTHING
        """,
        code,
        name,
        kind.value,
    )


async def add_link(
    conn: asyncpg.Connection, placement: Placement
) -> tuple[StoredLink, StoredLink | None]:
    """Write a checked link (``rules.place_link``), ending the link it succeeds."""
    ended: StoredLink | None = None
    if placement.succeeds is not None:
        old = placement.succeeds
        row = await conn.fetchrow(
            """
            UPDATE org_link SET valid_to = $3 WHERE child_code = $1 AND valid_from = $2
            RETURNING id, child_code, parent_code, valid_from, valid_to, source
            """,
            old.child_code,
            old.valid_from,
            placement.link.valid_from,
        )
        ended = _link(row)
    new = placement.link
    row = await conn.fetchrow(
        """
        INSERT INTO org_link (child_code, parent_code, valid_from, valid_to, source, created_at)
        VALUES ($1, $2, $3, $4, 'admin', now())
        RETURNING id, child_code, parent_code, valid_from, valid_to, source
        """,
        new.child_code,
        new.parent_code,
        new.valid_from,
        new.valid_to,
    )
    return _link(row), ended
