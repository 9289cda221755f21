"""The rules each value of an activity record keeps (pure: no I/O).

A cell (a string as read from CSV, XLSX or JSON) becomes the value stored, or is refused
with the reason (``Refused``: the message says why without repeating the value).
"""

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Final

from services.aggregation.dimensions import NOT_KNOWN
from services.aggregation.equity.codes import (
    AGE_BAND_LABELS,
    AGE_BANDS,
    CLINICAL_AREAS,
    DISCHARGE_REASONS,
    ETHNIC_CATEGORY_GROUP,
    IMD_VINTAGES,
    INCLUSION_GROUPS,
    NOT_STATED,
    PREGNANCY,
    RELIGIONS,
    SEX_CODES,
    SEXES,
    SEXUAL_ORIENTATIONS,
    YES_NO,
)

EARLIEST_DATE = date(2000, 1, 1)
MAX_APPOINTMENTS = 10_000
MAX_DAYS = 36_600
MAX_OUTCOME = 1e6
PERSON_KEY_MAX = 80


class Refused(ValueError):
    """One value refused; the message says why without repeating the value."""


Parse = Callable[[str], object]


def _date(text: str) -> date:
    try:
        if "/" in text:
            day = datetime.strptime(text, "%d/%m/%Y").date()
        else:
            day = date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
    except ValueError:
        raise Refused("is not a date (YYYY-MM-DD or DD/MM/YYYY)") from None
    if day < EARLIEST_DATE:
        raise Refused(f"is before {EARLIEST_DATE.isoformat()}")
    if day > date.today():
        raise Refused("is in the future")
    return day


def _count(maximum: int) -> Parse:
    def parse(text: str) -> int:
        try:
            value = float(text)
        except ValueError:
            raise Refused("is not a whole number") from None
        if not value.is_integer():
            raise Refused("is not a whole number")
        if value < 0 or value > maximum:
            raise Refused(f"is outside 0 to {maximum}")
        return int(value)

    return parse


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise Refused("is not a number") from None
    if not -MAX_OUTCOME <= value <= MAX_OUTCOME:  # NaN and infinities fail this too
        raise Refused(f"is outside -{MAX_OUTCOME:g} to {MAX_OUTCOME:g}")
    return value


def _code(allowed: Sequence[str], aliases: Mapping[str, str] | None = None) -> Parse:
    lookup = (
        {a: a for a in allowed}
        | {
            "not stated": NOT_STATED,
            "not known": NOT_KNOWN,
            "unknown": NOT_KNOWN,
            "y": "yes",
            "n": "no",
            "true": "yes",
            "false": "no",
        }
        | dict(aliases or {})
    )
    message = "is not one of " + ", ".join(allowed)

    def parse(text: str) -> str:
        found = lookup.get(text.lower().replace("-", "_").strip())
        if found is None or (found not in allowed):
            raise Refused(message)
        return found

    return parse


def _yes_no_flag(text: str) -> bool:
    word = text.lower()
    if word in ("yes", "y", "true", "1"):
        return True
    if word in ("no", "n", "false", "0"):
        return False
    raise Refused("is not yes or no")


def _ethnic_category(text: str) -> str:
    code = text.upper()
    if code in ("99", "Z"):
        return code
    if 1 <= len(code) <= 2 and code[0] in ETHNIC_CATEGORY_GROUP:
        return code[0]  # the second character is for local use
    raise Refused("is not an NHS ethnic category code (A to S, Z not stated, 99 not known)")


def _age_band(text: str) -> str:
    if text in AGE_BAND_LABELS:
        return text
    if text.lower() in ("not known", NOT_KNOWN, "unknown"):
        return NOT_KNOWN
    raise Refused("is not an age band (" + ", ".join(AGE_BAND_LABELS) + ")")


def band_of_age(age: int) -> str:
    label = AGE_BANDS[0][1]
    for lowest, band in AGE_BANDS:
        if age >= lowest:
            label = band
    return label


def _age(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        raise Refused("is not an age in years") from None
    if not value.is_integer() or not 0 <= value <= 120:
        raise Refused("is not an age in whole years from 0 to 120")
    return band_of_age(int(value))


def imd_decile(text: str) -> int:
    if text not in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"):
        raise Refused("is not an IMD decile (1 most deprived to 10)")
    return int(text)


def lsoa(text: str) -> str:
    code = text.upper()
    if not re.fullmatch(r"[EW]0[12]\d{6}", code):
        raise Refused("is not an LSOA code (E01 or W01 and six digits)")
    return code


def _imd_vintage(text: str) -> str:
    for name in IMD_VINTAGES:
        if text.lower() == name.lower():
            return name
    raise Refused("is not an IMD vintage (" + ", ".join(IMD_VINTAGES) + ")")


def _language(text: str) -> str:
    code = text.lower()
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise Refused("is not an ISO 639 language code (two or three letters)")
    return code


def _tags(allowed: Sequence[str]) -> Parse:
    message = "holds a value that is not one of " + ", ".join(allowed)

    def parse(text: str) -> list[str]:
        found = sorted({t.strip().lower() for t in re.split(r"[;|,]", text) if t.strip()})
        if any(t not in allowed for t in found):
            raise Refused(message)
        return found

    return parse


def _person_key(text: str) -> str:
    if looks_like_nhs_number(text):
        raise Refused("looks like an NHS number: aggregation never stores identifiers")
    if len(text) > PERSON_KEY_MAX or not _PSEUDONYM.fullmatch(text):
        raise Refused(f"is not a pseudonym (letters, digits and _-:. up to {PERSON_KEY_MAX})")
    return text


_PSEUDONYM: Final = re.compile(r"[A-Za-z0-9_\-:.]+")


def looks_like_nhs_number(text: str) -> bool:
    digits = text.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


PARSERS: Final[Mapping[str, Parse]] = {
    "person_key": _person_key,
    "referral_date": _date,
    "opted_in": _yes_no_flag,
    "appointments_offered": _count(MAX_APPOINTMENTS),
    "appointments_attended": _count(MAX_APPOINTMENTS),
    "appointments_dna": _count(MAX_APPOINTMENTS),
    "appointments_cancelled": _count(MAX_APPOINTMENTS),
    "discharge_date": _date,
    "discharge_reason": _code(DISCHARGE_REASONS, {"dropped out": "dropped_out"}),
    "contacts": _count(MAX_APPOINTMENTS),
    "length_of_stay_days": _count(MAX_DAYS),
    "outcome_before": _number,
    "outcome_after": _number,
    "age_band": _age_band,
    "age": _age,
    "sex": _code(SEXES, SEX_CODES),
    "ethnic_category": _ethnic_category,
    "imd_decile": imd_decile,
    "lsoa": lsoa,
    "imd_vintage": _imd_vintage,
    "religion": _code(RELIGIONS),
    "sexual_orientation": _code(SEXUAL_ORIENTATIONS),
    "carer": _code(YES_NO),
    "disability": _code(YES_NO),
    "military_service": _code(YES_NO),
    "pregnancy": _code(PREGNANCY),
    "language": _language,
    "interpreter_needed": _code(YES_NO),
    "inclusion_groups": _tags(INCLUSION_GROUPS),
    "clinical_areas": _tags(CLINICAL_AREAS),
}
