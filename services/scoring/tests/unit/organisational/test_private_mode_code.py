"""The private mode's code: it round-trips, is compact, and refuses tampering and truncation."""

import base64

import pytest

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.organisational.private_code import (
    CodeRefused,
    decode,
    encode,
    read_header,
)

KEY = b"k" * 32


def _answers(defn: InstrumentDefinition) -> dict[str, str]:
    codes = ["not_in_place", "planned", "partly_in_place", "in_place", "embedded"]
    items = list(defn.lookup().items)
    answers = {item: codes[i % 5] for i, item in enumerate(items)}
    del answers[items[3]]  # one unanswered
    return answers


def test_round_trip(self_assessment: InstrumentDefinition) -> None:
    answers = _answers(self_assessment)
    code = encode(KEY, self_assessment, answers)
    assert len(code) < 120
    assert all(c.isalnum() or c in "-_" for c in code)
    header = read_header(KEY, code)
    assert (header.instrument, header.version) == ("board-self-assessment", "1.0.0-provisional")
    assert decode(header, self_assessment) == answers


def test_the_same_answers_give_the_same_code(self_assessment: InstrumentDefinition) -> None:
    answers = _answers(self_assessment)
    assert encode(KEY, self_assessment, answers) == encode(KEY, self_assessment, dict(answers))


def _flip(code: str, position: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))
    raw[position] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def test_every_changed_byte_is_refused(self_assessment: InstrumentDefinition) -> None:
    code = encode(KEY, self_assessment, _answers(self_assessment))
    length = len(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))
    for position in range(length):
        with pytest.raises(CodeRefused):
            read_header(KEY, _flip(code, position))


@pytest.mark.parametrize("keep", [0, 1, 5, 20, -1, -3])
def test_truncation_is_refused(self_assessment: InstrumentDefinition, keep: int) -> None:
    code = encode(KEY, self_assessment, _answers(self_assessment))
    with pytest.raises(CodeRefused):
        read_header(KEY, code[:keep])


def test_another_key_is_refused(self_assessment: InstrumentDefinition) -> None:
    code = encode(KEY, self_assessment, _answers(self_assessment))
    with pytest.raises(CodeRefused, match="changed or cut short"):
        read_header(b"x" * 32, code)


@pytest.mark.parametrize("junk", ["", "!!!!", "a" * 3000, "é", "AAAA"])
def test_junk_is_refused(junk: str) -> None:
    with pytest.raises(CodeRefused):
        read_header(KEY, junk)


def test_a_code_for_another_definition_is_refused(
    self_assessment: InstrumentDefinition, heat: InstrumentDefinition
) -> None:
    header = read_header(KEY, encode(KEY, self_assessment, {}))
    with pytest.raises(CodeRefused, match="another instrument"):
        decode(header, heat)
