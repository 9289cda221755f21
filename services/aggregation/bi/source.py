"""Where the tidy rows come from: the metrics module's disclosure-controlled tables, for the
caller's scope. This is the one place BI reads figures; every row has passed disclosure
control before it gets here (BI never computes or suppresses a figure itself).

Also the data version: what the ``ETag`` and ``Last-Modified`` of a BI answer are made of
(how far the feed has been applied, and the caller's scope).
"""

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request

from services.aggregation.access.scope import ReaderScope
from services.aggregation.bi.admission import exports_of
from services.aggregation.bi.filter import Condition
from services.aggregation.bi.measures import measures
from services.aggregation.bi.table import BiTable, TidyRow, row_key
from services.common.direct import direct_connection

Provider = Callable[[Request, ReaderScope, Condition | None], Awaitable[Sequence[TidyRow]]]


PROVIDERS: dict[BiTable, Provider] = {BiTable.measures: measures}

# A BI tool reads a table in pages (OData nextLink): each worker keeps the last few tables it
# built, for the same caller scope, feed position and filter, for the pages after the first.
# A first page (a new refresh) is always built afresh.
CACHE_ENTRIES = 8
CACHE_SECONDS = 120.0
CacheKey = tuple[BiTable, ReaderScope, str, str | None]
_cache: OrderedDict[CacheKey, tuple[float, list[TidyRow]]] = OrderedDict()


async def tidy_rows(
    request: Request,
    scope: ReaderScope,
    table: BiTable,
    version: "DataVersion",
    condition: Condition | None = None,
    *,
    next_page: bool = False,
) -> list[TidyRow]:
    """The table's rows the caller may read and ``condition`` matches, in key order (the
    order every output uses). Built only from the parts of the table the filter may match,
    a few exports at a time (``admission``)."""
    key = (table, scope, version.feed_position, None if condition is None else condition.text)
    now = time.monotonic()
    found = _cache.get(key) if next_page else None
    if found is not None and now - found[0] < CACHE_SECONDS:
        _cache.move_to_end(key)
        return found[1]
    async with exports_of(request.app).admitted():
        built = await PROVIDERS[table](request, scope, condition)
    matching = built if condition is None else [r for r in built if condition(r)]
    rows = sorted(matching, key=row_key)
    _cache[key] = (time.monotonic(), rows)
    _cache.move_to_end(key)
    while len(_cache) > CACHE_ENTRIES:
        _cache.popitem(last=False)
    return rows


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
