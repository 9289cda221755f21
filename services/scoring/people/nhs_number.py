"""NHS number: validation by Modulus 11, normalisation and display.

Source: NHS Data Model and Dictionary, attribute "NHS NUMBER"
(https://www.datadictionary.nhs.uk/attributes/nhs_number.html). The NHS number is ten
digits; the tenth is a check digit computed by Modulus 11:

1. multiply each of the first nine digits by a weight: 10 for the first, 9 for the
   second, ... 2 for the ninth;
2. add the products and take the remainder on division by 11;
3. subtract the remainder from 11: that is the check digit;
4. if the result is 11, the check digit is 0; if it is 10, the number is invalid
   (no NHS number is issued with such a body).

Numbers 999 000 0000 to 999 999 9999 are reserved for testing and never issued to a
person; synthetic data must use only those (see ``TEST_RANGE_PREFIX``).
"""

import re
from enum import StrEnum

# Weights for digits 1-9, from the Data Dictionary's Modulus 11 description.
_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)

# Input may be written plain or grouped (3-3-4 is the display form); spaces and hyphens
# are the separators EPRs and people actually type, so they are the only ones accepted.
_ALLOWED = re.compile(r"[0-9 \-]+")
_SEPARATORS = re.compile(r"[ \-]")

TEST_RANGE_PREFIX = "999"
"""Numbers starting 999 (999 000 0000 - 999 999 9999) are reserved for test data."""


class NhsNumberProblem(StrEnum):
    """Why a string is not a valid NHS number (stable codes for messages and tests)."""

    NOT_TEN_DIGITS = "not_10_digits"
    CHECK_DIGIT_MISMATCH = "check_digit_mismatch"
    CHECK_DIGIT_TEN = "check_digit_10"
    BODY_NOT_NINE_DIGITS = "body_not_9_digits"


class InvalidNhsNumber(ValueError):
    """The input is not a valid NHS number; ``reason`` says exactly why."""

    def __init__(self, reason: NhsNumberProblem, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(detail)


def check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for the first nine digits, or None when it would be 10.

    None means no valid NHS number starts with these nine digits (Data Dictionary rule 4).
    """
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise InvalidNhsNumber(
            NhsNumberProblem.BODY_NOT_NINE_DIGITS,
            f"the body of an NHS number is 9 digits, got {len(first_nine)} characters",
        )
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(raw: str) -> str:
    """The ten digits of a valid NHS number, from input with or without spaces or hyphens.

    Raises ``InvalidNhsNumber`` with reason ``not_10_digits``, ``check_digit_10`` or
    ``check_digit_mismatch``.
    """
    stripped = raw.strip()
    if not stripped or not stripped.isascii() or _ALLOWED.fullmatch(stripped) is None:
        raise InvalidNhsNumber(
            NhsNumberProblem.NOT_TEN_DIGITS,
            "an NHS number is 10 digits; only digits, spaces and hyphens are allowed",
        )
    digits = _SEPARATORS.sub("", stripped)
    if len(digits) != 10:
        raise InvalidNhsNumber(
            NhsNumberProblem.NOT_TEN_DIGITS,
            f"an NHS number is 10 digits, got {len(digits)}",
        )
    expected = check_digit(digits[:9])
    if expected is None:
        raise InvalidNhsNumber(
            NhsNumberProblem.CHECK_DIGIT_TEN,
            "the first nine digits give a check digit of 10, so no NHS number has them",
        )
    if expected != int(digits[9]):
        raise InvalidNhsNumber(
            NhsNumberProblem.CHECK_DIGIT_MISMATCH,
            f"the check digit is {digits[9]} but Modulus 11 gives {expected}",
        )
    return digits


def is_valid_nhs_number(raw: str) -> bool:
    """True when ``raw`` (plain or with spaces/hyphens) is a valid NHS number."""
    try:
        normalise_nhs_number(raw)
    except InvalidNhsNumber:
        return False
    return True


def format_nhs_number(raw: str) -> str:
    """The display form, 3-3-4 with spaces: ``999 000 0018``. Validates first."""
    digits = normalise_nhs_number(raw)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def is_test_range(nhs_number: str) -> bool:
    """True when a normalised NHS number is in the reserved test range (starts 999)."""
    return nhs_number.startswith(TEST_RANGE_PREFIX)
