"""The board results' queries (asyncpg)."""

from collections.abc import Sequence

import asyncpg
import orjson

from services.aggregation.organisational.apply import FEED
from services.aggregation.organisational.results import BoardResult, stored_result

# JSON read as text: the pooled connections' codecs are SQLAlchemy's, not ours.
_RESULTS = """
    SELECT assessment_key, revision, deleted, instrument, instrument_version,
           organisation_code, commissioner_code, assessed_on, submitted_at,
           overall::text AS overall, sections::text AS sections, groupings::text AS groupings
    FROM board_result
    WHERE instrument = $1 AND NOT deleted
      AND (organisation_code = ANY($2::text[]) OR commissioner_code = ANY($3::text[]))
      AND ($4::text IS NULL OR organisation_code = $4::text)
"""
_NAMES = "SELECT code, name FROM org_unit WHERE code = ANY($1::text[])"
_STATUS = """
    SELECT events_applied, updated_at, checked_at, last_event_at
    FROM feed_checkpoint WHERE feed = $1
"""


async def results(
    conn: asyncpg.Connection,
    instrument: str,
    *,
    organisations: Sequence[str],
    commissioners: Sequence[str],
    organisation: str | None,
) -> list[BoardResult]:
    """Results of the instrument (not deleted) of these organisations, or recorded under
    these commissioners; of ``organisation`` only, when given."""
    rows = await conn.fetch(
        _RESULTS, instrument, list(organisations), list(commissioners), organisation
    )
    return [
        stored_result(
            {**row, **{c: orjson.loads(row[c]) for c in ("overall", "sections", "groupings")}}
        )
        for row in rows
    ]


async def names(conn: asyncpg.Connection, codes: Sequence[str]) -> dict[str, str | None]:
    rows = await conn.fetch(_NAMES, sorted(set(codes)))
    return {r["code"]: r["name"] for r in rows}


async def checkpoint(conn: asyncpg.Connection) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(_STATUS, FEED)
    return row
