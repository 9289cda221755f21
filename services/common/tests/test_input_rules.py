"""The rules every request value obeys: text without control characters, numbers a column
can hold, cursors that decode to exactly their list's position."""

import base64
import json
import uuid
from datetime import UTC, datetime
from typing import Annotated

import pytest
from pydantic import Field, TypeAdapter, ValidationError

from services.common.errors import InvalidInput
from services.common.input_rules import (
    BIGINT_MAX,
    INTEGER_MAX,
    Instant,
    PlainText,
    number_problem,
    refused_values,
    text_problem,
    whole_number,
)
from services.common.pagination import CursorPosition, decode_cursor, encode_cursor


@pytest.mark.parametrize(
    "text", ["Adebayo", "O'Brien-Smith", "Zoë Ærø", "名前", "emoji 🙂", "", " spaced "]
)
def test_ordinary_text_is_accepted_everywhere(text: str) -> None:
    assert text_problem(text) is None
    assert text_problem(text, free_text=True) is None


@pytest.mark.parametrize(
    "text", ["ade\x00bayo", "\x01", "bell\x07", "esc\x1b[31m", "\x1f", "\ud800"]
)
def test_control_characters_and_lone_surrogates_are_refused_everywhere(text: str) -> None:
    assert text_problem(text) is not None
    assert text_problem(text, free_text=True) is not None


@pytest.mark.parametrize("text", ["tab\there", "line\nbreak", "windows\r\nline"])
def test_tab_and_line_breaks_are_free_text_only(text: str) -> None:
    assert text_problem(text) is not None
    assert text_problem(text, free_text=True) is None


def test_the_message_never_quotes_the_value() -> None:
    message = text_problem("secret-name\x00")
    assert message is not None
    assert "secret" not in message


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0", 0),
        ("42", 42),
        ("0007", 7),
        (str(INTEGER_MAX), INTEGER_MAX),
        ("0" * 5000 + "1", 1),
        (str(INTEGER_MAX + 1), None),
        ("9" * 5000, None),  # int() would refuse it with ValueError
        ("²", None),  # str.isdigit() says yes, int() says no
        ("١٢", None),  # Arabic-Indic digits
        ("-1", None),
        ("1.0", None),
        ("", None),
        (" 1", None),
    ],
)
def test_whole_numbers_are_ascii_digits_within_the_column(text: str, number: int | None) -> None:
    assert whole_number(text, maximum=INTEGER_MAX) == number


class NamePosition(CursorPosition):
    family_name: PlainText
    id: uuid.UUID


class IdPosition(CursorPosition):
    id: Annotated[int, Field(ge=1, le=BIGINT_MAX)]


def _cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_a_cursor_round_trips_to_a_typed_position() -> None:
    position = NamePosition(family_name="O'Brien", id=uuid.uuid4())
    decoded = decode_cursor(encode_cursor(position), NamePosition)
    assert decoded == position
    assert isinstance(decoded, NamePosition)
    assert isinstance(decoded.id, uuid.UUID)
    assert decode_cursor(None, NamePosition) is None
    assert decode_cursor("", NamePosition) is None


@pytest.mark.parametrize(
    ("position", "cursor"),
    [
        (NamePosition, "e30"),  # {}
        (NamePosition, _cursor({"family_name": 5, "id": str(uuid.uuid4())})),
        (NamePosition, _cursor({"family_name": "A", "id": "not-a-uuid"})),
        (NamePosition, _cursor({"family_name": "Nul\x00", "id": str(uuid.uuid4())})),
        (NamePosition, _cursor({"family_name": "A", "id": str(uuid.uuid4()), "extra": 1})),
        (IdPosition, "e30"),
        (IdPosition, _cursor({"id": [1]})),
        (IdPosition, _cursor({"id": 10**30})),
        (IdPosition, _cursor({"id": 0})),
        (IdPosition, _cursor([1])),
        (IdPosition, "%%%"),
        (IdPosition, "bm90LWpzb24"),  # not-json
        (IdPosition, "é"),
        (IdPosition, _cursor({"family_name": "A", "id": str(uuid.uuid4())})),  # another list's
    ],
)
def test_a_forged_cursor_is_invalid_input_naming_the_cursor(
    position: type[CursorPosition], cursor: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        decode_cursor(cursor, position)
    assert [error.field for error in raised.value.errors] == ["query.cursor"]


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"])
def test_an_instant_beyond_the_calendar_in_utc_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="outside the range of dates"):
        TypeAdapter(Instant).validate_python(text)


def test_an_instant_is_read_in_utc() -> None:
    read = TypeAdapter(Instant).validate_python("2026-03-01T09:00:00+01:00")
    assert read == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert read.tzinfo is UTC


def test_refused_values_are_located_from_the_root_and_free_text_is_asked_of_the_context() -> None:
    document = {
        "name": "ok",
        "notes": "line\nbreak",
        "items": [{"name": "tab\there"}, {"notes": "nul\x00"}],
        "bad\x00key": "x",
    }
    refused = refused_values(
        document,
        "",
        inner=lambda parent, key: key if isinstance(key, str) else parent,
        free_text=lambda name: name == "notes",
        limit=10,
    )
    assert [loc for loc, _ in refused] == [(), ("items", 0, "name"), ("items", 1, "notes")]
    assert refused_values(["\x00"] * 50, "", inner=lambda *_: "", free_text=bool, limit=3) == [
        ((0,), refused[1][1]),
        ((1,), refused[1][1]),
        ((2,), refused[1][1]),
    ]


@pytest.mark.parametrize(
    ("number", "refused"),
    [
        (0, False),
        (True, False),
        (BIGINT_MAX, False),
        (-BIGINT_MAX - 1, False),
        (BIGINT_MAX + 1, True),
        (-(2**63) - 1, True),
        (1.5e300, False),
        (float("inf"), True),
        (float("nan"), True),
    ],
)
def test_numbers_fit_64_bits_and_are_finite(number: float, refused: bool) -> None:
    assert (number_problem(number) is not None) is refused
