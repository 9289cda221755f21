"""Activity datasets over HTTP: create one for a team or organisation, list and read them."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query, Request

from services.aggregation.equity import access, queries
from services.aggregation.equity.routes.caller import (
    DATASET_SELECT,
    AfterId,
    Cursor,
    DatasetId,
    EquityCaller,
    dataset_read,
    equity_router,
    readable_dataset,
)
from services.aggregation.equity.schemas import DatasetCreate, DatasetRead
from services.common.direct import direct_connection
from services.common.errors import FieldProblem, Forbidden, InvalidInput, problem_responses
from services.common.pagination import Page, decode_cursor, encode_cursor

router = equity_router()


@router.post(
    "/datasets",
    status_code=201,
    summary="A new activity dataset of a team or organisation",
    responses=problem_responses(400, 403, 422),
)
async def create_dataset(
    caller: EquityCaller, body: DatasetCreate, request: Request
) -> DatasetRead:
    if not access.may_write(caller.principal, caller.scope, body.unit_code):
        raise Forbidden(
            "You may create datasets only for a team you lead or, as an analyst or "
            "administrator of a trust, for it or its teams",
            errors=[FieldProblem(field="body.unit_code", message="is not a unit you may write")],
        )
    problems = []
    for at, group in enumerate(body.plus_groups):
        try:
            queries.check_plus_group(group)
        except queries.BadPlusGroup as exc:
            problems.append(FieldProblem(field=f"body.plus_groups[{at}]", message=str(exc)))
    if problems:
        raise InvalidInput("A PLUS group is not one this service can define", errors=problems)
    async with direct_connection(request.app.state.engine) as conn:
        new_id = await conn.fetchval(
            "INSERT INTO equity_dataset (unit_code, title, plus_groups, created_by, created_at) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            body.unit_code,
            body.title,
            sorted(set(body.plus_groups)),
            caller.principal.subject,
            datetime.now(UTC),
        )
        row = await conn.fetchrow(DATASET_SELECT + " WHERE d.id = $1", new_id)
    return dataset_read(row, caller)


@router.get("/datasets", summary="Activity datasets you may read, newest first")
async def list_datasets(
    caller: EquityCaller,
    request: Request,
    unit: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9\-]+$")] = None,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[DatasetRead]:
    after = decode_cursor(cursor, AfterId)
    readable = [caller.scope.organisation_code, *caller.scope.unit_codes, *caller.scope.team_codes]
    async with direct_connection(request.app.state.engine) as conn:
        rows = await conn.fetch(
            DATASET_SELECT + " WHERE d.unit_code = ANY($1::text[]) AND ($2::text IS NULL OR "
            "d.unit_code = $2) AND ($3::bigint IS NULL OR d.id < $3) ORDER BY d.id DESC LIMIT $4",
            readable,
            unit,
            after.id if after else None,
            limit + 1,
        )
    items = [
        dataset_read(r, caller)
        for r in rows[:limit]
        if access.may_read(caller.scope, r["unit_code"])
    ]
    more = len(rows) > limit
    return Page(
        items=items, next_cursor=encode_cursor(AfterId(id=rows[limit - 1]["id"])) if more else None
    )


@router.get(
    "/datasets/{dataset_id}", summary="One activity dataset", responses=problem_responses(404)
)
async def get_dataset(caller: EquityCaller, dataset_id: DatasetId, request: Request) -> DatasetRead:
    async with direct_connection(request.app.state.engine) as conn:
        return dataset_read(await readable_dataset(conn, caller, dataset_id), caller)
