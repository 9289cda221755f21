"""The organisation hierarchy over HTTP: units and their links for readers, new links for
an organisation administrator (decision 0024)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from services.aggregation.access.auth import AggregateReader
from services.aggregation.hierarchy import repository
from services.aggregation.hierarchy.rules import (
    LEVEL_OF_KIND,
    Link,
    LinkRefused,
    UnitKind,
    kind_problem,
    place_link,
)
from services.aggregation.hierarchy.schemas import (
    CODE_PATTERN,
    LinkCreate,
    LinkCreated,
    LinkRead,
    OrganisationRead,
)
from services.common.auth import Principal, require
from services.common.direct import direct_connection
from services.common.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    InvalidInput,
    problem_responses,
)
from services.common.input_rules import BIGINT_MAX, PlainText
from services.common.pagination import CursorPosition, Page, decode_cursor, encode_cursor
from services.common.permissions import Permission

router = APIRouter(
    prefix="/api/aggregation/hierarchy",
    tags=["hierarchy"],
    responses=problem_responses(401, 403, 422),
)

OrganisationAdmin = Annotated[Principal, Depends(require(Permission.organisation_admin))]
PAGE_MAX = 500


class AfterCode(CursorPosition):
    code: Annotated[PlainText, Field(max_length=64)]


class AfterId(CursorPosition):
    id: int = Field(ge=0, le=BIGINT_MAX)


def _link_read(stored: repository.StoredLink) -> LinkRead:
    link = stored.link
    return LinkRead(
        id=stored.id,
        child_code=link.child_code,
        parent_code=link.parent_code,
        valid_from=link.valid_from,
        valid_to=link.valid_to,
        source=stored.source,
    )


@router.get("/organisations", summary="Organisation units, each with its parent on a date")
async def list_organisations(
    reader: AggregateReader,
    request: Request,
    kind: UnitKind | None = None,
    parent: Annotated[str | None, Query(pattern=CODE_PATTERN, max_length=64)] = None,
    on: Annotated[date | None, Query(description="Structure on this date (default today)")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 100,
) -> Page[OrganisationRead]:
    after = decode_cursor(cursor, AfterCode)
    async with direct_connection(request.app.state.engine) as conn:
        found = await repository.list_units(
            conn,
            on=on or date.today(),
            kind=kind,
            parent=parent,
            after=after.code if after else None,
            limit=limit + 1,
        )
    items = [
        OrganisationRead(
            code=u.unit.code,
            name=u.unit.name,
            kind=u.unit.kind,
            level=LEVEL_OF_KIND[u.unit.kind],
            parent_code=u.parent_code,
            source=u.unit.source,
        )
        for u in found[:limit]
    ]
    more = len(found) > limit
    return Page(
        items=items, next_cursor=encode_cursor(AfterCode(code=items[-1].code)) if more else None
    )


@router.get("/links", summary="Effective-dated parent links, oldest first")
async def list_links(
    reader: AggregateReader,
    request: Request,
    child: Annotated[str | None, Query(pattern=CODE_PATTERN, max_length=64)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 100,
) -> Page[LinkRead]:
    after = decode_cursor(cursor, AfterId)
    async with direct_connection(request.app.state.engine) as conn:
        found = await repository.links_of(
            conn, child, after=after.id if after else None, limit=limit + 1
        )
    items = [_link_read(s) for s in found[:limit]]
    more = len(found) > limit
    return Page(items=items, next_cursor=encode_cursor(AfterId(id=items[-1].id)) if more else None)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", errors=[FieldProblem(field=field, message=message)])


@router.post(
    "/links",
    status_code=201,
    responses=problem_responses(400, 409, 413),
    summary="Add a parent link (a new unit, a move, a merger, a change of commissioner)",
)
async def add_link(body: LinkCreate, admin: OrganisationAdmin, request: Request) -> LinkCreated:
    """An administrator may add a link for a unit of their organisation (itself, one under
    it today, or one that ever was), or one that puts a unit under it. A link that starts after the start of
    the unit's current open-ended link succeeds it; any other overlap is a 409 naming the
    date at fault. History before the new link's start is never changed."""
    if (body.child_name is None) != (body.child_kind is None):
        missing = "body.child_kind" if body.child_kind is None else "body.child_name"
        raise _invalid(missing, "child_name and child_kind go together, for a new unit")
    organisation = admin.organisation_code
    if organisation is None:
        raise Forbidden("Your selected role names no organisation")
    new = Link(body.child_code, body.parent_code, body.valid_from, body.valid_to)
    async with direct_connection(request.app.state.engine) as conn, conn.transaction():
        await repository.lock_unit_history(conn, new.child_code)
        child = await repository.unit(conn, new.child_code)
        if child is None:
            if body.child_name is None or body.child_kind is None:
                raise _invalid(
                    "body.child_code", "not a known unit: give child_name and child_kind"
                )
            child = repository.StoredUnit(new.child_code, body.child_name, body.child_kind, "admin")
        parent = await repository.unit(conn, new.parent_code)
        if parent is None:
            raise _invalid("body.parent_code", "not a known unit")
        problem = kind_problem(child.kind, parent.kind)
        if problem:
            raise _invalid("body.parent_code", problem)
        history = [s.link for s in await repository.links_of(conn, new.child_code)]
        mine = await repository.units_under(conn, [organisation], date.today())
        ever_under = {link.parent_code for link in history}
        if not ({new.child_code, new.parent_code} | ever_under) & mine:
            raise Forbidden("You may change links of your own organisation's units only")
        try:
            placement = place_link(new, history)
        except LinkRefused as exc:
            error = Conflict if exc.conflict else InvalidInput
            raise error(
                f"{exc.field}: {exc}", errors=[FieldProblem(field=exc.field, message=str(exc))]
            ) from exc
        await repository.add_unit(conn, child.code, child.name or child.code, child.kind)
        stored, ended = await repository.add_link(conn, placement)
    return LinkCreated(link=_link_read(stored), ended=_link_read(ended) if ended else None)
