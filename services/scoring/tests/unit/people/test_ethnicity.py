"""NHS ethnic category (Data Dictionary) and FHIR codings keyed on system + code."""

import pytest

from services.scoring.people.ethnicity import (
    ENGLAND_SYSTEM,
    LEGACY_UK_CORE_SYSTEM,
    WALES_SYSTEM,
    EthnicCategory,
    EthnicGroup,
    UnknownCodeSystem,
    UnknownEthnicCategory,
    ethnic_category_from_code,
    ethnic_group,
    from_fhir_coding,
)
from services.scoring.people.sex import Sex, UnknownGender, from_fhir_gender


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("A", EthnicGroup.WHITE),
        ("B", EthnicGroup.WHITE),
        ("C", EthnicGroup.WHITE),
        ("D", EthnicGroup.MIXED),
        ("G", EthnicGroup.MIXED),
        ("H", EthnicGroup.ASIAN),
        ("L", EthnicGroup.ASIAN),
        ("M", EthnicGroup.BLACK),
        ("P", EthnicGroup.BLACK),
        ("R", EthnicGroup.OTHER),  # Chinese is under Other in the 2001 classification
        ("S", EthnicGroup.OTHER),
        ("Z", EthnicGroup.NOT_STATED),
        ("99", EthnicGroup.NOT_KNOWN),
    ],
)
def test_each_high_level_group(code: str, group: EthnicGroup) -> None:
    assert ethnic_category_from_code(code).group is group
    assert ethnic_group(code) is group


def test_all_eighteen_codes_have_a_label_and_group() -> None:
    assert len(EthnicCategory) == 18
    assert {c.group for c in EthnicCategory} == set(EthnicGroup)
    assert all(c.label for c in EthnicCategory)
    assert EthnicGroup.ASIAN.label == "Asian or Asian British"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("A1", EthnicCategory.WHITE_BRITISH),
        ("Cx", EthnicCategory.WHITE_OTHER),
        ("CA", EthnicCategory.WHITE_OTHER),
        ("N ", EthnicCategory.BLACK_AFRICAN),
        ("Z9", EthnicCategory.NOT_STATED),
    ],
)
def test_local_second_character_maps_by_first(code: str, expected: EthnicCategory) -> None:
    assert ethnic_category_from_code(code) is expected


def test_not_stated_and_not_known_are_distinct() -> None:
    not_stated = ethnic_category_from_code("Z")
    not_known = ethnic_category_from_code("99")
    assert not_stated is EthnicCategory.NOT_STATED
    assert not_known is EthnicCategory.NOT_KNOWN
    assert not_stated is not not_known
    assert not_stated.group is not not_known.group


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9", "not a current national code (withdrawn or unknown)"),  # 1991 "not given"
        ("0", "not a current national code (withdrawn or unknown)"),  # 1991 "White"
        ("98", "not a current national code (withdrawn or unknown)"),
        ("I", "not a current national code (withdrawn or unknown)"),
        ("T", "not a current national code (withdrawn or unknown)"),
        ("a", "not a current national code (withdrawn or unknown)"),
        ("ABC", "the field is at most 2 characters"),
        ("", "empty code"),
    ],
)
def test_withdrawn_or_unknown_codes_raise(code: str, reason: str) -> None:
    with pytest.raises(UnknownEthnicCategory) as error:
        ethnic_category_from_code(code)
    assert error.value.reason == reason
    assert error.value.code == code


def test_england_fhir_coding_maps() -> None:
    result = from_fhir_coding(ENGLAND_SYSTEM, "H")
    assert result.mapped
    assert result.category is EthnicCategory.ASIAN_INDIAN
    assert result.group is EthnicGroup.ASIAN
    assert from_fhir_coding(ENGLAND_SYSTEM, "99").category is EthnicCategory.NOT_KNOWN


def test_england_fhir_coding_takes_exact_codes_only() -> None:
    with pytest.raises(UnknownEthnicCategory):
        from_fhir_coding(ENGLAND_SYSTEM, "A1")


@pytest.mark.parametrize("system", [WALES_SYSTEM, LEGACY_UK_CORE_SYSTEM])
def test_wales_and_legacy_codings_are_kept_unmapped(system: str) -> None:
    # Welsh "B" is not England's "B" (White Irish): key on system + code, never code alone.
    result = from_fhir_coding(system, "B")
    assert not result.mapped
    assert result.category is None
    assert result.group is None
    assert (result.system, result.code) == (system, "B")
    assert result.note


def test_unknown_code_system_raises() -> None:
    with pytest.raises(UnknownCodeSystem) as error:
        from_fhir_coding("http://example.org/ethnicity", "A")
    assert error.value.system == "http://example.org/ethnicity"


@pytest.mark.parametrize(
    ("gender", "sex"),
    [
        ("male", Sex.MALE),
        ("female", Sex.FEMALE),
        ("other", Sex.OTHER),
        ("unknown", Sex.UNKNOWN),
        (None, Sex.UNKNOWN),
    ],
)
def test_sex_from_fhir_gender(gender: str | None, sex: Sex) -> None:
    assert from_fhir_gender(gender) is sex


@pytest.mark.parametrize("gender", ["Male", "M", "f", ""])
def test_sex_rejects_non_fhir_codes(gender: str) -> None:
    with pytest.raises(UnknownGender):
        from_fhir_gender(gender)
