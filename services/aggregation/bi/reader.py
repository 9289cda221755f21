"""Who reads the BI answers and how they are kept fresh: the BI route (each request made with
a BI access token recorded with its outcome), the reader's scope, the query options every
data route declares, and conditional GET (``docs/bi.md``).

Every data route takes a token from the IdP (client credentials with ``aggregate:read``, or
a member of staff's) or a BI access token, as Bearer or as the password of HTTP Basic; the
caller's scope is ``access``'s, as on every aggregate. Answers carry an ``ETag`` and
``Last-Modified`` made from how far the feed has been applied, the caller's scope and the
request, so a scheduled refresh that sends ``If-None-Match`` gets a 304 until the figures
change.
"""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC
from email.utils import format_datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.aggregation.access.auth import scope_of
from services.aggregation.access.scope import ReaderScope
from services.aggregation.bi import store
from services.aggregation.bi.conditional import etag_of, not_modified
from services.aggregation.bi.query import QueryOptionError
from services.aggregation.bi.source import DataVersion, data_version
from services.aggregation.bi.table import BiTable
from services.common.auth import Principal, require, require_or_own_credential
from services.common.errors import ProblemError, problem_responses
from services.common.permissions import Permission

# Bumped when the tables' layout changes, so no ETag of the old layout matches.
SCHEMA_VERSION = "1"

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


def bi_router() -> APIRouter:
    """A router of BI routes: each part (tables, OData, tokens) mounts one."""
    return APIRouter(
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


@dataclass(frozen=True)
class Freshness:
    """How fresh the figures are for one request: the data version, the validators to send,
    and whether the caller's copy is still current (answer 304)."""

    version: DataVersion
    headers: dict[str, str]
    unchanged: bool


def canonical_query(request: Request) -> str:
    return urlencode(sorted(request.query_params.multi_items()))


async def freshness(request: Request, scope: ReaderScope, *parts: str) -> Freshness:
    """The ETag is made from how far the feed is applied, the caller's scope and the
    answer's ``parts`` (the request's ``canonical_query`` among them), so it changes
    whenever any of them does."""
    version = await data_version(request)
    etag = etag_of(
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
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(version.applied_at.astimezone(UTC), usegmt=True),
        "Cache-Control": "private, no-cache",
    }
    unchanged = not_modified(
        request.headers.get("if-none-match"),
        request.headers.get("if-modified-since"),
        etag,
        version.applied_at,
    )
    return Freshness(version, headers, unchanged)


def single_values(request: Request) -> dict[str, str]:
    """The query as one value per name; a system query option sent twice is an error."""
    query: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name in query and name.startswith("$"):
            raise QueryOptionError(name, "is given more than once")
        query[name] = value
    return query
