"""Where the tidy rows come from: the metrics module's disclosure-controlled tables, for the
caller's scope. This is the one place BI reads figures; every row has passed disclosure
control before it gets here (BI never computes or suppresses a figure itself).

Also the data version: what the ``ETag`` and ``Last-Modified`` of a BI answer are made of
(how far the feed has been applied, and the caller's scope).
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request

from services.aggregation.access.scope import ReaderScope
from services.aggregation.bi.table import BiTable, TidyRow, row_key
from services.common.direct import direct_connection

Provider = Callable[[Request, ReaderScope], Awaitable[Sequence[TidyRow]]]


async def _no_rows_yet(request: Request, scope: ReaderScope) -> Sequence[TidyRow]:
    return ()


PROVIDERS: dict[BiTable, Provider] = {BiTable.measures: _no_rows_yet}


async def tidy_rows(request: Request, scope: ReaderScope, table: BiTable) -> list[TidyRow]:
    """The table's rows the caller may read, in key order (the order every output uses)."""
    rows = await PROVIDERS[table](request, scope)
    return sorted(rows, key=row_key)


@dataclass(frozen=True)
class DataVersion:
    feed_position: str
    applied_at: datetime


NEVER_APPLIED = DataVersion("", datetime(2000, 1, 1, tzinfo=UTC))


async def data_version(request: Request) -> DataVersion:
    """How far the scoring feed has been applied (every figure follows from it)."""
    async with direct_connection(request.app.state.engine) as connection:
        found = await connection.fetchrow(
            "SELECT cursor, updated_at FROM feed_checkpoint WHERE feed = 'scoring'"
        )
    if found is None:
        return NEVER_APPLIED
    return DataVersion(str(found["cursor"]), found["updated_at"])
