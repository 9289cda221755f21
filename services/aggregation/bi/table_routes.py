"""The BI tables over HTTP: as CSV, JSON or Parquet, by path suffix or by the Accept header,
with $filter, $select and $orderby, and conditional GET."""

from collections.abc import Sequence
from typing import Any

from fastapi import Request, Response

from services.aggregation.access.scope import ReaderScope
from services.aggregation.bi import odata
from services.aggregation.bi.admission import busy_response
from services.aggregation.bi.conditional import negotiate
from services.aggregation.bi.formats import (
    MEDIA_TYPES,
    Format,
    columns_named,
    records,
    write_csv,
    write_json,
    write_parquet,
)
from services.aggregation.bi.query import check_known, filter_option, parse_orderby, parse_select
from services.aggregation.bi.reader import (
    BiReader,
    FilterOption,
    OrderbyOption,
    SelectOption,
    TableName,
    bi_router,
    canonical_query,
    freshness,
    single_values,
)
from services.aggregation.bi.schemas import ColumnRead, TableDocument, TableRead, Tables
from services.aggregation.bi.source import tidy_rows
from services.aggregation.bi.table import COLUMNS, DESCRIPTIONS, BiTable, TidyRow
from services.common.errors import ProblemError, problem_responses

router = bi_router()

_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified since the ETag or date sent"},
    400: problem_responses(400)[400],
    406: problem_responses(406)[406],
    **busy_response(),
}


def _content(*formats: Format) -> dict[str, Any]:
    schemas = {
        Format.csv: {"type": "string"},
        Format.json: TableDocument.model_json_schema(),
        Format.parquet: {"type": "string", "format": "binary"},
    }
    return {MEDIA_TYPES[f].split(";")[0]: {"schema": schemas[f]} for f in formats}


@router.get(
    "/tables",
    tags=["bi"],
    summary="The BI tables, their columns and formats",
)
async def list_tables(scope: BiReader) -> Tables:
    columns = [
        ColumnRead(
            name=c.name, type=c.kind, nullable=c.nullable, key=c.key, description=c.description
        )
        for c in COLUMNS
    ]
    return Tables(
        tables=[
            TableRead(
                name=t.value,
                description=DESCRIPTIONS[t],
                columns=columns,
                formats=[f.value for f in Format],
            )
            for t in BiTable
        ]
    )


class NotAcceptable(ProblemError):
    status, title, slug = 406, "Not acceptable", "not-acceptable"


async def _table_response(
    request: Request, scope: ReaderScope, table: BiTable, fmt: Format
) -> Response:
    query = single_values(request)
    check_known(query, allowed=frozenset({"$filter", "$select", "$orderby"}))
    predicate = filter_option(query.get("$filter"))
    select = parse_select(query.get("$select"))
    orderby = parse_orderby(query.get("$orderby"))
    fresh = await freshness(
        request, scope, "table", table.value, fmt.value, canonical_query(request)
    )
    version, headers = fresh.version, fresh.headers
    if fresh.unchanged:
        return Response(status_code=304, headers=headers)
    rows: Sequence[TidyRow] = await tidy_rows(request, scope, table, version, predicate)
    if orderby:
        rows = odata.ordered(rows, orderby)
    columns = columns_named(select)
    if fmt is Format.csv:
        body = write_csv(rows, columns)
        headers["Content-Disposition"] = f'attachment; filename="{table.value}.csv"'
    elif fmt is Format.parquet:
        body = write_parquet(rows, columns)
        headers["Content-Disposition"] = f'attachment; filename="{table.value}.parquet"'
    else:
        body = write_json(
            {
                "table": table.value,
                "data_as_of": version.applied_at.isoformat(),
                "columns": list(select),
                "rows": records(rows, columns),
            }
        )
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


def _file_route(fmt: Format) -> Any:
    async def table_file(
        request: Request, scope: BiReader, table: TableName, filter: FilterOption = None,
        select: SelectOption = None,
        orderby: OrderbyOption = None,
    ) -> Response:  # fmt: skip
        return await _table_response(request, scope, table, fmt)

    return table_file


for _format in Format:
    router.add_api_route(
        f"/tables/{{table}}.{_format.value}",
        _file_route(_format),
        methods=["GET"],
        tags=["bi"],
        name=f"table_{_format.value}",
        summary=f"A table as {_format.value.upper()}",
        response_class=Response,
        responses={
            200: {"content": _content(_format), "description": "The table"},
            **_FILE_RESPONSES,
        },
    )


@router.get(
    "/tables/{table}",
    tags=["bi"],
    summary="A table, as JSON, CSV or Parquet by the Accept header",
    response_class=Response,
    responses={200: {"content": _content(*Format), "description": "The table"}, **_FILE_RESPONSES},
)
async def table(
    request: Request, scope: BiReader, table: TableName, filter: FilterOption = None,
    select: SelectOption = None,
    orderby: OrderbyOption = None,
) -> Response:  # fmt: skip
    fmt = negotiate(request.headers.get("accept"))
    if fmt is None:
        raise NotAcceptable(
            "Ask for application/json, text/csv or application/vnd.apache.parquet, "
            "or add .json, .csv or .parquet to the path"
        )
    return await _table_response(request, scope, table, fmt)
