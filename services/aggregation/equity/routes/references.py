"""Reference populations over HTTP: census-style area x group counts an organisation
administrator loads, and any aggregate reader uses for representation."""

from datetime import UTC, datetime
from typing import Annotated

import asyncpg
from fastapi import Query, Request

from services.aggregation.equity import queries
from services.aggregation.equity.routes.caller import (
    AfterId,
    Cursor,
    EquityCaller,
    OrganisationAdmin,
    equity_router,
    page_of,
)
from services.aggregation.equity.schemas import EquityReferenceCreate, EquityReferenceRead
from services.common.direct import direct_connection
from services.common.errors import FieldProblem, InvalidInput, problem_responses
from services.common.pagination import Page, decode_cursor

router = equity_router()


@router.post(
    "/reference-populations",
    status_code=201,
    summary="Load a census-style reference population (area x group counts) for a catchment",
    responses=problem_responses(400),
)
async def create_reference(
    admin: OrganisationAdmin, body: EquityReferenceCreate, request: Request
) -> EquityReferenceRead:
    if body.dimension not in queries.BREAKDOWN_NAMES:
        raise InvalidInput(
            "The groups must be a breakdown of activity data",
            errors=[
                FieldProblem(
                    field="body.dimension",
                    message="is not one of " + ", ".join(queries.BREAKDOWN_NAMES),
                )
            ],
        )
    seen: set[tuple[str, str]] = set()
    for at, c in enumerate(body.counts):
        if (c.area_code, c.category) in seen:
            raise InvalidInput(
                "An area and group appear twice",
                errors=[
                    FieldProblem(field=f"body.counts[{at}]", message="repeats an area and group")
                ],
            )
        seen.add((c.area_code, c.category))
    async with direct_connection(request.app.state.engine) as conn, conn.transaction():
        new_id = await conn.fetchval(
            "INSERT INTO equity_reference_population (title, dimension, created_by, created_at) "
            "VALUES ($1, $2, $3, $4) RETURNING id",
            body.title,
            body.dimension,
            admin.subject,
            datetime.now(UTC),
        )
        await conn.copy_records_to_table(
            "equity_reference_count",
            records=[(new_id, c.area_code, c.category, c.people) for c in body.counts],
            columns=["population_id", "area_code", "category", "people"],
        )
        row = await conn.fetchrow(REFERENCE_SELECT + " WHERE p.id = $1", new_id)
    return _reference_read(row)


REFERENCE_SELECT = """
SELECT p.id, p.title, p.dimension, p.created_at,
       (SELECT count(DISTINCT area_code) FROM equity_reference_count c WHERE c.population_id = p.id)
           AS areas,
       (SELECT COALESCE(sum(people), 0) FROM equity_reference_count c WHERE c.population_id = p.id)
           AS people
FROM equity_reference_population p
"""


def _reference_read(row: asyncpg.Record) -> EquityReferenceRead:
    return EquityReferenceRead(
        id=row["id"],
        title=row["title"],
        dimension=row["dimension"],
        areas=int(row["areas"]),
        people=int(row["people"]),
        created_at=row["created_at"],
    )


@router.get(
    "/reference-populations",
    summary="Reference populations, newest first (published census figures: any reader may "
    "use any)",
)
async def list_references(
    caller: EquityCaller,
    request: Request,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[EquityReferenceRead]:
    after = decode_cursor(cursor, AfterId)
    async with direct_connection(request.app.state.engine) as conn:
        rows = await conn.fetch(
            REFERENCE_SELECT + " WHERE ($1::bigint IS NULL OR p.id < $1) ORDER BY p.id DESC "
            "LIMIT $2",
            after.id if after else None,
            limit + 1,
        )
    return page_of(rows, limit, _reference_read)
