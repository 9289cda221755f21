"""Opaque cursors for keyset pagination: lists never use OFFSET."""

import base64
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from services.common.errors import FieldProblem, InvalidInput

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, field: str = "cursor") -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "The cursor is not one this service issued",
            errors=[FieldProblem(field=field, message="unrecognised cursor")],
        ) from exc
    if not isinstance(value, dict):
        raise InvalidInput(errors=[FieldProblem(field=field, message="unrecognised cursor")])
    return value
