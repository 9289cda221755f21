"""BI routes: the tidy tables as CSV, JSON and Parquet, the OData v4 feed, and the BI access
tokens an organisation or ICB administrator mints for them (``docs/bi.md``).

Every data route takes a token from the IdP (client credentials with ``aggregate:read``, or
a member of staff's) or a BI access token, as Bearer or as the password of HTTP Basic; the
caller's scope is ``access``'s, as on every aggregate. Answers carry an ``ETag`` and
``Last-Modified`` made from how far the feed has been applied, the caller's scope and the
request, so a scheduled refresh that sends ``If-None-Match`` gets a 304 until the figures
change.
"""

from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.aggregation.access.auth import scope_of
from services.aggregation.access.scope import ReaderScope
from services.aggregation.bi import odata, store, tokens
from services.aggregation.bi.conditional import etag_of, negotiate, not_modified
from services.aggregation.bi.formats import (
    MEDIA_TYPES,
    Format,
    columns_named,
    records,
    write_csv,
    write_json,
    write_parquet,
)
from services.aggregation.bi.models import BiAccessToken
from services.aggregation.bi.query import (
    QueryOptionError,
    check_known,
    filter_option,
    parse_options,
    parse_orderby,
    parse_select,
)
from services.aggregation.bi.schemas import (
    ColumnRead,
    TableDocument,
    TableRead,
    Tables,
    TokenCreate,
    TokenMinted,
    TokenRead,
    TokenUse,
)
from services.aggregation.bi.source import DataVersion, data_version, tidy_rows
from services.aggregation.bi.table import COLUMNS, DESCRIPTIONS, BiTable, TidyRow
from services.common.auth import Principal, require, require_or_own_credential
from services.common.database import Session
from services.common.errors import (
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    ProblemError,
    problem_responses,
)
from services.common.input_rules import PlainText
from services.common.pagination import CursorPosition, Page, decode_cursor, encode_cursor
from services.common.permissions import Permission

# Bumped when the tables' layout changes, so no ETag of the old layout matches.
SCHEMA_VERSION = "1"
TOKENS_PAGE = 100
USES_PAGE = 200


BASIC_CHALLENGE = 'Bearer, Basic realm="Equitas BI", charset="UTF-8"'
_DATA_PATHS = ("/api/aggregation/bi/tables", "/api/aggregation/bi/odata")


class BiRoute(APIRoute):
    """A BI route: each request made with a BI access token is recorded with its outcome,
    refused ones too (the token's id is known once its shape has been read)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def recorded(request: Request) -> Response:
            status = 500
            try:
                response = await handle(request)
                status = response.status_code
                return response
            except ProblemError as exc:
                status = exc.status
                if status == 401 and self.path_format.startswith(_DATA_PATHS):
                    # BI tools that store a user name and password answer this challenge.
                    exc.headers["WWW-Authenticate"] = BASIC_CHALLENGE
                raise
            except RequestValidationError:
                status = 422
                raise
            except StarletteHTTPException as exc:  # Basic that is not base64 ("user:password")
                status = exc.status_code
                if status == 401 and self.path_format.startswith(_DATA_PATHS):
                    exc.headers = {**(exc.headers or {}), "WWW-Authenticate": BASIC_CHALLENGE}
                raise
            finally:
                token_id = getattr(request.state, "bi_token_id", None)
                if token_id is not None:
                    await _record(request, self.path_format, token_id, status)

        return recorded


def _recorded_path(request: Request, template: str) -> str:
    """The path asked for, without its query string; a table name is filled in only when it
    names a table (the record never holds text a caller made up)."""
    table = request.path_params.get("table")
    if table in BiTable.__members__.values():
        return template.replace("{table}", str(table))
    return template


async def _record(request: Request, template: str, token_id: str, status: int) -> None:
    try:
        await store.record_use(
            request.app.state.engine,
            token_id,
            request.method,
            _recorded_path(request, template),
            status,
        )
    except Exception:  # the answer stands; say its record is missing
        store.log.exception("BI token use not recorded", extra={"status": status})


router = APIRouter(
    prefix="/api/aggregation/bi",
    route_class=BiRoute,
    responses=problem_responses(401, 403, 422),
)

_credential = require_or_own_credential(store.verify_presented)


async def bi_reader(
    request: Request, principal: Annotated[Principal, Depends(_credential)]
) -> ReaderScope:
    return await scope_of(request, principal)


BiReader = Annotated[ReaderScope, Depends(bi_reader)]
OrganisationAdmin = Annotated[Principal, Depends(require(Permission.organisation_admin))]
TableName = Annotated[BiTable, Path(description="The table")]

# Declared so the contract lists them; each is read (strictly) from the raw query.
FilterOption = Annotated[
    str | None,
    Query(
        alias="$filter",
        description="OData filter, e.g. organisation_code eq 'EQA' and period_type eq 'quarter'",
    ),
]
SelectOption = Annotated[
    str | None, Query(alias="$select", description="Comma-separated columns to return")
]

OrderbyOption = Annotated[
    str | None,
    Query(alias="$orderby", description="Columns to sort by, each optionally asc or desc"),
]


# --- conditional GET --------------------------------------------------------------------


def _etag(version: DataVersion, scope: ReaderScope, *parts: str) -> str:
    return etag_of(
        (
            SCHEMA_VERSION,
            version.feed_position,
            scope.basis.value,
            scope.organisation_code,
            ",".join(sorted(scope.units)),
            ",".join(sorted(scope.teams)),
            *parts,
        )
    )


def _canonical_query(request: Request) -> str:
    return urlencode(sorted(request.query_params.multi_items()))


def _not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    headers = request.headers
    return not_modified(
        headers.get("if-none-match"), headers.get("if-modified-since"), etag, last_modified
    )


def _validators(etag: str, version: DataVersion) -> dict[str, str]:
    return {
        "ETag": etag,
        "Last-Modified": format_datetime(version.applied_at.astimezone(UTC), usegmt=True),
        "Cache-Control": "private, no-cache",
    }


def _single_values(request: Request) -> dict[str, str]:
    """The query as one value per name; a system query option sent twice is an error."""
    query: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name in query and name.startswith("$"):
            raise QueryOptionError(name, "is given more than once")
        query[name] = value
    return query


# --- the tables ---------------------------------------------------------------------------

_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified since the ETag or date sent"},
    400: problem_responses(400)[400],
    406: problem_responses(406)[406],
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
    query = _single_values(request)
    check_known(query, allowed=frozenset({"$filter", "$select", "$orderby"}))
    predicate = filter_option(query.get("$filter"))
    select = parse_select(query.get("$select"))
    orderby = parse_orderby(query.get("$orderby"))
    version = await data_version(request)
    etag = _etag(version, scope, "table", table.value, fmt.value, _canonical_query(request))
    headers = _validators(etag, version)
    if _not_modified(request, etag, version.applied_at):
        return Response(status_code=304, headers=headers)
    rows: Sequence[TidyRow] = await tidy_rows(request, scope, table, version)
    if predicate is not None:
        rows = [r for r in rows if predicate(r)]
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


# --- the OData feed -----------------------------------------------------------------------

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
    options = parse_options(_single_values(request))
    max_page = odata.page_size(request.headers.getlist("prefer"))
    version = await data_version(request)
    etag = _etag(
        version,
        scope,
        "odata",
        table.value,
        _canonical_query(request),
        _root_url(request),
        str(max_page),
    )
    headers = {**_validators(etag, version)}
    if _not_modified(request, etag, version.applied_at):
        return Response(status_code=304, headers={**_ODATA_HEADERS, **headers})
    rows: Sequence[TidyRow] = await tidy_rows(
        request, scope, table, version, next_page=options.skiptoken is not None
    )
    if options.predicate is not None:
        rows = [r for r in rows if options.predicate(r)]
    document, applied = odata.entity_set_page(
        table,
        rows,
        options,
        root_url=_root_url(request),
        query=_single_values(request),
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
    },
)
async def odata_count(
    request: Request, scope: BiReader, table: TableName, filter: FilterOption = None
) -> Response:
    query = _single_values(request)
    check_known(query, allowed=frozenset({"$filter"}))
    predicate = filter_option(query.get("$filter"))
    version = await data_version(request)
    rows: Sequence[TidyRow] = await tidy_rows(request, scope, table, version)
    count = len(rows) if predicate is None else sum(1 for r in rows if predicate(r))
    return _odata_response(str(count).encode(), "text/plain;charset=utf-8")


# --- BI access tokens ---------------------------------------------------------------------


class TokenPosition(CursorPosition):
    created_at: datetime
    id: PlainText


class UsePosition(CursorPosition):
    id: int


def _admins_organisation(principal: Principal) -> str:
    if principal.organisation_code is None:
        raise Forbidden("Your selected role names no organisation")
    return principal.organisation_code


def _status(token: BiAccessToken, now: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if token.expires_at <= now else "active"


def _token_read(token: BiAccessToken, last_used_at: datetime | None, now: datetime) -> TokenRead:
    return TokenRead(
        id=token.id,
        dataset=token.dataset,
        organisation_code=token.organisation_code,
        created_at=token.created_at,
        created_by=token.created_by,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
        last_used_at=last_used_at,
        status=_status(token, now),
    )


@router.post(
    "/tokens",
    tags=["bi-tokens"],
    status_code=201,
    summary="Mint a BI access token for a dataset of the administrator's organisation (shown once)",
    responses=problem_responses(400),
)
async def mint_token(
    body: TokenCreate, principal: OrganisationAdmin, session: Session
) -> TokenMinted:
    organisation = _admins_organisation(principal)
    now = datetime.now(UTC)
    expires_at = body.expires_at or now + tokens.DEFAULT_LIFETIME
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    if expires_at <= now:
        raise InvalidInput(
            "The expiry must be in the future",
            errors=[FieldProblem(field="body.expires_at", message="must be in the future")],
        )
    if expires_at > tokens.latest_expiry(now):
        raise InvalidInput(
            "A BI access token lasts at most 12 months; mint a new one before it expires",
            errors=[
                FieldProblem(field="body.expires_at", message="must be at most 12 months from now")
            ],
        )
    minted = tokens.mint()
    row = BiAccessToken(
        id=minted.id,
        secret_hash=minted.secret_hash,
        dataset=body.dataset,
        organisation_code=organisation,
        created_by=principal.subject,
        created_at=now,
        expires_at=expires_at,
    )
    await store.add(session, row)
    return TokenMinted(**_token_read(row, None, now).model_dump(), token=minted.token)


@router.get(
    "/tokens",
    tags=["bi-tokens"],
    summary="The BI access tokens of the administrator's organisation (never their secrets)",
)
async def list_tokens(
    principal: OrganisationAdmin,
    session: Session,
    cursor: Annotated[
        str | None, Query(description="From next_cursor of the previous page")
    ] = None,
) -> Page[TokenRead]:
    organisation = _admins_organisation(principal)
    position = decode_cursor(cursor, TokenPosition)
    after = (position.created_at, position.id) if position else None
    found = await store.listed(session, organisation, after=after, limit=TOKENS_PAGE + 1)
    now = datetime.now(UTC)
    items = [_token_read(f.token, f.last_used_at, now) for f in found[:TOKENS_PAGE]]
    next_cursor = None
    if len(found) > TOKENS_PAGE:
        last = found[TOKENS_PAGE - 1].token
        next_cursor = encode_cursor(TokenPosition(created_at=last.created_at, id=last.id))
    return Page[TokenRead](items=items, next_cursor=next_cursor)


TokenIdPath = Annotated[str, Path(pattern=r"^[a-z2-7]{12}$", description="The token's public id")]


@router.delete(
    "/tokens/{token_id}",
    tags=["bi-tokens"],
    status_code=204,
    summary="Revoke a BI access token (at once; it cannot be restored)",
    responses=problem_responses(404),
)
async def revoke_token(
    token_id: TokenIdPath, principal: OrganisationAdmin, session: Session
) -> Response:
    organisation = _admins_organisation(principal)
    revoked = await store.revoke(session, organisation, token_id, principal.subject)
    if revoked is None:
        raise NotFound("Your organisation has no BI access token with this id")
    return Response(status_code=204)


@router.get(
    "/tokens/{token_id}/uses",
    tags=["bi-tokens"],
    summary="Each request made with a BI access token, newest first",
    responses=problem_responses(404),
)
async def token_uses(
    token_id: TokenIdPath,
    principal: OrganisationAdmin,
    session: Session,
    cursor: Annotated[
        str | None, Query(description="From next_cursor of the previous page")
    ] = None,
) -> Page[TokenUse]:
    organisation = _admins_organisation(principal)
    token = await session.get(BiAccessToken, token_id)
    if token is None or token.organisation_code != organisation:
        raise NotFound("Your organisation has no BI access token with this id")
    position = decode_cursor(cursor, UsePosition)
    uses = await store.uses(
        session, token_id, before=position.id if position else None, limit=USES_PAGE + 1
    )
    items = [
        TokenUse(used_at=u.used_at, method=u.method, path=u.path, status=u.status)
        for u in uses[:USES_PAGE]
    ]
    next_cursor = None
    if len(uses) > USES_PAGE and uses[USES_PAGE - 1].id is not None:
        next_cursor = encode_cursor(UsePosition(id=uses[USES_PAGE - 1].id))
    return Page[TokenUse](items=items, next_cursor=next_cursor)
