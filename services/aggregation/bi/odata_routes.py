"""The BI tables as an OData v4 feed: the service document, $metadata, each table as an
entity set (with $filter, $select, $orderby, $count, $top, $skip and server-driven paging)
and its count."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import Query, Request, Response

from services.aggregation.bi import odata
from services.aggregation.bi.admission import busy_response
from services.aggregation.bi.formats import write_json
from services.aggregation.bi.query import check_known, filter_option, parse_options
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
from services.aggregation.bi.source import data_version, tidy_rows
from services.aggregation.bi.table import TidyRow
from services.common.errors import problem_responses

router = bi_router()

_ODATA_HEADERS = {"OData-Version": odata.ODATA_VERSION}


def _root_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/api/aggregation/bi/odata"


def _odata_response(
    body: bytes, media_type: str, headers: dict[str, str] | None = None
) -> Response:
    return Response(body, media_type=media_type, headers={**_ODATA_HEADERS, **(headers or {})})


_ODATA_JSON = {"application/json": {"schema": {"type": "object"}}}


@router.get(
    "/odata",
    tags=["bi"],
    summary="OData service document: the entity sets (one per table)",
    response_class=Response,
    responses={200: {"content": _ODATA_JSON, "description": "Service document"}},
)
async def odata_service(request: Request, scope: BiReader) -> Response:
    return _odata_response(
        write_json(odata.service_document(_root_url(request))), odata.JSON_MEDIA_TYPE
    )


# The service root as some clients write it (a trailing slash), answered rather than redirected.
router.add_api_route("/odata/", odata_service, methods=["GET"], include_in_schema=False)


@router.get(
    "/odata/$metadata",
    tags=["bi"],
    summary="OData $metadata (CSDL XML)",
    response_class=Response,
    responses={
        200: {"content": {"application/xml": {"schema": {"type": "string"}}}, "description": "CSDL"}
    },
)
async def odata_metadata(scope: BiReader) -> Response:
    return _odata_response(odata.metadata_document(), odata.XML_MEDIA_TYPE)


@router.get(
    "/odata/{table}",
    tags=["bi"],
    summary="OData entity set: a table's rows, with $filter, $select, $count, $top, $skip and server-driven paging",
    response_class=Response,
    responses={
        200: {
            "content": _ODATA_JSON,
            "description": "A page of rows; @odata.nextLink names the next",
        },
        304: {"description": "Not modified since the ETag sent"},
        400: problem_responses(400)[400],
        409: problem_responses(409)[409],
        **busy_response(),
    },
)
async def odata_entity_set(
    request: Request,
    scope: BiReader,
    table: TableName,
    filter: FilterOption = None,
    select: SelectOption = None,
    orderby: OrderbyOption = None,
    top: Annotated[str | None, Query(alias="$top", description="At most this many rows")] = None,
    skip: Annotated[str | None, Query(alias="$skip", description="Skip this many rows")] = None,
    count: Annotated[
        str | None, Query(alias="$count", description="true: include @odata.count")
    ] = None,
    skiptoken: Annotated[
        str | None, Query(alias="$skiptoken", description="From @odata.nextLink")
    ] = None,
    format: Annotated[
        str | None, Query(alias="$format", description="json (the only format)")
    ] = None,
) -> Response:
    options = parse_options(single_values(request))
    max_page = odata.page_size(request.headers.getlist("prefer"))
    fresh = await freshness(
        request,
        scope,
        "odata",
        table.value,
        canonical_query(request),
        _root_url(request),
        str(max_page),
    )
    version, headers = fresh.version, fresh.headers
    if fresh.unchanged:
        return Response(status_code=304, headers={**_ODATA_HEADERS, **headers})
    rows: Sequence[TidyRow] = await tidy_rows(
        request, scope, table, version, options.predicate, next_page=options.skiptoken is not None
    )
    document, applied = odata.entity_set_page(
        table,
        rows,
        options,
        root_url=_root_url(request),
        query=single_values(request),
        max_page=max_page,
    )
    if applied:
        headers["Preference-Applied"] = f"odata.maxpagesize={max_page}"
    return _odata_response(write_json(document), odata.JSON_MEDIA_TYPE, headers)


@router.get(
    "/odata/{table}/$count",
    tags=["bi"],
    summary="OData: how many rows a table (or its $filter) has, as plain text",
    response_class=Response,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "The count",
        },
        400: problem_responses(400)[400],
        **busy_response(),
    },
)
async def odata_count(
    request: Request, scope: BiReader, table: TableName, filter: FilterOption = None
) -> Response:
    query = single_values(request)
    check_known(query, allowed=frozenset({"$filter"}))
    predicate = filter_option(query.get("$filter"))
    version = await data_version(request)
    rows: Sequence[TidyRow] = await tidy_rows(request, scope, table, version, predicate)
    count = len(rows)
    return _odata_response(str(count).encode(), "text/plain;charset=utf-8")
