"""NHS ethnic category (2001 census classification) and its high-level groups.

Source: NHS Data Model and Dictionary, data element "ETHNIC CATEGORY"
(https://www.datadictionary.nhs.uk/data_elements/ethnic_category.html). The field is two
characters: the first is the national code (A-S, Z), the second is free for local use, so
"A1" or "Cx" mean A and C. "99" (not known) is the one two-character national code.
Codes that are not national codes (for example the withdrawn 1991-census codes 0-9, or
unused letters) are never guessed: they raise ``UnknownEthnicCategory``.

"Not stated" (Z: the person was asked and chose not to say) is kept distinct from
"not known" (99: not asked, or not able to answer) because completeness reports count
them differently.

FHIR: UK Core Patient carries the category in ``Extension-UKCore-EthnicCategory`` coded in
``UKCore-EthnicCategoryEngland`` (the same codes as the Data Dictionary). The value set
also admits the Welsh code system, whose letters follow the 2011 census for Wales and do
not mean the same as the English letters, so codings are keyed on system + code, never on
the code alone.
"""

from dataclasses import dataclass
from enum import StrEnum

from services.scoring.people.sex import Sex, UnknownGender, from_fhir_gender

__all__ = [
    "ENGLAND_SYSTEM",
    "LEGACY_UK_CORE_SYSTEM",
    "WALES_SYSTEM",
    "EthnicCategory",
    "EthnicCodingResult",
    "EthnicGroup",
    "Sex",
    "UnknownCodeSystem",
    "UnknownEthnicCategory",
    "UnknownGender",
    "ethnic_category_from_code",
    "ethnic_group",
    "from_fhir_coding",
    "from_fhir_gender",
]

ENGLAND_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"
WALES_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryWales"
LEGACY_UK_CORE_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategory"


class UnknownEthnicCategory(ValueError):
    """A code that is not a current national ethnic category code."""

    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"ethnic category {code!r}: {reason}")


class UnknownCodeSystem(ValueError):
    """A FHIR coding whose system is not one of the ethnic category code systems."""

    def __init__(self, system: str) -> None:
        self.system = system
        super().__init__(f"{system!r} is not an ethnic category code system Equitas knows")


class EthnicGroup(StrEnum):
    """High-level groups of the 2001 classification (Chinese is under Other in it)."""

    WHITE = "white"
    MIXED = "mixed"
    ASIAN = "asian_or_asian_british"
    BLACK = "black_or_black_british"
    OTHER = "other"
    NOT_STATED = "not_stated"
    NOT_KNOWN = "not_known"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    EthnicGroup.WHITE: "White",
    EthnicGroup.MIXED: "Mixed",
    EthnicGroup.ASIAN: "Asian or Asian British",
    EthnicGroup.BLACK: "Black or Black British",
    EthnicGroup.OTHER: "Other ethnic group",
    EthnicGroup.NOT_STATED: "Not stated",
    EthnicGroup.NOT_KNOWN: "Not known",
}


class EthnicCategory(StrEnum):
    """The national codes; the value is the code as the Data Dictionary writes it."""

    WHITE_BRITISH = "A"
    WHITE_IRISH = "B"
    WHITE_OTHER = "C"
    MIXED_WHITE_BLACK_CARIBBEAN = "D"
    MIXED_WHITE_BLACK_AFRICAN = "E"
    MIXED_WHITE_ASIAN = "F"
    MIXED_OTHER = "G"
    ASIAN_INDIAN = "H"
    ASIAN_PAKISTANI = "J"
    ASIAN_BANGLADESHI = "K"
    ASIAN_OTHER = "L"
    BLACK_CARIBBEAN = "M"
    BLACK_AFRICAN = "N"
    BLACK_OTHER = "P"
    CHINESE = "R"
    OTHER = "S"
    NOT_STATED = "Z"
    NOT_KNOWN = "99"

    @property
    def label(self) -> str:
        return _CATEGORIES[self][0]

    @property
    def group(self) -> EthnicGroup:
        return _CATEGORIES[self][1]


# Labels paraphrase the Data Dictionary's wording; groups follow its headings.
_CATEGORIES: dict[EthnicCategory, tuple[str, EthnicGroup]] = {
    EthnicCategory.WHITE_BRITISH: ("White: British", EthnicGroup.WHITE),
    EthnicCategory.WHITE_IRISH: ("White: Irish", EthnicGroup.WHITE),
    EthnicCategory.WHITE_OTHER: ("White: any other White background", EthnicGroup.WHITE),
    EthnicCategory.MIXED_WHITE_BLACK_CARIBBEAN: (
        "Mixed: White and Black Caribbean",
        EthnicGroup.MIXED,
    ),
    EthnicCategory.MIXED_WHITE_BLACK_AFRICAN: ("Mixed: White and Black African", EthnicGroup.MIXED),
    EthnicCategory.MIXED_WHITE_ASIAN: ("Mixed: White and Asian", EthnicGroup.MIXED),
    EthnicCategory.MIXED_OTHER: ("Mixed: any other mixed background", EthnicGroup.MIXED),
    EthnicCategory.ASIAN_INDIAN: ("Asian or Asian British: Indian", EthnicGroup.ASIAN),
    EthnicCategory.ASIAN_PAKISTANI: ("Asian or Asian British: Pakistani", EthnicGroup.ASIAN),
    EthnicCategory.ASIAN_BANGLADESHI: ("Asian or Asian British: Bangladeshi", EthnicGroup.ASIAN),
    EthnicCategory.ASIAN_OTHER: (
        "Asian or Asian British: any other Asian background",
        EthnicGroup.ASIAN,
    ),
    EthnicCategory.BLACK_CARIBBEAN: ("Black or Black British: Caribbean", EthnicGroup.BLACK),
    EthnicCategory.BLACK_AFRICAN: ("Black or Black British: African", EthnicGroup.BLACK),
    EthnicCategory.BLACK_OTHER: (
        "Black or Black British: any other Black background",
        EthnicGroup.BLACK,
    ),
    EthnicCategory.CHINESE: ("Other ethnic group: Chinese", EthnicGroup.OTHER),
    EthnicCategory.OTHER: ("Other ethnic group: any other ethnic group", EthnicGroup.OTHER),
    EthnicCategory.NOT_STATED: ("Not stated (asked, and chose not to say)", EthnicGroup.NOT_STATED),
    EthnicCategory.NOT_KNOWN: ("Not known (not asked, or unable to say)", EthnicGroup.NOT_KNOWN),
}

# National codes that may carry a local second character (everything except "99").
_SINGLE_LETTER_CODES = {c.value: c for c in EthnicCategory if len(c.value) == 1}


def ethnic_category_from_code(code: str) -> EthnicCategory:
    """The category for a Data Dictionary code, mapping a local 2nd character by the 1st.

    "A", "A1" and "Cx" map by their first character; "99" is not known. Anything else
    (withdrawn codes such as the 1991-census digits, unused letters, lower case, more than
    two characters) raises ``UnknownEthnicCategory``: a wrong ethnic category is worse than
    an unmapped one.
    """
    value = code.strip()
    if value == EthnicCategory.NOT_KNOWN.value:
        return EthnicCategory.NOT_KNOWN
    if not value:
        raise UnknownEthnicCategory(code, "empty code")
    if len(value) > 2:
        raise UnknownEthnicCategory(code, "the field is at most 2 characters")
    category = _SINGLE_LETTER_CODES.get(value[0])
    if category is None:
        raise UnknownEthnicCategory(code, "not a current national code (withdrawn or unknown)")
    return category


def ethnic_group(category: EthnicCategory | str) -> EthnicGroup:
    """The high-level group of a category or of a Data Dictionary code."""
    if isinstance(category, EthnicCategory):
        return category.group
    return ethnic_category_from_code(category).group


@dataclass(frozen=True, slots=True)
class EthnicCodingResult:
    """A FHIR ethnic category coding as read: mapped to a national code, or kept as sent.

    ``mapped`` is False for codings from a known system that Equitas does not map to the
    2001 England categories (Welsh and the older UK Core system): ``category`` is then None
    and ``system`` / ``code`` keep the original so nothing is lost or guessed.
    """

    system: str
    code: str
    category: EthnicCategory | None
    mapped: bool
    note: str = ""

    @property
    def group(self) -> EthnicGroup | None:
        return None if self.category is None else self.category.group


_ENGLAND_CODES = {c.value: c for c in EthnicCategory}

_UNMAPPED_NOTES = {
    # Welsh letters follow the 2011 census for Wales and reuse letters with other meanings
    # (for example a Gypsy or Traveller category), so a letter-for-letter map would be wrong.
    WALES_SYSTEM: "Welsh ethnic category: kept as sent, not mapped to the England codes",
    LEGACY_UK_CORE_SYSTEM: "older UK Core ethnic category system: kept as sent, not mapped",
}


def from_fhir_coding(system: str, code: str) -> EthnicCodingResult:
    """Read one FHIR Coding of ethnic category, keyed on system + code.

    - England system: exact national codes map (no local suffixes: FHIR codes are exact);
      other codes raise ``UnknownEthnicCategory``.
    - Wales and the older ``UKCore-EthnicCategory`` system: known but unmapped.
    - Any other system raises ``UnknownCodeSystem``.
    """
    if system == ENGLAND_SYSTEM:
        category = _ENGLAND_CODES.get(code)
        if category is None:
            raise UnknownEthnicCategory(code, f"not a code in {ENGLAND_SYSTEM}")
        return EthnicCodingResult(system=system, code=code, category=category, mapped=True)
    note = _UNMAPPED_NOTES.get(system)
    if note is None:
        raise UnknownCodeSystem(system)
    return EthnicCodingResult(system=system, code=code, category=None, mapped=False, note=note)
