"""Free-text screening: each identifier kind is flagged, and only a redacted preview shown."""

import pytest

from services.scoring.people.free_text import (
    FlagStrength,
    FreeTextKind,
    flag_free_text,
    redact_free_text,
)

SUBJECT = ("John", "Smith")


def spans(text: str) -> list[tuple[str, str, str]]:
    flags = flag_free_text(text, subject_names=SUBJECT)
    return [(f.kind.value, f.strength.value, text[f.start : f.end]) for f in flags]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NHS no 999 000 0018 noted", [("nhs_number", "strong", "999 000 0018")]),
        ("ref 9990000018.", [("nhs_number", "strong", "9990000018")]),
        ("ref 999-000-0018", [("nhs_number", "strong", "999-000-0018")]),
        # Ten digits that fail Modulus 11 still look like an NHS number: weak.
        ("ref 9990000019", [("nhs_number", "weak", "9990000019")]),
        ("call 07700 900123 today", [("phone_number", "strong", "07700 900123")]),
        ("office 0161 496 0000", [("phone_number", "strong", "0161 496 0000")]),
        ("ring +44 (0)20 7946 0123", [("phone_number", "strong", "+44 (0)20 7946 0123")]),
        ("ring +447700900123", [("phone_number", "strong", "+447700900123")]),
        ("mail jane.doe@nhs.net now", [("email", "strong", "jane.doe@nhs.net")]),
        ("seen with Mr Brown", [("person_name", "strong", "Mr Brown")]),
        ("Dr Jones rang", [("person_name", "strong", "Dr Jones")]),
        (
            "Met Dr O'Brien and Nurse McDonald",
            [
                ("person_name", "strong", "Dr O'Brien"),
                ("person_name", "strong", "Nurse McDonald"),
            ],
        ),
        ("spoke with Sarah Brown about it", [("person_name", "weak", "Sarah Brown")]),
        ("later met Mary Jane Watson", [("person_name", "weak", "Mary Jane Watson")]),
    ],
)
def test_each_kind_is_flagged(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "John Smith attended the clinic.",
        "Saw Mr Smith at home.",
        "Spoke to John about his plan; Smith family present.",
        "The patient is well. No concerns raised.",
        "Annual Health Check booked for Monday 3 March with the Learning Disability Team.",
        "Reviewed the Health Action Plan on Tuesday.",
        "Score went from 12 to 9 over 6 months.",
        "Phone number not known.",
        "Takes 100 mg twice daily since 2019.",
        "",
    ],
)
def test_clean_text_is_not_flagged(text: str) -> None:
    assert flag_free_text(text, subject_names=SUBJECT) == []


def test_subject_names_are_compared_without_case() -> None:
    assert flag_free_text("Seen with Mr Smith", subject_names=["john smith"]) == []
    assert flag_free_text("Seen today with Mr Smith", subject_names=["JOHN SMITH"]) == []


def test_another_person_with_the_subjects_first_name_is_flagged() -> None:
    flags = flag_free_text("met with John Brown yesterday", subject_names=SUBJECT)
    assert [(f.kind, f.strength) for f in flags] == [(FreeTextKind.PERSON_NAME, FlagStrength.WEAK)]


def test_sentence_start_is_not_evidence_of_a_name() -> None:
    assert flag_free_text("Walked to the shop. Went home.") == []
    assert flag_free_text("Sarah Brown visited.") == []  # the accepted trade-off


def test_flags_never_carry_the_matched_text() -> None:
    text = "Mr Brown on 07700 900123, 999 000 0018, b.brown@example.org"
    flags = flag_free_text(text)
    assert {f.kind for f in flags} == set(FreeTextKind)
    for flag in flags:
        public = flag.to_public_dict()
        assert set(public) == {"kind", "start", "end", "strength", "redacted_preview"}
        assert text[flag.start : flag.end] not in str(public)
    assert [f.redacted_preview for f in flags] == [
        "Mr [name]",
        "[phone number]",
        "[NHS number]",
        "[email]",
    ]


def test_redact_replaces_each_span() -> None:
    text = "Dr Jones phoned 07700 900123 about John."
    redacted = redact_free_text(text, flag_free_text(text, subject_names=SUBJECT))
    assert redacted == "Dr [name] phoned [phone number] about John."


def test_email_wins_over_name_inside_it() -> None:
    assert spans("write to Mary.Jones@nhs.net") == [("email", "strong", "Mary.Jones@nhs.net")]
