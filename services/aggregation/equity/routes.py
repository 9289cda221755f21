"""Service equity analysis over HTTP: datasets and their imports (files or pushed rows)."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import Field

from services.aggregation.access.auth import scope_of
from services.aggregation.access.scope import ReaderScope
from services.aggregation.equity import access, imports
from services.aggregation.equity.records import HeaderProblem, RowProblem
from services.aggregation.equity.schemas import (
    ActivityRows,
    DatasetCreate,
    DatasetRead,
    ImportRead,
    RowRefusal,
)
from services.aggregation.equity.settings import equity_settings
from services.aggregation.statistics import suppress_count
from services.common.auth import Credentials, Principal, current_principal
from services.common.direct import direct_connection
from services.common.errors import (
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    ProblemError,
    problem_responses,
)
from services.common.input_rules import BIGINT_MAX
from services.common.pagination import CursorPosition, Page, decode_cursor, encode_cursor

router = APIRouter(
    prefix="/api/aggregation/equity",
    tags=["equity"],
    responses=problem_responses(401, 403, 422),
)

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DatasetId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]


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


class AfterId(CursorPosition):
    id: int = Field(ge=0, le=BIGINT_MAX)


DATASET_SELECT = """
SELECT d.id, d.unit_code, d.title, d.created_at,
       (SELECT count(*) FROM equity_activity a WHERE a.dataset_id = d.id) AS records,
       (SELECT min(referral_date) FROM equity_activity a WHERE a.dataset_id = d.id) AS first_referral,
       (SELECT max(referral_date) FROM equity_activity a WHERE a.dataset_id = d.id) AS last_referral
FROM equity_dataset d
"""


def _dataset_read(row: asyncpg.Record, caller: Caller) -> DatasetRead:
    return DatasetRead(
        id=row["id"],
        unit_code=row["unit_code"],
        title=row["title"],
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


def _writable(caller: Caller, row: asyncpg.Record) -> None:
    if not access.may_write(caller.principal, caller.scope, row["unit_code"]):
        raise Forbidden(
            "Only the team's lead, or an analyst or administrator of the providing "
            "organisation, may import activity data or change the action plan"
        )


@router.post(
    "/datasets",
    status_code=201,
    summary="A new activity dataset of a team or organisation",
    responses=problem_responses(403, 422),
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
    async with direct_connection(request.app.state.engine) as conn:
        new_id = await conn.fetchval(
            "INSERT INTO equity_dataset (unit_code, title, created_by, created_at) "
            "VALUES ($1, $2, $3, $4) RETURNING id",
            body.unit_code,
            body.title,
            caller.principal.subject,
            datetime.now(UTC),
        )
        row = await conn.fetchrow(DATASET_SELECT + " WHERE d.id = $1", new_id)
    return _dataset_read(row, caller)


@router.get("/datasets", summary="Activity datasets you may read, newest first")
async def list_datasets(
    caller: EquityCaller,
    request: Request,
    unit: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9\-]+$")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[DatasetRead]:
    after = decode_cursor(cursor, AfterId)
    readable = sorted({caller.scope.organisation_code} | set(caller.scope.unit_codes)) + list(
        caller.scope.team_codes
    )
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
        _dataset_read(r, caller)
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
        return _dataset_read(await readable_dataset(conn, caller, dataset_id), caller)


def _import_read(row: asyncpg.Record) -> ImportRead:
    problems = row["problems"]
    if isinstance(problems, str):
        import json

        problems = json.loads(problems)
    return ImportRead(
        id=row["id"],
        dataset_id=row["dataset_id"],
        source=row["source"],
        status=row["status"],
        rows_read=row["rows_read"],
        rows_imported=row["rows_imported"],
        rows_rejected=row["rows_rejected"],
        problems=[RowRefusal(**p) for p in problems],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _refusal(
    problems: list[RowProblem] | list[HeaderProblem], rejected: int, import_id: int, json_rows: bool
) -> InvalidInput:
    errors: list[FieldProblem] = []
    for p in problems[: imports.PROBLEMS_KEPT]:
        if isinstance(p, HeaderProblem):
            errors.append(FieldProblem(field=f"header.{p.column}", message=p.message))
        elif json_rows:
            errors.append(
                FieldProblem(field=f"body.rows[{p.row - 2}].{p.column}", message=p.message)
            )
        else:
            errors.append(FieldProblem(field=f"row[{p.row}].{p.column}", message=p.message))
    if problems and isinstance(problems[0], HeaderProblem):
        detail = "The header is not that of an activity file; nothing was imported"
    else:
        detail = (
            f"{rejected} row{'s' if rejected != 1 else ''} refused; nothing was imported "
            f"(import {import_id}; the first {imports.PROBLEMS_KEPT} problems are listed)"
        )
    return InvalidInput(detail, errors=errors)


async def _import(
    request: Request,
    caller: Caller,
    dataset_id: int,
    source: str,
    rows_of: Any,
    json_rows: bool = False,
) -> ImportRead:
    engine = request.app.state.engine
    settings = equity_settings()
    key = settings.equity_pseudonym_key
    async with direct_connection(engine) as conn:
        _writable(caller, await readable_dataset(conn, caller, dataset_id))
        import_id = await imports.start_import(conn, dataset_id, source, caller.principal.subject)
    outcome = imports.Outcome(import_id)
    try:
        result = await imports.run_import(
            engine,
            rows_of(),
            dataset_id=dataset_id,
            import_id=import_id,
            may_pseudonymise=key is not None,
            key=key.get_secret_value().encode() if key is not None else None,
        )
    except imports.FileUnreadable as exc:
        await imports.finish_refused(engine, outcome, [HeaderProblem("file", str(exc))])
        raise InvalidInput(
            str(exc), errors=[FieldProblem(field="body", message=str(exc))]
        ) from None
    except BaseException:
        async with direct_connection(engine) as conn:
            await conn.execute(
                "UPDATE equity_import SET status = 'failed', finished_at = now() WHERE id = $1",
                import_id,
            )
        raise
    if isinstance(result, list):
        await imports.finish_refused(engine, outcome, result)
        raise _refusal(result, 0, import_id, json_rows)
    if result.status == "rejected":
        raise _refusal(result.problems, result.rows_rejected, import_id, json_rows)
    async with direct_connection(engine) as conn:
        row = await conn.fetchrow("SELECT * FROM equity_import WHERE id = $1", import_id)
    return _import_read(row)


FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The activity file: CSV (UTF-8, header row first) or an XLSX workbook "
        "(its first sheet). Columns: docs/equity.md.",
        "content": {
            CSV_TYPE: {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/datasets/{dataset_id}/files",
    status_code=201,
    summary="Import an activity file (CSV or XLSX): every row or none",
    openapi_extra=FILE_BODY,
    responses=problem_responses(404, 413, 415),
)
async def import_file(
    caller: EquityCaller,
    dataset_id: DatasetId,
    request: Request,
    content_type: Annotated[str, Header(max_length=200)] = "",
) -> ImportRead:
    media = content_type.split(";")[0].strip().lower()
    if media not in (CSV_TYPE, XLSX_TYPE):
        raise UnsupportedType(f"Send the file as {CSV_TYPE} or {XLSX_TYPE}")
    async with direct_connection(request.app.state.engine) as conn:
        _writable(caller, await readable_dataset(conn, caller, dataset_id))
    try:
        file = await imports.spool(request.stream(), equity_settings().equity_upload_max_bytes)
    except OverflowError:
        raise PayloadTooLarge("The file is larger than this service accepts") from None
    try:
        if media == CSV_TYPE:
            return await _import(request, caller, dataset_id, "csv", lambda: imports.csv_rows(file))
        return await _import_xlsx(request, caller, dataset_id, file)
    finally:
        file.close()


async def _import_xlsx(
    request: Request, caller: Caller, dataset_id: int, file: IO[bytes]
) -> ImportRead:
    import shutil
    import tempfile
    from pathlib import Path as FilePath

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as disk:
        await asyncio.to_thread(shutil.copyfileobj, file, disk)
        disk.flush()
        return await _import(
            request, caller, dataset_id, "xlsx", lambda: imports.xlsx_rows(FilePath(disk.name))
        )


@router.post(
    "/datasets/{dataset_id}/rows",
    status_code=201,
    summary="Push activity rows (up to 10,000 at once): every row or none",
    responses=problem_responses(404),
)
async def push_rows(
    caller: EquityCaller, dataset_id: DatasetId, body: ActivityRows, request: Request
) -> ImportRead:
    return await _import(
        request, caller, dataset_id, "json", lambda: imports.json_rows(body.rows), json_rows=True
    )


@router.get(
    "/datasets/{dataset_id}/imports/{import_id}",
    summary="One import: its progress while it reads, then what was imported or refused",
    responses=problem_responses(404),
)
async def get_import(
    caller: EquityCaller,
    dataset_id: DatasetId,
    import_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)],
    request: Request,
) -> ImportRead:
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        row = await conn.fetchrow(
            "SELECT * FROM equity_import WHERE id = $1 AND dataset_id = $2", import_id, dataset_id
        )
    # Imports (row numbers and why rows were refused) are for those who import.
    if row is None or not access.may_write(caller.principal, caller.scope, dataset["unit_code"]):
        raise NotFound("No such import of this dataset")
    return _import_read(row)
