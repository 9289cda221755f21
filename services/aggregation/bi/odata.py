"""OData v4 documents for the BI feed: the service document, ``$metadata`` (CSDL XML) and
a page of an entity set with server-driven paging. Pure: no I/O.

Each ``BiTable`` is an entity set of the same entity type (the tidy row, keyed by its key
columns). Paging is keyset: ``@odata.nextLink`` carries the key of a page's last row in
``$skiptoken``, so a table that changes between pages (the feed applied more events) never
repeats or skips a row whose key was there throughout.
"""

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import quoteattr

from pydantic import Field

from services.aggregation.bi.formats import records
from services.aggregation.bi.query import MAX_PAGE, Options
from services.aggregation.bi.table import COLUMNS, KEY, BiTable, TidyRow, Value, row_key
from services.common.errors import Conflict, FieldProblem
from services.common.input_rules import PlainText
from services.common.pagination import CursorPosition, decode_cursor, encode_cursor

NAMESPACE = "Equitas.Aggregation"
ENTITY_TYPE = "TidyRow"
EDMX = "http://docs.oasis-open.org/odata/ns/edmx"
EDM = "http://docs.oasis-open.org/odata/ns/edm"
ODATA_VERSION = "4.0"
JSON_MEDIA_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8"
XML_MEDIA_TYPE = "application/xml;charset=utf-8"

_EDM_TYPES = {
    "string": "Edm.String",
    "date": "Edm.Date",
    "number": "Edm.Double",
    "integer": "Edm.Int64",
    "boolean": "Edm.Boolean",
}


@cache
def metadata_document() -> bytes:
    """CSDL XML: one entity type (the tidy row) and one entity set per table. Every name in
    it is ours (no request data), so it is written once, as text."""
    keys = "".join(f"<PropertyRef Name={quoteattr(n)}/>" for n in KEY)
    properties = "".join(
        f"<Property Name={quoteattr(c.name)} Type={quoteattr(_EDM_TYPES[c.kind])}"
        + ("" if c.nullable else ' Nullable="false"')
        + "/>"
        for c in COLUMNS
    )
    sets = "".join(
        f"<EntitySet Name={quoteattr(t.value)} EntityType={quoteattr(NAMESPACE + '.' + ENTITY_TYPE)}/>"
        for t in BiTable
    )
    text = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<edmx:Edmx xmlns:edmx="{EDMX}" Version="{ODATA_VERSION}"><edmx:DataServices>'
        f'<Schema xmlns="{EDM}" Namespace="{NAMESPACE}">'
        f'<EntityType Name="{ENTITY_TYPE}"><Key>{keys}</Key>{properties}</EntityType>'
        f'<EntityContainer Name="Container">{sets}</EntityContainer>'
        "</Schema></edmx:DataServices></edmx:Edmx>"
    )
    return text.encode("utf-8")


def service_document(root_url: str) -> dict[str, Any]:
    return {
        "@odata.context": f"{root_url}/$metadata",
        "value": [{"name": t.value, "kind": "EntitySet", "url": t.value} for t in BiTable],
    }


# The options a next link repeats (with its own $skiptoken).
_CARRIED = ("$filter", "$select", "$orderby", "$count", "$skip", "$top")


class PagePosition(CursorPosition):
    """The key of the last row of a page (``$skiptoken``)."""

    key: list[PlainText] = Field(min_length=len(KEY), max_length=len(KEY))


def ordered(rows: Sequence[TidyRow], orderby: Sequence[tuple[str, bool]]) -> list[TidyRow]:
    """``rows`` (in key order) in the order ``$orderby`` asks, ties in key order. Empty
    values sort before any other, as OData says (so last when descending)."""
    result = list(rows)
    for name, descending in reversed(orderby):  # stable sorts, least significant first
        result.sort(key=lambda r: _sortable(getattr(r, name)), reverse=descending)
    return result


def _sortable(value: Value) -> tuple[bool, Value]:
    return (value is not None, value if value is not None else 0)


def after_skiptoken(
    rows: Sequence[TidyRow], skiptoken: str | None, *, in_key_order: bool = True
) -> Sequence[TidyRow]:
    """``rows`` after the one ``skiptoken`` names (by its key)."""
    position = decode_cursor(skiptoken, PagePosition, field="query.$skiptoken")
    if position is None:
        return rows
    last = tuple(position.key)
    if not in_key_order:
        # A chosen order: continue after that row, wherever it now is.
        for index, row in enumerate(rows):
            if row_key(row) == last:
                return rows[index + 1 :]
        raise Conflict(
            "The rows changed while you were reading them page by page; start again",
            errors=[FieldProblem(field="query.$skiptoken", message="names a row that has gone")],
        )
    # Rows are sorted by key: binary search for the first key after the last one served
    # (a row that has gone since is no obstacle).
    low, high = 0, len(rows)
    while low < high:
        middle = (low + high) // 2
        if row_key(rows[middle]) <= last:
            low = middle + 1
        else:
            high = middle
    return rows[low:]


def page_size(preferences: Sequence[str]) -> int:
    """``Prefer: odata.maxpagesize=N`` (clients may ask for smaller pages), at most MAX_PAGE."""
    for preference in preferences:
        for part in preference.split(","):
            name, _, value = part.strip().partition("=")
            if name.strip().lower() == "odata.maxpagesize":
                digits = value.strip().strip('"')
                if digits.isascii() and digits.isdigit() and 0 < len(digits) <= 9:
                    return max(1, min(int(digits), MAX_PAGE))
    return MAX_PAGE


def entity_set_page(
    table: BiTable,
    rows: Sequence[TidyRow],
    options: Options,
    *,
    root_url: str,
    query: Mapping[str, str],
    max_page: int,
) -> tuple[dict[str, Any], bool]:
    """The JSON of one page of ``rows`` (already filtered and in key order), and whether a
    page size was applied (for the ``Preference-Applied`` header)."""
    if options.orderby:
        rows = ordered(rows, options.orderby)
    # Client-driven paging ($skip, $top) first, then the server's pages within it (the next
    # link carries $skip and $top on, so the window stays the one asked for).
    selected = rows[options.skip :]
    if options.top is not None:
        selected = selected[: options.top]
    remaining = after_skiptoken(selected, options.skiptoken, in_key_order=not options.orderby)
    page = remaining[:max_page]
    columns = [c for c in COLUMNS if c.name in options.select]
    context = f"{root_url}/$metadata#{table.value}"
    if options.select != tuple(c.name for c in COLUMNS):
        context = f"{root_url}/$metadata#{table.value}({','.join(options.select)})"
    document: dict[str, Any] = {"@odata.context": context}
    if options.count:
        document["@odata.count"] = len(selected)
    document["value"] = records(page, columns)
    if len(remaining) > len(page):
        next_query = {k: v for k, v in query.items() if k in _CARRIED}
        next_query["$skiptoken"] = encode_cursor(PagePosition(key=list(row_key(page[-1]))))
        document["@odata.nextLink"] = f"{root_url}/{table.value}?{urlencode(next_query)}"
    return document, max_page < MAX_PAGE
