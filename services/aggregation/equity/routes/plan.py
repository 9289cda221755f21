"""The service's health-inequalities action plan over HTTP: steps with structured fields
only, no notes (decision 0033)."""

from datetime import UTC, datetime
from typing import Annotated

import asyncpg
from fastapi import Path, Query, Request

from services.aggregation.equity.routes.caller import (
    AfterId,
    Cursor,
    DatasetId,
    EquityCaller,
    equity_router,
    page_of,
    readable_dataset,
    writable,
)
from services.aggregation.equity.schemas import EquityStepRead, EquityStepWrite
from services.common.direct import direct_connection
from services.common.errors import FieldProblem, InvalidInput, NotFound, problem_responses
from services.common.input_rules import BIGINT_MAX
from services.common.pagination import Page, decode_cursor

router = equity_router()

STEP_COLUMNS = (
    "stage", "action", "owner_role", "starts_on", "due_on", "status", "analysis", "breakdown",
    "category",
)  # fmt: skip


INSERT_STEP = (
    "INSERT INTO equity_action_step (unit_code, dataset_id, "  # noqa: S608 - our columns
    + ", ".join(STEP_COLUMNS)
    + ", created_by, created_at, updated_at) VALUES ($1, $2, "
    + ", ".join(f"${i + 3}" for i in range(len(STEP_COLUMNS) + 2))
    + f", ${len(STEP_COLUMNS) + 4}) RETURNING *"
)
UPDATE_STEP = (
    "UPDATE equity_action_step SET "  # noqa: S608 - our columns
    + ", ".join(f"{k} = ${i + 3}" for i, k in enumerate(STEP_COLUMNS))
    + f", updated_at = ${len(STEP_COLUMNS) + 3} WHERE id = $1 AND dataset_id = $2 RETURNING *"
)


def _step_read(row: asyncpg.Record) -> EquityStepRead:
    return EquityStepRead(
        **{k: row[k] for k in (*STEP_COLUMNS, "id", "dataset_id", "created_at", "updated_at")}
    )


def _check_step(body: EquityStepWrite) -> None:
    if body.starts_on and body.due_on and body.due_on < body.starts_on:
        raise InvalidInput(
            "The step is due before it starts",
            errors=[FieldProblem(field="body.due_on", message="is before starts_on")],
        )


@router.get(
    "/datasets/{dataset_id}/steps",
    summary="The service's health-inequalities action plan, step by step (oldest first)",
    responses=problem_responses(404),
)
async def list_steps(
    caller: EquityCaller,
    dataset_id: DatasetId,
    request: Request,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[EquityStepRead]:
    after = decode_cursor(cursor, AfterId)
    async with direct_connection(request.app.state.engine) as conn:
        await readable_dataset(conn, caller, dataset_id)
        rows = await conn.fetch(
            "SELECT * FROM equity_action_step WHERE dataset_id = $1 AND id > $2 ORDER BY id "
            "LIMIT $3",
            dataset_id,
            after.id if after else 0,
            limit + 1,
        )
    return page_of(rows, limit, _step_read)


@router.post(
    "/datasets/{dataset_id}/steps",
    status_code=201,
    summary="Add a step to the action plan (structured fields only: decision 0033)",
    responses=problem_responses(400, 404),
)
async def create_step(
    caller: EquityCaller, dataset_id: DatasetId, body: EquityStepWrite, request: Request
) -> EquityStepRead:
    _check_step(body)
    now = datetime.now(UTC)
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        writable(caller, dataset)
        row = await conn.fetchrow(
            INSERT_STEP,
            dataset["unit_code"],
            dataset_id,
            *[getattr(body, k) for k in STEP_COLUMNS],
            caller.principal.subject,
            now,
        )
    return _step_read(row)


@router.put(
    "/datasets/{dataset_id}/steps/{step_id}",
    summary="Change a step of the action plan (its status, dates, owner)",
    responses=problem_responses(400, 404),
)
async def update_step(
    caller: EquityCaller,
    dataset_id: DatasetId,
    step_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)],
    body: EquityStepWrite,
    request: Request,
) -> EquityStepRead:
    _check_step(body)
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        writable(caller, dataset)
        row = await conn.fetchrow(
            UPDATE_STEP,
            step_id,
            dataset_id,
            *[getattr(body, k) for k in STEP_COLUMNS],
            datetime.now(UTC),
        )
    if row is None:
        raise NotFound("No such step in this dataset's action plan")
    return _step_read(row)
