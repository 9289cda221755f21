"""The BI format writers: CSV as RFC 4180 says, JSON, and Parquet read back with pyarrow,
each with the documented column names and types."""

import csv
import io
from datetime import date

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from services.aggregation.bi.formats import (
    columns_named,
    records,
    write_csv,
    write_json,
    write_parquet,
)
from services.aggregation.bi.table import COLUMN_NAMES, COLUMNS
from services.aggregation.tests.unit.bi_rows import suppressed_row, tidy_row

ALL = list(COLUMNS)


def test_csv_is_rfc_4180_utf8_with_a_header_and_crlf() -> None:
    rows = [
        tidy_row(organisation_name='Trust "North", Ŵales', breakdown_value="Line\nbreak"),
        suppressed_row(breakdown_value="2"),
    ]
    body = write_csv(rows, ALL)
    assert not body.startswith(b"\xef\xbb\xbf")  # no byte order mark
    text = body.decode("utf-8")
    assert text.startswith(",".join(COLUMN_NAMES) + "\r\n")
    assert text.endswith("\r\n")
    # A quote is doubled inside a quoted field; a comma or line break is quoted.
    assert '"Trust ""North"", Ŵales"' in text
    assert '"Line\nbreak"' in text
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert parsed[0]["organisation_name"] == 'Trust "North", Ŵales'
    assert parsed[0]["period_start"] == "2026-04-01"
    assert parsed[0]["value"] == "2.5"
    assert parsed[0]["suppressed"] == "false"
    # A suppressed value is an empty field, never 0.
    assert parsed[1]["value"] == parsed[1]["lower_ci"] == parsed[1]["denominator"] == ""
    assert parsed[1]["suppressed"] == "true"


def test_csv_text_that_a_spreadsheet_would_run_as_a_formula_is_defused() -> None:
    body = write_csv([tidy_row(organisation_name="=HYPERLINK(1)", value=-1.5)], ALL)
    row = next(csv.DictReader(io.StringIO(body.decode(), newline="")))
    assert row["organisation_name"] == "'=HYPERLINK(1)"
    assert row["value"] == "-1.5"  # numbers are left alone


def test_csv_of_no_rows_is_the_header_alone() -> None:
    assert (
        write_csv([], columns_named(["organisation_code", "value"]))
        == b"organisation_code,value\r\n"
    )


def test_json_records_are_typed() -> None:
    rows = [tidy_row(), suppressed_row()]
    document = orjson.loads(write_json({"rows": records(rows, ALL)}))
    first, second = document["rows"]
    assert list(first) == list(COLUMN_NAMES)
    assert first["period_start"] == "2026-04-01"
    assert first["value"] == 2.5
    assert first["denominator"] == 40
    assert first["suppressed"] is False
    assert second["value"] is None
    assert second["suppressed"] is True


def test_parquet_reads_back_with_the_documented_types() -> None:
    rows = [tidy_row(), suppressed_row(breakdown_value="2")]
    table = pq.read_table(io.BytesIO(write_parquet(rows, ALL)))
    assert table.column_names == list(COLUMN_NAMES)
    schema = table.schema
    assert schema.field("period_start").type == pa.date32()
    assert schema.field("value").type == pa.float64()
    assert schema.field("denominator").type == pa.int64()
    assert schema.field("suppressed").type == pa.bool_()
    assert schema.field("organisation_code").type == pa.string()
    assert not schema.field("organisation_code").nullable
    assert schema.field("value").metadata[b"description"]
    data = table.to_pylist()
    assert data[0]["period_start"] == date(2026, 4, 1)
    assert data[0]["value"] == 2.5
    assert data[1]["value"] is None
    assert data[1]["suppressed"] is True


def test_parquet_with_selected_columns_and_no_rows() -> None:
    columns = columns_named(["organisation_code", "measure", "value"])
    table = pq.read_table(io.BytesIO(write_parquet([], columns)))
    assert table.num_rows == 0
    assert table.column_names == ["organisation_code", "measure", "value"]
