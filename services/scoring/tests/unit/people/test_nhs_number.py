"""Modulus 11 (NHS Data Dictionary, NHS NUMBER) with worked values."""

import pytest

from services.scoring.people.nhs_number import (
    InvalidNhsNumber,
    NhsNumberProblem,
    check_digit,
    format_nhs_number,
    is_test_range,
    is_valid_nhs_number,
    normalise_nhs_number,
)


@pytest.mark.parametrize(
    ("first_nine", "expected"),
    [
        # 9*10+9*9+9*8 = 243 -> 243 mod 11 = 1 -> 11 - 1 = 10 -> no valid number.
        ("999000000", None),
        # 243 + 1*2 = 245 -> 245 mod 11 = 3 -> 8.
        ("999000001", 8),
        # 243 + 5*2 = 253 -> 253 mod 11 = 0 -> 11 -> check digit 0.
        ("999000005", 0),
        # A widely used example number: 299 mod 11 = 2 -> 9.
        ("943476591", 9),
    ],
)
def test_check_digit_worked_values(first_nine: str, expected: int | None) -> None:
    assert check_digit(first_nine) == expected


@pytest.mark.parametrize("body", ["99900000", "9990000000", "99900000x", ""])
def test_check_digit_needs_nine_digits(body: str) -> None:
    with pytest.raises(InvalidNhsNumber) as error:
        check_digit(body)
    assert error.value.reason is NhsNumberProblem.BODY_NOT_NINE_DIGITS


@pytest.mark.parametrize(
    "raw",
    ["9990000018", "999 000 0018", "999-000-0018", "  999 000 0018 ", "9990000050", "9434765919"],
)
def test_valid_numbers_normalise_to_ten_digits(raw: str) -> None:
    digits = normalise_nhs_number(raw)
    assert len(digits) == 10
    assert digits.isdigit()
    assert is_valid_nhs_number(raw)


def test_spaces_and_hyphens_give_the_same_number() -> None:
    assert (
        normalise_nhs_number("999 000 0018")
        == normalise_nhs_number("999-000-0018")
        == normalise_nhs_number("9990000018")
    )


@pytest.mark.parametrize(
    ("raw", "reason", "message"),
    [
        ("999000001", NhsNumberProblem.NOT_TEN_DIGITS, "an NHS number is 10 digits, got 9"),
        ("99900000181", NhsNumberProblem.NOT_TEN_DIGITS, "an NHS number is 10 digits, got 11"),
        (
            "999 000 001X",
            NhsNumberProblem.NOT_TEN_DIGITS,
            "an NHS number is 10 digits; only digits, spaces and hyphens are allowed",
        ),
        (
            "",
            NhsNumberProblem.NOT_TEN_DIGITS,
            "an NHS number is 10 digits; only digits, spaces and hyphens are allowed",
        ),
        (
            "999.000.0018",
            NhsNumberProblem.NOT_TEN_DIGITS,
            "an NHS number is 10 digits; only digits, spaces and hyphens are allowed",
        ),
        (
            # Full-width digits: str.isdigit says yes; an NHS number needs ASCII digits.
            "\uff19\uff19\uff19\uff10\uff10\uff10\uff10\uff10\uff11\uff18",
            NhsNumberProblem.NOT_TEN_DIGITS,
            "an NHS number is 10 digits; only digits, spaces and hyphens are allowed",
        ),
        (
            "9990000019",
            NhsNumberProblem.CHECK_DIGIT_MISMATCH,
            "the check digit is 9 but Modulus 11 gives 8",
        ),
        (
            "9434765918",
            NhsNumberProblem.CHECK_DIGIT_MISMATCH,
            "the check digit is 8 but Modulus 11 gives 9",
        ),
        (
            "9990000000",
            NhsNumberProblem.CHECK_DIGIT_TEN,
            "the first nine digits give a check digit of 10, so no NHS number has them",
        ),
        (
            "999 000 0141",
            NhsNumberProblem.CHECK_DIGIT_TEN,
            "the first nine digits give a check digit of 10, so no NHS number has them",
        ),
    ],
)
def test_invalid_numbers_say_why(raw: str, reason: NhsNumberProblem, message: str) -> None:
    with pytest.raises(InvalidNhsNumber) as error:
        normalise_nhs_number(raw)
    assert error.value.reason is reason
    assert str(error.value) == message
    assert not is_valid_nhs_number(raw)


@pytest.mark.parametrize("raw", ["9990000018", "999 000 0018", "999-000-0018"])
def test_format_is_three_three_four(raw: str) -> None:
    assert format_nhs_number(raw) == "999 000 0018"


def test_format_rejects_invalid() -> None:
    with pytest.raises(InvalidNhsNumber):
        format_nhs_number("9990000019")


def test_test_range() -> None:
    assert is_test_range("9990000018")
    assert not is_test_range("9434765919")
