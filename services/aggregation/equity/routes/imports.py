"""Importing activity data over HTTP: a file (CSV or XLSX) or pushed rows, every row or
none (``equity.imports``), and the imports' progress and refusals. An upload sent with an
``import_key`` (a UUID its client chose) is found by it while it is read (decision 0050)."""

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path as FilePath
from typing import IO, Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import Header, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from services.aggregation.equity import access, imports
from services.aggregation.equity.header import HeaderProblem
from services.aggregation.equity.records import RowProblem
from services.aggregation.equity.routes.caller import (
    CSV_TYPE,
    AfterId,
    Caller,
    Cursor,
    DatasetId,
    EquityCaller,
    UnsupportedType,
    equity_router,
    page_of,
    readable_dataset,
    writable,
)
from services.aggregation.equity.schemas import (
    ActivityRows,
    ImportRead,
    ImportStatus,
    RowRefusal,
)
from services.aggregation.equity.settings import equity_settings
from services.common.direct import direct_connection
from services.common.errors import (
    Conflict,
    FieldProblem,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    problem_responses,
)
from services.common.input_rules import BIGINT_MAX
from services.common.pagination import Page, decode_cursor

router = equity_router()

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEY_USED = "was used for an import of this dataset already"
ImportKey = Annotated[
    UUID | None,
    Query(
        description="A UUID the client chooses for this upload (e.g. crypto.randomUUID()): "
        "GET .../imports?import_key= then shows the import's progress while the upload is "
        "sent and read. A key already used on this dataset is refused (409), so a retried "
        "upload is never imported twice."
    ),
]


def _import_read(row: asyncpg.Record) -> ImportRead:
    problems = row["problems"]
    if isinstance(problems, str):
        problems = json.loads(problems)
    return ImportRead(
        id=row["id"],
        dataset_id=row["dataset_id"],
        import_key=row["import_key"],
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


async def _begin(
    engine: AsyncEngine, caller: Caller, dataset_id: int, source: str, import_key: UUID | None
) -> tuple[asyncpg.Record, int]:
    """The dataset (which the caller must be able to write) and its new import's id, made
    before the body is read so that its client can follow it by its key from the start."""
    async with direct_connection(engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        writable(caller, dataset)
        try:
            import_id = await imports.start_import(
                conn, dataset_id, source, caller.principal.subject, import_key
            )
        except imports.ImportKeyUsed as used:
            raise Conflict(
                f"This dataset already has an import with this key (import {used.import_id}); "
                "nothing was imported again. Choose a new key for a new upload",
                errors=[FieldProblem(field="query.import_key", message=KEY_USED)],
            ) from None
    return dataset, import_id


async def _run(
    engine: AsyncEngine,
    dataset: asyncpg.Record,
    import_id: int,
    rows_of: Callable[[], imports.Rows],
    json_rows: bool = False,
) -> ImportRead:
    key = equity_settings().equity_pseudonym_key
    outcome = imports.Outcome(import_id)
    rows = rows_of()
    try:
        result = await imports.run_import(
            engine,
            rows,
            dataset_id=dataset["id"],
            import_id=import_id,
            may_pseudonymise=key is not None,
            key=key.get_secret_value().encode() if key is not None else None,
            imd_vintage=dataset["imd_vintage"],
        )
    except imports.FileUnreadable as exc:
        await imports.finish_refused(engine, outcome, [HeaderProblem("file", str(exc))])
        raise unreadable(exc) from None
    except BaseException:
        await imports.finish_failed(engine, import_id)
        raise
    finally:
        with contextlib.suppress(ValueError):  # a reading thread still inside: it ends alone
            rows.close()
    if isinstance(result, list):
        await imports.finish_refused(engine, outcome, result)
        raise _refusal(result, 0, import_id, json_rows)
    if result.status == "rejected":
        raise _refusal(result.problems, result.rows_rejected, import_id, json_rows)
    async with direct_connection(engine) as conn:
        row = await conn.fetchrow("SELECT * FROM equity_import WHERE id = $1", import_id)
    return _import_read(row)


def _xlsx_rows(file: IO[bytes]) -> imports.Rows:
    """The workbook's rows: calamine reads a file on disk, so the spooled upload is copied
    there first (in the reading thread, like the rows)."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as disk:
        shutil.copyfileobj(file, disk)
        disk.flush()
        yield from imports.xlsx_rows(FilePath(disk.name))


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
    responses=problem_responses(404, 409, 413, 415),
)
async def import_file(
    caller: EquityCaller,
    dataset_id: DatasetId,
    request: Request,
    import_key: ImportKey = None,
    content_type: Annotated[str, Header(max_length=200)] = "",
) -> ImportRead:
    media = content_type.split(";")[0].strip().lower()
    if media not in (CSV_TYPE, XLSX_TYPE):
        raise UnsupportedType(f"Send the file as {CSV_TYPE} or {XLSX_TYPE}")
    engine = request.app.state.engine
    source = "csv" if media == CSV_TYPE else "xlsx"
    dataset, import_id = await _begin(engine, caller, dataset_id, source, import_key)
    try:
        file = await imports.spool(request.stream(), equity_settings().equity_upload_max_bytes)
    except BaseException as exc:  # too large, or the upload broke off: no one waits for it
        await imports.finish_failed(engine, import_id)
        if isinstance(exc, OverflowError):
            raise PayloadTooLarge("The file is larger than this service accepts") from None
        raise
    try:
        if source == "csv":
            return await _run(engine, dataset, import_id, lambda: imports.csv_rows(file))
        return await _run(engine, dataset, import_id, lambda: _xlsx_rows(file))
    finally:
        file.close()


@router.post(
    "/datasets/{dataset_id}/rows",
    status_code=201,
    summary="Push activity rows (up to 10,000 at once): every row or none",
    responses=problem_responses(400, 404, 409),
)
async def push_rows(
    caller: EquityCaller,
    dataset_id: DatasetId,
    body: ActivityRows,
    request: Request,
    import_key: ImportKey = None,
) -> ImportRead:
    engine = request.app.state.engine
    dataset, import_id = await _begin(engine, caller, dataset_id, "json", import_key)
    return await _run(
        engine, dataset, import_id, lambda: imports.json_rows(body.rows), json_rows=True
    )


@router.get(
    "/datasets/{dataset_id}/imports",
    summary="The dataset's imports, newest first: the one sent with an import key (to follow "
    "it while it is read), or those still reading",
    responses=problem_responses(404),
)
async def list_imports(
    caller: EquityCaller,
    dataset_id: DatasetId,
    request: Request,
    import_key: Annotated[
        UUID | None, Query(description="The key the upload was sent with")
    ] = None,
    status: ImportStatus | None = None,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[ImportRead]:
    after = decode_cursor(cursor, AfterId)
    async with direct_connection(request.app.state.engine) as conn:
        # Imports (row numbers and why rows were refused) are for those who import.
        writable(caller, await readable_dataset(conn, caller, dataset_id))
        rows = await conn.fetch(
            "SELECT * FROM equity_import WHERE dataset_id = $1 AND ($2::uuid IS NULL OR "
            "import_key = $2) AND ($3::text IS NULL OR status = $3) AND ($4::bigint IS NULL OR "
            "id < $4) ORDER BY id DESC LIMIT $5",
            dataset_id,
            import_key,
            status,
            after.id if after else None,
            limit + 1,
        )
    return page_of(rows, limit, _import_read)


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
