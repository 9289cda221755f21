"""Opaque cursors for keyset pagination: lists never use OFFSET.

A cursor is the position of a page's last item, as JSON in URL-safe base64. Each list
declares that position as a ``CursorPosition`` model; a cursor that does not decode to
exactly that model (another list's cursor, a forged one) is a 422 naming the parameter,
and the caller gets a typed position to compare with its columns.
"""

import base64
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from services.common.errors import FieldProblem, InvalidInput

T = TypeVar("T")
Position = TypeVar("Position", bound="CursorPosition")

NOT_A_CURSOR = "not a cursor this list issued"


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class CursorPosition(BaseModel):
    """Where a list's page ended. Subclasses name the ordering columns with the types and
    bounds of those columns (strings as ``PlainText``, integers within the column)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def encode_cursor(position: CursorPosition) -> str:
    raw = position.model_dump_json().encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(
    cursor: str | None, position: type[Position], *, field: str = "query.cursor"
) -> Position | None:
    """The position ``cursor`` stands for, or None for the first page."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        # JSON parsed and checked by the model in one step (strict about the JSON shape).
        return position.model_validate_json(raw)
    except ValueError as exc:  # not base64 or not ASCII; not JSON or not the model
        raise InvalidInput(
            "The cursor is not one this list issued; start again without it",
            errors=[FieldProblem(field=field, message=NOT_A_CURSOR)],
        ) from exc
