"""Importing activity data over HTTP: a file (CSV or XLSX) or pushed rows, every row or
none (``equity.imports``), and an import's progress and refusals."""

import asyncio
import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path as FilePath
from typing import IO, Annotated, Any

import asyncpg
from fastapi import Header, Path, Request

from services.aggregation.equity import access, imports
from services.aggregation.equity.header import HeaderProblem
from services.aggregation.equity.records import RowProblem
from services.aggregation.equity.routes.caller import (
    CSV_TYPE,
    Caller,
    DatasetId,
    EquityCaller,
    UnsupportedType,
    equity_router,
    readable_dataset,
    writable,
)
from services.aggregation.equity.schemas import ActivityRows, ImportRead, RowRefusal
from services.aggregation.equity.settings import equity_settings
from services.common.direct import direct_connection
from services.common.errors import (
    FieldProblem,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    problem_responses,
)
from services.common.input_rules import BIGINT_MAX

router = equity_router()

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import_read(row: asyncpg.Record) -> ImportRead:
    problems = row["problems"]
    if isinstance(problems, str):
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


def field_problems(
    problems: Sequence[RowProblem] | Sequence[HeaderProblem], json_rows: bool = False
) -> list[FieldProblem]:
    """The first problems of a file as fields: ``header.<column>``, ``row[N].<column>`` (the
    row as a spreadsheet shows it) or, for pushed rows, ``body.rows[i].<column>``."""
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
    return errors


def unreadable(exc: imports.FileUnreadable) -> InvalidInput:
    return InvalidInput(str(exc), errors=[FieldProblem(field="body", message=str(exc))])


def _refusal(
    problems: list[RowProblem] | list[HeaderProblem], rejected: int, import_id: int, json_rows: bool
) -> InvalidInput:
    if problems and isinstance(problems[0], HeaderProblem):
        detail = "The header is not that of an activity file; nothing was imported"
    else:
        detail = (
            f"{rejected} row{'s' if rejected != 1 else ''} refused; nothing was imported "
            f"(import {import_id}; the first {imports.PROBLEMS_KEPT} problems are listed)"
        )
    return InvalidInput(detail, errors=field_problems(problems, json_rows))


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
        dataset = await readable_dataset(conn, caller, dataset_id)
        writable(caller, dataset)
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
            imd_vintage=dataset["imd_vintage"],
        )
    except imports.FileUnreadable as exc:
        await imports.finish_refused(engine, outcome, [HeaderProblem("file", str(exc))])
        raise unreadable(exc) from None
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
        writable(caller, await readable_dataset(conn, caller, dataset_id))
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
    responses=problem_responses(400, 404),
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
