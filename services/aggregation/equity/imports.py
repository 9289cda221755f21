"""Importing an activity file or pushed rows: whole or not at all, in constant memory.

The upload is spooled to a temporary file (memory up to 1 MiB, then disk), then read in
batches in a worker thread: each batch is checked row by row (``records.check_row``) and
written as CSV into a staging table with COPY, all inside one transaction. After the last
row the staging table's rows move to ``equity_activity`` and the import is recorded as
``imported``; one refused row anywhere rolls everything back, and every refused row is
reported (row numbers as a spreadsheet shows them: the header is row 1). A row's LSOA code
without a decile is looked up as it is checked (``imd.DecileFinder``); rows whose IMD
vintage the file's codes decide get their deciles once the last row is read. Progress
(``rows_read``, ``rows_rejected``) is written to the import's record between batches on a
separate connection, so ``GET .../imports`` shows it while the file is read; the record is
made before the upload is received, under the key its client chose (decision 0050).
"""

import asyncio
import contextlib
import csv
import io
import json
import tempfile
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from services.aggregation.equity import imd_lookup
from services.aggregation.equity.header import STORED_COLUMNS, HeaderProblem, Layout, read_header
from services.aggregation.equity.imd import DecileFinder
from services.aggregation.equity.records import RowProblem, check_row
from services.common.direct import direct_connection

BATCH_ROWS = 10_000
PROBLEMS_KEPT = 100
MAX_ROWS = 2_000_000
SPOOL_MEMORY = 1 << 20
COPY_COLUMNS = ("dataset_id", "import_id", "row_no", *STORED_COLUMNS)
Rows = Generator[list[str], None, None]  # a file's rows, closed when the import stops early


class FileUnreadable(ValueError):
    """The file is not CSV or XLSX as it claims (the message says how)."""


@dataclass
class Outcome:
    import_id: int
    status: str = "reading"
    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)


async def spool(chunks: AsyncIterator[bytes], limit: int) -> IO[bytes]:
    """The request body in a temporary file (constant memory); ``OverflowError`` past
    ``limit`` bytes."""
    file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            file.close()
            raise OverflowError
        file.write(chunk)
    file.seek(0)
    return file


def csv_rows(file: IO[bytes]) -> Rows:
    text = io.TextIOWrapper(file, encoding="utf-8-sig", errors="strict", newline="")
    try:
        sample = text.read(4096)
        text.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        yield from csv.reader(text, delimiter=delimiter, strict=True)
    except UnicodeDecodeError:
        raise FileUnreadable("The file is not UTF-8 text; save it as CSV UTF-8") from None
    except csv.Error as exc:
        raise FileUnreadable(f"The file is not valid CSV ({exc})") from None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def xlsx_rows(path: Path) -> Rows:
    """The first worksheet's rows as text (dates as ISO dates, whole numbers without .0)."""
    from python_calamine import CalamineError, load_workbook

    try:
        workbook = load_workbook(str(path))
        sheet = workbook.get_sheet_by_index(0)
        for row in sheet.iter_rows():
            yield [_cell(v) for v in row]
    except (CalamineError, ValueError, OSError) as exc:
        raise FileUnreadable("The file is not a readable XLSX workbook") from exc


def json_rows(rows: Sequence[dict[str, Any]]) -> Rows:
    """Pushed rows as a file: a header of every key used, then each row's cells."""
    headers = sorted({k for r in rows for k in r})
    yield headers
    for r in rows:
        yield [_cell(r.get(h)) for h in headers]


def _tags(value: list[str]) -> str:
    return "{" + ",".join(value) + "}"


# How each stored type is written for COPY (CSV: an empty unquoted field is NULL).
_RENDER: dict[type, Callable[[Any], str | None]] = {
    str: str,
    int: str,
    float: repr,
    bool: lambda v: "t" if v else "f",
    date: date.isoformat,
    list: _tags,
    type(None): lambda _v: None,
}


def _copy_value(value: object) -> str | None:
    return _RENDER[type(value)](value)


class _Lines(list[str]):
    """A batch's CSV text as a list of pieces, joined once (a growing StringIO reallocates
    its buffer again and again, which fragments the heap of a long import)."""

    def write(self, text: str) -> None:
        self.append(text)


@dataclass
class Batch:
    csv: bytes
    rows: int
    problems: list[RowProblem]
    rejected: int
    done: bool


class Checker:
    """Reads rows from ``source`` in batches, each checked and written as COPY CSV."""

    def __init__(
        self,
        source: Iterator[list[str]],
        layout: Layout,
        key: bytes | None,
        dataset_id: int,
        import_id: int,
        first_row: int,
        finder: DecileFinder | None = None,
    ) -> None:
        self.source = source
        self.finder = finder
        self.layout = layout
        self.key = key
        self.prefix = f"{dataset_id},{import_id},"
        self.row = first_row - 1
        self.clean = True

    def next_batch(self) -> Batch:
        out = _Lines()
        writer = csv.writer(out, lineterminator="\n")
        problems: list[RowProblem] = []
        rejected = rows = 0
        done = False
        for cells in self.source:
            self.row += 1
            if not any(c.strip() for c in cells):
                continue  # a blank line (Excel leaves them at the end) is no record
            rows += 1
            checked = check_row(self.layout, cells, self.row, self.key)
            if self.finder is not None and isinstance(checked, dict):
                unknown = self.finder.find(checked, self.row)
                checked = checked if unknown is None else [unknown]
            if isinstance(checked, list):
                rejected += 1
                problems.extend(checked)
                self.clean = False
            elif self.clean:
                out.append(self.prefix + str(self.row) + ",")
                writer.writerow(
                    [
                        v if type(v) is str else _RENDER[type(v)](v)
                        for v in map(checked.__getitem__, STORED_COLUMNS)
                    ]
                )
            if rows >= BATCH_ROWS:
                break
        else:
            done = True
        return Batch("".join(out).encode(), rows, problems, rejected, done)


class ImportKeyUsed(Exception):
    """The client's import key was already used on this dataset (by ``import_id``)."""

    def __init__(self, import_id: int) -> None:
        super().__init__(import_id)
        self.import_id = import_id


async def start_import(
    conn: asyncpg.Connection,
    dataset_id: int,
    source: str,
    started_by: str,
    import_key: UUID | None = None,
) -> int:
    """The new import's id; ``ImportKeyUsed`` when the dataset has an import with this key
    (a retried upload is refused, never imported twice)."""
    found = await conn.fetchval(
        "INSERT INTO equity_import (dataset_id, source, status, started_by, started_at, "
        "import_key) VALUES ($1, $2, 'reading', $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
        dataset_id,
        source,
        started_by,
        datetime.now(UTC),
        import_key,
    )
    if found is None:
        used = await conn.fetchval(
            "SELECT id FROM equity_import WHERE dataset_id = $1 AND import_key = $2",
            dataset_id,
            import_key,
        )
        raise ImportKeyUsed(int(used))
    return int(found)


async def finish_failed(engine: AsyncEngine, import_id: int) -> None:
    """An import stopped by something other than its rows (the upload broke off, too large,
    the database went): recorded as failed, so no one waits for it."""
    async with direct_connection(engine) as conn:
        await conn.execute(
            "UPDATE equity_import SET status = 'failed', finished_at = $2 WHERE id = $1",
            import_id,
            datetime.now(UTC),
        )


def _problems_json(problems: Sequence[RowProblem]) -> str:
    return json.dumps([{"row": p.row, "column": p.column, "message": p.message} for p in problems])


async def finish_refused(
    engine: AsyncEngine, outcome: Outcome, header: Sequence[HeaderProblem] = ()
) -> None:
    problems = [RowProblem(1, h.column, h.message) for h in header] or outcome.problems
    outcome.status = "rejected"
    async with direct_connection(engine) as conn:
        await conn.execute(
            "UPDATE equity_import SET status = 'rejected', rows_read = $2, rows_imported = 0, "
            "rows_rejected = $3, problems = $4::jsonb, finished_at = $5 WHERE id = $1",
            outcome.import_id,
            outcome.rows_read,
            outcome.rows_rejected,
            _problems_json(problems[:PROBLEMS_KEPT]),
            datetime.now(UTC),
        )


async def _pieces(data: bytes, size: int = 1 << 16) -> AsyncIterator[bytes]:
    """A batch for COPY in slices (a file-like source is read through the default thread
    pool, a thread and a buffer for each read)."""
    view = memoryview(data)
    for start in range(0, len(view), size):
        yield bytes(view[start : start + size])


async def _take(conn: asyncpg.Connection, checker: Checker, batch: Batch, outcome: Outcome) -> bool:
    """Count a batch and copy it to the staging table; False when the file is too long."""
    outcome.rows_read += batch.rows
    outcome.rows_rejected += batch.rejected
    room = max(PROBLEMS_KEPT - len(outcome.problems), 0)
    outcome.problems.extend(batch.problems[:room])
    if checker.clean and batch.csv:
        await conn.copy_to_table(
            "equity_staging", source=_pieces(batch.csv), columns=list(COPY_COLUMNS), format="csv"
        )
    if outcome.rows_read > MAX_ROWS:
        outcome.problems.append(
            RowProblem(checker.row, "*", f"the file has more than {MAX_ROWS} rows")
        )
        outcome.rows_rejected += 1
        return False
    return True


async def run_import(
    engine: AsyncEngine,
    rows: Iterator[list[str]],
    *,
    dataset_id: int,
    import_id: int,
    may_pseudonymise: bool,
    key: bytes | None,
    imd_vintage: str | None = None,
) -> Outcome | list[HeaderProblem]:
    """Import every row or none. Header problems come back as a list (nothing read).
    ``imd_vintage``: the dataset's, for rows giving an LSOA code and no decile."""
    outcome = Outcome(import_id)
    header = await asyncio.to_thread(next, rows, None)
    if header is None:
        return [HeaderProblem("file", "is empty: it needs a header row and at least one row")]
    while header and not header[-1].strip():
        header.pop()  # spreadsheets pad the header row with empty cells
    layout = read_header(header, may_pseudonymise=may_pseudonymise)
    if isinstance(layout, list):
        return layout
    # Progress goes on a second connection, taken only for a file of more than one batch.
    async with direct_connection(engine) as conn, contextlib.AsyncExitStack() as later:
        finder = None
        if "lsoa" in layout.columns:
            finder = DecileFinder(await imd_lookup.deciles(conn), imd_vintage)
        checker = Checker(rows, layout, key, dataset_id, import_id, first_row=2, finder=finder)
        progress: asyncpg.Connection | None = None
        transaction = conn.transaction()
        await transaction.start()
        try:
            await conn.execute(
                "CREATE TEMP TABLE equity_staging (LIKE equity_activity) ON COMMIT DROP"
            )
            # The next batch is read and checked (in a thread) while this one is copied.
            pending: asyncio.Future[Batch] | None = asyncio.ensure_future(
                asyncio.to_thread(checker.next_batch)
            )
            try:
                while pending is not None:
                    batch = await pending
                    pending = (
                        None
                        if batch.done
                        else asyncio.ensure_future(asyncio.to_thread(checker.next_batch))
                    )
                    if not await _take(conn, checker, batch, outcome):
                        break
                    if pending is not None:
                        if progress is None:
                            progress = await later.enter_async_context(direct_connection(engine))
                        assert progress is not None
                        await progress.execute(
                            "UPDATE equity_import SET rows_read = $2, rows_rejected = $3 "
                            "WHERE id = $1",
                            import_id,
                            outcome.rows_read,
                            outcome.rows_rejected,
                        )
            finally:
                if pending is not None:  # stopped early: let the reading thread finish
                    with contextlib.suppress(Exception):
                        await pending
            if outcome.rows_read == 0:
                outcome.problems.append(RowProblem(2, "*", "the file has no rows under its header"))
            elif (
                finder is not None
                and not outcome.problems
                and not await imd_lookup.give_deciles(conn, finder)
            ):
                outcome.rows_rejected = finder.pending
                outcome.problems.append(RowProblem(1, "lsoa", imd_lookup.RELOADED))
            if outcome.problems:
                await transaction.rollback()
                await finish_refused(engine, outcome)
                return outcome
            await conn.execute("INSERT INTO equity_activity SELECT * FROM equity_staging")
            await conn.execute(
                "UPDATE equity_import SET status = 'imported', rows_read = $2, "
                "rows_imported = $2, finished_at = $3 WHERE id = $1",
                import_id,
                outcome.rows_read,
                datetime.now(UTC),
            )
            await transaction.commit()
        except BaseException:
            await transaction.rollback()
            raise
    outcome.status = "imported"
    outcome.rows_imported = outcome.rows_read
    return outcome
