"""What a value arriving in a request may hold, stated once for every service.

- Text never holds C0 control characters (U+0000-U+001F, NUL among them) or lone UTF-16
  surrogates: Postgres cannot store NUL in text, no UTF-8 encoder accepts a lone
  surrogate, and none of them belongs in a name, a code or an identifier. Free text
  (``FreeText``: assessment notes, reasons) may also hold tab, CR and LF, and nothing
  else of the set.
- Integers fit the column they are compared with or stored in (``INTEGER_MAX``,
  ``BIGINT_MAX``, ``whole_number``). A number in a JSON or YAML document is finite and an
  integer in it fits 64 bits, as JSON columns and their serialiser need
  (``number_problem``).
- A moment in time (``Instant``) can be expressed in UTC, as the database driver does
  with it (0001-01-01T00:00+01:00 is in the year 0 in UTC).

``services.common.request_text`` applies the rules to every string and number a request
carries (``refused_values`` walks a parsed document); pydantic models that read text from
elsewhere (cursors) use ``PlainText``.
"""

import math
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Final, TypeVar

from pydantic import AfterValidator

__all__ = [
    "BIGINT_MAX",
    "FREE_TEXT",
    "INTEGER_MAX",
    "FreeText",
    "Instant",
    "PlainText",
    "number_problem",
    "refused_values",
    "text_problem",
    "utc_instant",
    "whole_number",
]


class _FreeTextMarker:
    """Annotation metadata saying that a string is free text (see ``FreeText``)."""

    def __repr__(self) -> str:
        return "FREE_TEXT"


FREE_TEXT: Final = _FreeTextMarker()

_SURROGATES = "\ud800-\udfff"
_NOT_IN_TEXT = re.compile(f"[\x00-\x1f{_SURROGATES}]")
_NOT_IN_FREE_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_SURROGATES}]")

NOT_IN_TEXT_MESSAGE = "must not contain control characters (NUL, tab, line breaks and the like)"
NOT_IN_FREE_TEXT_MESSAGE = (
    "must not contain control characters other than tab and line breaks (such as NUL)"
)


def text_problem(value: str, *, free_text: bool = False) -> str | None:
    """Why ``value`` may not be accepted as (free) text, or None when it may.

    The message never quotes the value: it ends up in responses and may be logged."""
    if free_text:
        return NOT_IN_FREE_TEXT_MESSAGE if _NOT_IN_FREE_TEXT.search(value) else None
    return NOT_IN_TEXT_MESSAGE if _NOT_IN_TEXT.search(value) else None


Location = tuple[str | int, ...]
Context = TypeVar("Context")
KEY_MESSAGE = "a name in this object holds a control character"
NOT_A_64_BIT_INTEGER = "must be an integer from -2^63 to 2^63-1"
NOT_FINITE = "must be a finite number"


def number_problem(value: float) -> str | None:
    """Why a number read from a document may not be accepted, or None when it may."""
    if isinstance(value, int):  # bool included, harmlessly
        return None if -BIGINT_MAX - 1 <= value <= BIGINT_MAX else NOT_A_64_BIT_INTEGER
    return None if math.isfinite(value) else NOT_FINITE


def refused_values(
    document: Any,
    context: Context,
    *,
    inner: Callable[[Context, str | int], Context],
    free_text: Callable[[Context], bool],
    limit: int,
) -> list[tuple[Location, str]]:
    """Where (keys and indexes from the root) and why the text rule refuses strings of a
    parsed JSON or YAML ``document``, or ``number_problem`` its numbers, at most ``limit``
    of them.

    ``context`` says how the root is read; ``inner(context, key_or_index)`` how a member
    or an item is, and ``free_text(context)`` whether strings read so are free text. A key
    that breaks the rule is reported at its object. Iterative, so nesting costs no stack;
    a location is built only for a value that is refused."""
    found: list[tuple[Location, str]] = []
    if not isinstance(document, dict | list):
        message = _value_problem(document, free_text(context))
        return [((), message)] if message is not None and limit > 0 else []
    pending: list[tuple[Any, Context, Location]] = [(document, context, ())]
    while pending and len(found) < limit:
        value, value_context, loc = pending.pop()
        members: Iterable[tuple[str | int, Any]]
        members = value.items() if isinstance(value, dict) else enumerate(value)
        nested = []
        for key, member in members:
            if isinstance(key, str) and text_problem(key) is not None:
                found.append((loc, KEY_MESSAGE))
                continue
            member_context = inner(value_context, key)
            if isinstance(member, dict | list):
                nested.append((member, member_context, (*loc, key)))
                continue
            message = _value_problem(member, free_text(member_context))
            if message is not None:
                found.append(((*loc, key), message))
        pending.extend(reversed(nested))
    return found[:limit]


def _value_problem(value: Any, free_text: bool) -> str | None:
    if isinstance(value, str):
        return text_problem(value, free_text=free_text)
    if isinstance(value, int | float):
        return number_problem(value)
    return None


def _plain_text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


# Text that may also hold tab, CR and LF. Only the request check reads the marker, so the
# OpenAPI document is the same as for ``str``.
FreeText = Annotated[str, FREE_TEXT]
# Text read from somewhere the request check cannot see into (a cursor's JSON).
PlainText = Annotated[str, AfterValidator(_plain_text)]

# The largest values of Postgres's integer and bigint columns: a larger number in a path,
# a query or a cursor names nothing that can exist.
INTEGER_MAX: Final = 2**31 - 1
BIGINT_MAX: Final = 2**63 - 1


def whole_number(text: str, *, maximum: int) -> int | None:
    """``text`` as a whole number from 0 to ``maximum``, or None when it is not one.

    ASCII digits only (``str.isdigit`` also accepts "²", which ``int`` refuses), and the
    length is checked before converting (``int`` refuses more than 4300 digits)."""
    if not (text.isascii() and text.isdigit()):
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(maximum)):
        return None
    number = int(significant)
    return number if number <= maximum else None


def utc_instant(value: datetime) -> datetime:
    """``value`` in UTC (a value without an offset is taken as UTC already). Raises
    ``ValueError`` when UTC cannot express it (the year would be 0 or 10000)."""
    try:
        return value.astimezone(UTC) if value.tzinfo is not None else value
    except OverflowError:
        raise ValueError("is outside the range of dates that can be stored") from None


Instant = Annotated[datetime, AfterValidator(utc_instant)]
