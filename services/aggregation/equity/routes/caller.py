"""Who is calling the equity routes, and the dataset loaders every route uses: a dataset is
found only among those the caller may read (404 otherwise), and changed only by those who
may write it (decision 0032)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

import asyncpg
from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import Field

from services.aggregation.access.auth import scope_of
from services.aggregation.access.scope import ReaderScope
from services.aggregation.equity import access
from services.aggregation.equity.schemas import DatasetRead
from services.aggregation.statistics import suppress_count
from services.common.auth import Credentials, Principal, current_principal, require
from services.common.errors import Forbidden, NotFound, ProblemError, problem_responses
from services.common.input_rules import BIGINT_MAX
from services.common.pagination import CursorPosition, Page, encode_cursor
from services.common.permissions import Permission

CSV_TYPE = "text/csv"
DatasetId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]
Cursor = Annotated[str | None, Query(max_length=200, description="next_cursor of the page before")]


class AfterId(CursorPosition):
    """Where a page of an equity list ended: every one is ordered by its rows' ids."""

    id: int = Field(ge=0, le=BIGINT_MAX)


Item = TypeVar("Item")


def page_of(
    rows: Sequence[asyncpg.Record], limit: int, read: Callable[[asyncpg.Record], Item]
) -> Page[Item]:
    """A page of rows fetched with ``LIMIT limit + 1`` (one more says there is a next page)."""
    more = len(rows) > limit
    return Page(
        items=[read(r) for r in rows[:limit]],
        next_cursor=encode_cursor(AfterId(id=rows[limit - 1]["id"])) if more else None,
    )


def equity_router() -> APIRouter:
    """A router of the equity routes: each part of the feature mounts one."""
    return APIRouter(
        prefix="/api/aggregation/equity",
        tags=["equity"],
        responses=problem_responses(401, 403, 422),
    )


class UnsupportedType(ProblemError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


@dataclass(frozen=True)
class Caller:
    principal: Principal
    scope: ReaderScope


async def equity_caller(request: Request, credentials: Credentials) -> Caller:
    principal = await current_principal(request, credentials)
    return Caller(principal, await scope_of(request, principal))


EquityCaller = Annotated[Caller, Depends(equity_caller)]
# Reference data (reference populations, the IMD lookup) is loaded by an organisation
# administrator: published figures that every reader may use.
OrganisationAdmin = Annotated[Principal, Depends(require(Permission.organisation_admin))]


DATASET_SELECT = """
SELECT d.id, d.unit_code, d.title, d.plus_groups, d.created_at, d.imd_vintage,
       imported.records, imported.generation,
       (SELECT min(referral_date) FROM equity_activity a WHERE a.dataset_id = d.id) AS first_referral,
       (SELECT max(referral_date) FROM equity_activity a WHERE a.dataset_id = d.id) AS last_referral
FROM equity_dataset d
CROSS JOIN LATERAL (
    SELECT COALESCE(sum(rows_imported), 0) AS records, COALESCE(max(id), 0) AS generation
    FROM equity_import i WHERE i.dataset_id = d.id AND i.status = 'imported'
) imported
"""


def dataset_read(row: asyncpg.Record, caller: Caller) -> DatasetRead:
    return DatasetRead(
        id=row["id"],
        unit_code=row["unit_code"],
        title=row["title"],
        plus_groups=list(row["plus_groups"]),
        created_at=row["created_at"],
        records=suppress_count(int(row["records"])),
        first_referral=row["first_referral"],
        last_referral=row["last_referral"],
        may_upload=access.may_write(caller.principal, caller.scope, row["unit_code"]),
    )


async def readable_dataset(
    conn: asyncpg.Connection, caller: Caller, dataset_id: int
) -> asyncpg.Record:
    """The dataset, or 404 when it does not exist or is outside the caller's scope (whether
    a service has data is not shown to those who may not read it)."""
    row = await conn.fetchrow(DATASET_SELECT + " WHERE d.id = $1", dataset_id)
    if row is None or not access.may_read(caller.scope, row["unit_code"]):
        raise NotFound("No such dataset among those you may read")
    return row


def writable(caller: Caller, row: asyncpg.Record) -> None:
    if not access.may_write(caller.principal, caller.scope, row["unit_code"]):
        raise Forbidden(
            "Only the team's lead, or an analyst or administrator of the providing "
            "organisation, may import activity data or change the action plan"
        )
