"""Hot paths: plain asyncpg on a pooled connection, and new rows written in one statement.

The ORM unit of work costs about a millisecond of CPU per request on our machines, more
than everything else a submit does. A route that only appends rows (recording a complete
assessment is one) takes a connection from the engine's pool and writes every new row with
``insert_rows``: a single statement, so Postgres runs it as one implicit transaction (all
rows or none) with no BEGIN/COMMIT round trips. ``insert_rows_from`` puts the check that
guards the writes (and the values they take from it) in the same statement, so the route
takes one round trip. Rows are the same SQLModel objects the ORM paths write.
"""

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from copy import deepcopy
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from typing import Any, TypeVar, cast

import asyncpg
import orjson
from sqlalchemy import JSON, Table
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.base import instance_state
from sqlmodel import SQLModel

from services.common.database import DatabaseUnreachable, connection_broke, connection_unsettled
from services.common.errors import Conflict, ProblemError

Row = TypeVar("Row", bound=SQLModel)


@asynccontextmanager
async def direct_connection(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """An asyncpg connection checked out of the engine's pool (so one pool and one limit
    serve both styles), returned to it afterwards. Use it outside any ORM transaction:
    each statement commits on its own."""
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        try:
            yield driver
        except ProblemError:
            raise  # our own answer (a 404, a 409), decided after the driver was done
        except BaseException as error:
            # SQLAlchemy sees none of this connection's statements: what its error handling
            # does on the ORM path (database._discard_broken_connection) is done here.
            broke = connection_broke(error, driver)
            if broke or connection_unsettled(error):
                driver.terminate()
                await connection.invalidate()  # the pool opens a new one in its place
            if broke and isinstance(error, Exception):  # a cancellation stays one
                raise DatabaseUnreachable() from error
            raise


def columns_of(model: type[SQLModel], alias: str, names: Sequence[str] | None = None) -> str:
    """A select list of ``model``'s columns (all, or those named) as ``<alias>__<column>``."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    chosen = [c.name for c in table.columns if names is None or c.name in names]
    return ", ".join(f'{alias}."{name}" AS "{alias}__{name}"' for name in chosen)


def detached(model: type[Row], **values: Any) -> Row:
    """A new row built without the ORM's attribute events (defaults applied, nothing
    validated), several times cheaper than ``model(...)`` or ``model_construct``: to write
    with ``insert_rows``. It cannot be changed afterwards nor added to a session."""
    for name, default in _defaults(model):
        if name not in values:
            values[name] = default()
    return _instance(model, values)


def row_from(model: type[Row], record: Mapping[str, Any], alias: str) -> Row:
    """The (detached) model object for the ``<alias>__*`` columns of a record read with
    ``columns_of``. Reading a column that was not selected raises
    ``DetachedInstanceError``, rather than passing for a NULL."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    prefix = f"{alias}__"
    # JSON arrives decoded: the engine's codec parses it (see database.make_engine).
    values = {c.key: record[prefix + c.name] for c in table.columns if prefix + c.name in record}
    row = _instance(model, values)
    unread = _column_keys(model) - values.keys()
    if unread:
        instance_state(row).expired_attributes.update(unread)
    return row


def _instance(model: type[Row], values: dict[str, Any]) -> Row:
    # What the ORM itself does when it loads a row: an instance with its ORM state, the
    # values written straight into its __dict__. (SQLModel's model_construct sets each
    # attribute through SQLAlchemy's instrumentation, about eight times slower.)
    row = cast(Row, model._sa_class_manager.new_instance())  # type: ignore[attr-defined]
    row.__dict__.update(values)
    object.__setattr__(row, "__pydantic_fields_set__", set(values))
    return row


@cache
def _defaults(model: type[SQLModel]) -> tuple[tuple[str, Callable[[], Any]], ...]:
    # Reading a column attribute needs configured mappers, which the ORM otherwise sets up
    # on its first query: a process whose first work is a detached row would fail.
    configure_mappers()
    # Factories are called here, not through pydantic, which inspects each factory's
    # signature on every call (more than the rest of building the row).
    defaults: list[tuple[str, Callable[[], Any]]] = []
    for name, field in model.model_fields.items():
        if field.default_factory is not None:
            defaults.append((name, cast(Callable[[], Any], field.default_factory)))
        elif not field.is_required():
            defaults.append((name, partial(deepcopy, field.default)))
    return tuple(defaults)


@cache
def _column_keys(model: type[SQLModel]) -> frozenset[str]:
    # As in _defaults: a worker whose first request reads a row this way (a submit) would
    # otherwise find the row's attributes unusable until some ORM query configured them.
    configure_mappers()
    table: Table = model.__table__  # type: ignore[attr-defined]
    return frozenset(c.key for c in table.columns)


@dataclass(frozen=True)
class _Column:
    key: str
    name: str
    json: bool
    filled_by_database: bool  # a serial key or a server default: left out when None


@cache
def _columns(table: Table) -> tuple[_Column, ...]:
    return tuple(
        _Column(
            c.key,
            c.name,
            isinstance(c.type, JSON),
            c.primary_key or c.server_default is not None,
        )
        for c in table.columns
    )


class FromSource(str):
    """A column value taken from the source query's row (``insert_from``): SQL text of our
    own over the source's columns (``src.team_id``), never anything a caller sent."""

    __slots__ = ()


# (table, ((column, expression or None for the next parameter), ...)) per row
_Shape = tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...]


def _shape(rows: Sequence[SQLModel], args: list[object]) -> _Shape:
    shape: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []
    for row in rows:
        table: Table = row.__table__  # type: ignore[attr-defined]
        columns: list[tuple[str, str | None]] = []
        # New rows hold every value in their __dict__; reading it directly skips the ORM's
        # attribute machinery (a tenth of building the statement).
        values = vars(row)
        for column in _columns(table):
            value = values.get(column.key)
            if value is None and column.filled_by_database:
                continue
            if isinstance(value, FromSource):
                columns.append((column.name, str(value)))
                continue
            # The engine's asyncpg codec takes JSON as text (and hands it back parsed).
            args.append(
                orjson.dumps(value).decode() if column.json and value is not None else value
            )
            columns.append((column.name, None))
        shape.append((table.name, tuple(columns)))
    return tuple(shape)


def insert_statement(rows: Sequence[SQLModel]) -> tuple[str, list[object]]:
    """One INSERT per row, chained as data-modifying CTEs into one statement. Foreign keys
    between the rows hold: Postgres checks them when the whole statement is done. Names
    come from our table metadata; every value is a bind parameter."""
    args: list[object] = []
    return _statement(_shape(rows, args)), args


def insert_from(
    source: str, source_args: Sequence[object], rows: Sequence[SQLModel], answer: str
) -> tuple[str, list[object]]:
    """Like ``insert_statement``, but every row is written only if the ``source`` query
    (our own SQL, at most one row, its parameters ``source_args`` numbered from $1) finds
    its row, and values marked ``FromSource`` come from that row. The statement answers
    ``SELECT {answer} FROM src``: no row means nothing was written. So a check and the
    writes it guards take one round trip and one implicit transaction."""
    args: list[object] = list(source_args)
    return _statement(_shape(rows, args), source, len(source_args), answer), args


@lru_cache(maxsize=256)
def _statement(
    shape: _Shape, source: str | None = None, numbered: int = 0, answer: str = ""
) -> str:
    parts: list[str] = []
    number = numbered
    for table, columns in shape:
        names = ", ".join(f'"{name}"' for name, _ in columns)
        values: list[str] = []
        for _, expression in columns:
            if expression is None:
                number += 1
                values.append(f"${number}")
            else:
                values.append(expression)
        listed = ", ".join(values)
        if source is None:
            parts.append(f'INSERT INTO "{table}" ({names}) VALUES ({listed})')  # noqa: S608
        else:
            parts.append(f'INSERT INTO "{table}" ({names}) SELECT {listed} FROM src')  # noqa: S608
    if source is not None:
        ctes = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(parts))
        return f"WITH src AS ({source}), {ctes} SELECT {answer} FROM src"  # noqa: S608
    *first, last = parts
    ctes = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(first))
    return f"WITH {ctes} {last}" if ctes else last


async def insert_rows(connection: asyncpg.Connection, rows: Sequence[SQLModel]) -> None:
    """Write new rows atomically in one round trip."""
    await _write(connection, *insert_statement(rows))


async def insert_rows_from(
    connection: asyncpg.Connection,
    source: str,
    source_args: Sequence[object],
    rows: Sequence[SQLModel],
    answer: str,
) -> asyncpg.Record | None:
    """``insert_from``, run: the source's answer, or None when it found nothing (and
    nothing was written)."""
    return await _write(connection, *insert_from(source, source_args, rows, answer))


async def _write(connection: asyncpg.Connection, sql: str, args: list[object]) -> Any:
    try:
        return await connection.fetchrow(sql, *args)
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise Conflict("The change conflicts with data stored meanwhile; try again") from exc
