"""Person keys (HMAC-SHA256) and age bands."""

import hashlib
import hmac
from datetime import date

import pytest

from services.scoring.feed.pseudonymise import (
    AGE_BANDS,
    PseudonymisationError,
    age_band_of,
    age_in_years,
    ethnic_group,
    person_key,
)
from services.scoring.people.ethnicity import EthnicGroup
from services.scoring.people.nhs_number import InvalidNhsNumber

SECRET = b"s" * 32
OTHER_SECRET = b"t" * 32


def test_key_is_hmac_sha256_of_the_nhs_number() -> None:
    key = person_key(SECRET, nhs_number="9990000018", local_id=None, organisation_code="EQA")
    expected = hmac.new(SECRET, b"9990000018", hashlib.sha256).hexdigest()
    assert key == f"pk_{expected}"
    assert len(key) == 3 + 64


def test_key_is_deterministic_and_ignores_local_id_when_nhs_number_present() -> None:
    first = person_key(SECRET, nhs_number="9990000018", local_id="A1", organisation_code="EQA")
    again = person_key(SECRET, nhs_number="9990000018", local_id="B2", organisation_code="EQB")
    assert first == again


@pytest.mark.parametrize("written", ["999 000 0018", "999-000-0018", " 9990000018 "])
def test_nhs_number_with_spaces_gives_the_same_key(written: str) -> None:
    plain = person_key(SECRET, nhs_number="9990000018", local_id=None, organisation_code="EQA")
    assert person_key(SECRET, nhs_number=written, local_id=None, organisation_code="EQA") == plain


def test_key_differs_by_secret() -> None:
    a = person_key(SECRET, nhs_number="9990000018", local_id=None, organisation_code="EQA")
    b = person_key(OTHER_SECRET, nhs_number="9990000018", local_id=None, organisation_code="EQA")
    assert a != b


def test_local_id_key_is_scoped_by_organisation() -> None:
    expected = hmac.new(SECRET, b"local:EQA:12345", hashlib.sha256).hexdigest()
    eqa = person_key(SECRET, nhs_number=None, local_id="12345", organisation_code="eqa ")
    eqb = person_key(SECRET, nhs_number=None, local_id="12345", organisation_code="EQB")
    assert eqa == f"pk_{expected}"
    assert eqa != eqb
    assert person_key(SECRET, nhs_number="  ", local_id="12345", organisation_code="EQA") == eqa


@pytest.mark.parametrize("length", [0, 16, 31])
def test_short_secret_is_rejected(length: int) -> None:
    with pytest.raises(PseudonymisationError) as error:
        person_key(b"x" * length, nhs_number="9990000018", local_id=None, organisation_code="EQA")
    assert str(error.value) == "the pseudonymisation secret must be at least 32 bytes"


def test_invalid_nhs_number_is_not_keyed() -> None:
    with pytest.raises(InvalidNhsNumber):
        person_key(SECRET, nhs_number="9990000019", local_id="1", organisation_code="EQA")


@pytest.mark.parametrize(
    ("local_id", "organisation"), [(None, "EQA"), ("", "EQA"), ("123", ""), ("123", "  ")]
)
def test_no_identifier_is_rejected(local_id: str | None, organisation: str) -> None:
    with pytest.raises(PseudonymisationError):
        person_key(SECRET, nhs_number=None, local_id=local_id, organisation_code=organisation)


ON = date(2025, 6, 15)


def born_years_before(years: int, *, days: int = 0) -> date:
    return date(ON.year - years, ON.month, ON.day + days)


@pytest.mark.parametrize(
    ("birth_date", "band"),
    [
        (ON, "0-17"),
        (born_years_before(18, days=1), "0-17"),  # 18th birthday tomorrow
        (born_years_before(18), "18-24"),  # 18 today
        (born_years_before(24), "18-24"),
        (born_years_before(25), "25-34"),
        (born_years_before(34), "25-34"),
        (born_years_before(35), "35-44"),
        (born_years_before(45), "45-54"),
        (born_years_before(55), "55-64"),
        (born_years_before(64), "55-64"),
        (born_years_before(65), "65-74"),
        (born_years_before(75), "75-84"),
        (born_years_before(85, days=1), "75-84"),
        (born_years_before(85), "85+"),
        (born_years_before(104), "85+"),
    ],
)
def test_age_band_boundaries(birth_date: date, band: str) -> None:
    assert age_band_of(age_in_years(birth_date, ON)) == band


def test_leap_day_birthday_counts_from_first_of_march() -> None:
    born = date(2008, 2, 29)
    assert age_in_years(born, date(2026, 2, 28)) == 17
    assert age_in_years(born, date(2026, 3, 1)) == 18
    assert age_band_of(age_in_years(born, date(2026, 3, 1))) == "18-24"


def test_date_before_birth_is_rejected() -> None:
    with pytest.raises(PseudonymisationError):
        age_in_years(date(2000, 1, 2), date(2000, 1, 1))


def test_bands_cover_every_age_in_order() -> None:
    assert [label for _, label in AGE_BANDS] == [
        "0-17",
        "18-24",
        "25-34",
        "35-44",
        "45-54",
        "55-64",
        "65-74",
        "75-84",
        "85+",
    ]


def test_ethnic_group_is_re_exported() -> None:
    assert ethnic_group("N1") is EthnicGroup.BLACK
