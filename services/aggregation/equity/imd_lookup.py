"""The IMD lookup in the database: loading a vintage whole or not at all, reading it for an
import (remembered by each worker until a vintage is loaded again), and giving the rows
whose vintage the file's codes decided their deciles (decision 0046).

The lookup is published area statistics (LSOA code -> IMD decile): no personal data.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from services.aggregation.equity.codes import IMD_VINTAGES
from services.aggregation.equity.header import HeaderProblem
from services.aggregation.equity.imd import DecileFinder, LookupReader, read_lookup_header
from services.aggregation.equity.records import RowProblem
from services.common.direct import direct_connection

RELOADED = "the IMD lookup was loaded again while the file was read: send the file again"
VINTAGE_SELECT = "SELECT vintage, lsoa_year, lsoas, loaded_at FROM equity_imd_vintage"


@dataclass
class Remembered:
    loaded: tuple[tuple[str, datetime], ...] = ()
    deciles: Mapping[str, Mapping[str, int]] | None = None


REMEMBERED = Remembered()


async def deciles(conn: asyncpg.Connection) -> Mapping[str, Mapping[str, int]]:
    """vintage -> LSOA code -> decile, oldest vintage first. About 35,000 codes a vintage:
    read once per worker, and again only when a vintage has been loaded since."""
    # One snapshot: a vintage loaded meanwhile is seen whole or not at all.
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        rows = await conn.fetch(VINTAGE_SELECT + " ORDER BY vintage")
        loaded = tuple((r["vintage"], r["loaded_at"]) for r in rows)
        if REMEMBERED.deciles is not None and loaded == REMEMBERED.loaded:
            return REMEMBERED.deciles
        names = dict(loaded)
        by_vintage: dict[str, dict[str, int]] = {v: {} for v in IMD_VINTAGES if v in names}
        for r in await conn.fetch("SELECT vintage, lsoa_code, decile FROM equity_imd_lsoa"):
            by_vintage[r["vintage"]][r["lsoa_code"]] = r["decile"]
    REMEMBERED.loaded, REMEMBERED.deciles = loaded, by_vintage
    return by_vintage


async def give_deciles(conn: asyncpg.Connection, finder: DecileFinder) -> bool:
    """The staged rows whose vintage the codes decided get their deciles; False when the
    lookup no longer has every code (it was loaded again meanwhile)."""
    vintage = finder.vintage()
    if vintage is None:
        return True
    status = await conn.execute(
        "UPDATE equity_staging s SET imd_decile = l.decile, imd_vintage = l.vintage "
        "FROM equity_imd_lsoa l WHERE l.vintage = $1 AND l.lsoa_code = s.lsoa "
        "AND s.imd_decile IS NULL AND s.lsoa IS NOT NULL",
        vintage,
    )
    return int(status.split()[-1]) == finder.pending


@dataclass(frozen=True)
class LookupRefused:
    header: list[HeaderProblem]
    rows: list[RowProblem]
    rejected: int


def read_lookup(rows: Iterator[list[str]], vintage: str) -> LookupReader | LookupRefused:
    """Every (code, decile) of a lookup file, or its problems (runs in a worker thread)."""
    header = next(rows, None)
    if header is None:
        return LookupRefused([HeaderProblem("file", "is empty: it needs a header row")], [], 0)
    columns = read_lookup_header(header, vintage)
    if isinstance(columns, list):
        return LookupRefused(columns, [], 0)
    reader = LookupReader(columns)
    try:
        for at, cells in enumerate(rows, start=2):
            reader.read(cells, at)
    except OverflowError:
        pass
    if not reader.deciles and not reader.problems:
        reader.problems.append(RowProblem(2, "*", "the file has no rows under its header"))
    if reader.problems:
        return LookupRefused([], reader.problems, reader.rejected)
    return reader


async def replace_vintage(
    engine: AsyncEngine, vintage: str, found: Mapping[str, int], loaded_by: str
) -> asyncpg.Record:
    """The vintage's lookup replaced by ``found`` in one transaction: readers see the old
    lookup or the new, never a mixture."""
    async with direct_connection(engine) as conn, conn.transaction():
        await conn.execute("DELETE FROM equity_imd_vintage WHERE vintage = $1", vintage)
        await conn.execute(
            "INSERT INTO equity_imd_vintage (vintage, lsoa_year, lsoas, loaded_by, loaded_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            vintage,
            IMD_VINTAGES[vintage],
            len(found),
            loaded_by,
            datetime.now(UTC),
        )
        await conn.copy_records_to_table(
            "equity_imd_lsoa",
            records=[(vintage, code, decile) for code, decile in found.items()],
            columns=["vintage", "lsoa_code", "decile"],
        )
        row = await conn.fetchrow(VINTAGE_SELECT + " WHERE vintage = $1", vintage)
    assert row is not None
    return row
