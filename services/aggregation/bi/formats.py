"""Writing a tidy table as CSV (RFC 4180, UTF-8), JSON or Parquet. Pure: rows in, bytes out.

Every writer takes the columns to write (all of them, or a ``$select``), in order."""

import csv
import io
import math
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Any

import orjson
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from services.aggregation.bi.table import BY_NAME, Column, TidyRow, Value, value_of


class Format(StrEnum):
    csv = "csv"
    json = "json"
    parquet = "parquet"


MEDIA_TYPES: dict[Format, str] = {
    Format.csv: "text/csv; charset=utf-8; header=present",
    Format.json: "application/json",
    Format.parquet: "application/vnd.apache.parquet",
}

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
# Only text columns can hold one; a number's minus sign is left alone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def columns_named(names: Sequence[str]) -> list[Column]:
    return [BY_NAME[n] for n in names]


def _csv_cell(value: Value, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if column.kind == "string" and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(rows: Sequence[TidyRow], columns: Sequence[Column]) -> bytes:
    """RFC 4180: a header line, CRLF line ends, fields quoted only when they hold a comma, a
    quote or a line break; UTF-8 without a byte order mark; an empty field for no value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(value_of(row, c.name), c) for c in columns])
    return out.getvalue().encode("utf-8")


def json_value(value: Value) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def records(rows: Sequence[TidyRow], columns: Sequence[Column]) -> list[dict[str, Any]]:
    """Rows as JSON objects with the columns' names (dates as YYYY-MM-DD)."""
    names = [c.name for c in columns]
    return [{n: json_value(value_of(row, n)) for n in names} for row in rows]


def write_json(document: Any) -> bytes:
    return orjson.dumps(document)


_ARROW_TYPES = {
    "string": pa.string(),
    "date": pa.date32(),
    "number": pa.float64(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
}


def arrow_schema(columns: Sequence[Column]) -> Any:
    return pa.schema(
        [
            pa.field(
                c.name,
                _ARROW_TYPES[c.kind],
                nullable=c.nullable,
                metadata={"description": c.description},
            )
            for c in columns
        ]
    )


def write_parquet(rows: Sequence[TidyRow], columns: Sequence[Column]) -> bytes:
    """Parquet with the columns' types (dates as date32, counts as int64), Snappy-compressed
    (every Parquet reader, Power BI's included, reads it)."""
    schema = arrow_schema(columns)
    data = {c.name: [json_value(value_of(row, c.name)) for row in rows] for c in columns}
    table = pa.Table.from_pydict(data, schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="snappy")
    return sink.getvalue()
