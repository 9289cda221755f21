"""An activity record and the rules each of its columns keeps (pure: no I/O).

A service's activity file has one row per referral (episode) of a person: what happened
(referral, opt-in, appointments offered / attended / not attended (DNA) / cancelled,
discharge and why, contacts or length of stay, an outcome measure before and after) and who
it happened to, as codes only (age band, sex, NHS ethnic category, IMD decile or LSOA, and
optional characteristics). Aggregation never holds identifiers or free text (decision
0032): a column that names a person (NHS number, name, date of birth, postcode, address) is
refused, or an NHS number is replaced by a keyed pseudonym when the service is configured
with a key; every other value is a code from a fixed list, a number or a date.

Every rule is written here once; ``check_row`` turns one row (strings, as read from CSV,
XLSX or JSON) into the values stored, or the reasons it is refused.
"""

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from services.aggregation.dimensions import ETHNIC_GROUPS, NOT_KNOWN

NOT_STATED = "not_stated"
EARLIEST_DATE = date(2000, 1, 1)
MAX_APPOINTMENTS = 10_000
MAX_DAYS = 36_600
MAX_OUTCOME = 1e6
PERSON_KEY_MAX = 80

AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "0-17"),
    (18, "18-24"),
    (25, "25-34"),
    (35, "35-44"),
    (45, "45-54"),
    (55, "55-64"),
    (65, "65-74"),
    (75, "75-84"),
    (85, "85+"),
)
AGE_BAND_LABELS: Final = tuple(b for _, b in AGE_BANDS)

# NHS ethnic category (Data Dictionary, 2001 census classification): national code first.
ETHNIC_CATEGORY_GROUP: Final = {
    **dict.fromkeys("ABC", "white"),
    **dict.fromkeys("DEFG", "mixed"),
    **dict.fromkeys("HJKL", "asian_or_asian_british"),
    **dict.fromkeys("MNP", "black_or_black_british"),
    **dict.fromkeys("RS", "other"),
    "Z": NOT_STATED,
}
ETHNIC_CATEGORIES: Final = (*sorted(ETHNIC_CATEGORY_GROUP), "99")
assert set(ETHNIC_CATEGORY_GROUP.values()) | {NOT_KNOWN} == set(ETHNIC_GROUPS)

# Person stated gender code (1, 2, 9, X) or the words.
SEXES: Final = ("male", "female", "other", NOT_STATED, NOT_KNOWN)
_SEX_CODES: Final = {"1": "male", "2": "female", "9": "other", "x": NOT_KNOWN, "0": NOT_KNOWN}

YES_NO: Final = ("yes", "no", NOT_STATED, NOT_KNOWN)
RELIGIONS: Final = (
    "no_religion", "christian", "buddhist", "hindu", "jewish", "muslim", "sikh", "other",
    NOT_STATED, NOT_KNOWN,
)  # fmt: skip
SEXUAL_ORIENTATIONS: Final = (
    "heterosexual", "gay_or_lesbian", "bisexual", "other", NOT_STATED, NOT_KNOWN,
)  # fmt: skip
PREGNANCY: Final = ("pregnant", "postnatal", "no", NOT_STATED, NOT_KNOWN)
DISCHARGE_REASONS: Final = ("completed", "dropped_out", "transferred", "other")
INCLUSION_GROUPS: Final = (
    "homelessness", "drug_alcohol_dependence", "vulnerable_migrant", "gypsy_roma_traveller",
    "sex_worker", "justice_system", "modern_slavery", "other_excluded",
)  # fmt: skip
# Core20PLUS5's five clinical areas (adults, then children and young people).
CLINICAL_AREAS: Final = (
    "maternity", "severe_mental_illness", "chronic_respiratory", "early_cancer",
    "hypertension", "asthma", "diabetes", "epilepsy", "oral_health", "mental_health",
)  # fmt: skip

# Columns that would put a person's identity in aggregation, by normalised header.
IDENTIFIER_COLUMNS: Final = {
    "nhs_number": "an NHS number",
    "nhsnumber": "an NHS number",
    "nhs_no": "an NHS number",
    "nhsno": "an NHS number",
    "chi_number": "a CHI number",
    "hospital_number": "a hospital number",
    "mrn": "a hospital number",
    "local_patient_id": "a local patient identifier",
    "patient_id": "a local patient identifier",
    "name": "a name",
    "full_name": "a name",
    "patient_name": "a name",
    "first_name": "a name",
    "forename": "a name",
    "given_name": "a name",
    "surname": "a name",
    "last_name": "a name",
    "family_name": "a name",
    "date_of_birth": "a date of birth",
    "dob": "a date of birth",
    "birth_date": "a date of birth",
    "postcode": "a postcode",
    "post_code": "a postcode",
    "address": "an address",
    "email": "an email address",
    "phone": "a telephone number",
    "telephone": "a telephone number",
}
NHS_NUMBER_COLUMNS: Final = frozenset({"nhs_number", "nhsnumber", "nhs_no", "nhsno"})

STORED_COLUMNS: Final = (
    "person_key", "referral_date", "opted_in", "appointments_offered", "appointments_attended",
    "appointments_dna", "appointments_cancelled", "discharge_date", "discharge_reason",
    "contacts", "length_of_stay_days", "outcome_before", "outcome_after", "age_band", "sex",
    "ethnic_category", "ethnic_group", "imd_decile", "lsoa", "religion", "sexual_orientation",
    "carer", "disability", "military_service", "pregnancy", "language", "interpreter_needed",
    "inclusion_groups", "clinical_areas",
)  # fmt: skip
# Columns a file may have: the stored ones bar the derived ethnic group, plus age in years.
ACCEPTED_COLUMNS: Final = frozenset(STORED_COLUMNS) - {"ethnic_group"} | {"age"}
REQUIRED_COLUMNS: Final = frozenset({"referral_date"})


def normalise_header(header: str) -> str:
    """``"Ethnic Category"`` -> ``ethnic_category``; ``"NHS No."`` -> ``nhs_no``."""
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


@dataclass(frozen=True)
class HeaderProblem:
    column: str
    message: str


@dataclass(frozen=True)
class Layout:
    """Which stored value each column of a file gives (by position), and each column's
    values already read (a file repeats the same codes, counts and dates: reading each once
    is most of the speed of a large import)."""

    columns: tuple[str, ...]
    nhs_number_at: int | None
    seen: tuple[dict[str, object], ...] = ()

    @property
    def plan(self) -> tuple[tuple[int, str, str, "Parse", dict[str, object]], ...]:
        """(position, column, stored as, parser, values seen) of each column but the NHS
        number, worked out once per file."""
        found = self.__dict__.get("_plan")
        if found is None:
            found = tuple(
                (at, name, "age_band" if name == "age" else name, PARSERS[name], self.seen[at])
                for at, name in enumerate(self.columns)
                if at != self.nhs_number_at
            )
            object.__setattr__(self, "_plan", found)
        return found

    def index(self, name: str) -> int | None:
        return self.columns.index(name) if name in self.columns else None


def read_header(headers: Sequence[str], *, may_pseudonymise: bool) -> Layout | list[HeaderProblem]:
    """The layout of a file from its header row, or every problem with it: identifier
    columns (an NHS number is accepted only when it can be pseudonymised), unknown or
    repeated columns, a required column missing, age given twice."""
    problems: list[HeaderProblem] = []
    names = [normalise_header(h) for h in headers]
    seen: set[str] = set()
    nhs_at: int | None = None
    for at, (raw, name) in enumerate(zip(headers, names, strict=True)):
        label = raw.strip() or f"column {at + 1}"
        if name in NHS_NUMBER_COLUMNS and may_pseudonymise and nhs_at is None:
            nhs_at = at
        elif name in IDENTIFIER_COLUMNS:
            problems.append(
                HeaderProblem(
                    label,
                    f"holds {IDENTIFIER_COLUMNS[name]}: aggregation never stores identifiers; "
                    "remove the column (or use a pseudonymised person_key)",
                )
            )
        elif name not in ACCEPTED_COLUMNS:
            problems.append(HeaderProblem(label, "is not a column of an activity file"))
        elif name in seen:
            problems.append(HeaderProblem(label, "appears twice"))
        seen.add(name)
    for missing in sorted(REQUIRED_COLUMNS - seen):
        problems.append(HeaderProblem(missing, "is required and missing"))
    if "age" in seen and "age_band" in seen:
        problems.append(HeaderProblem("age", "give age or age_band, not both"))
    if problems:
        return problems
    # Person keys are all different: remembering them would only cost memory.
    remember = tuple({} if n != "person_key" else NOT_REMEMBERED for n in names)
    return Layout(tuple(names), nhs_at, remember)


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


def _imd_decile(text: str) -> int:
    if text not in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"):
        raise Refused("is not an IMD decile (1 most deprived to 10)")
    return int(text)


def _lsoa(text: str) -> str:
    code = text.upper()
    if not re.fullmatch(r"[EW]0[12]\d{6}", code):
        raise Refused("is not an LSOA code (E01 or W01 and six digits)")
    return code


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
    "sex": _code(SEXES, _SEX_CODES),
    "ethnic_category": _ethnic_category,
    "imd_decile": _imd_decile,
    "lsoa": _lsoa,
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
# Unrecorded characteristics are stored as "not known" so completeness can count them.
DEFAULTS: Final[Mapping[str, object]] = {
    "age_band": NOT_KNOWN,
    "sex": NOT_KNOWN,
    "ethnic_category": "99",
    "religion": NOT_KNOWN,
    "sexual_orientation": NOT_KNOWN,
    "carer": NOT_KNOWN,
    "disability": NOT_KNOWN,
    "military_service": NOT_KNOWN,
    "pregnancy": NOT_KNOWN,
    "interpreter_needed": NOT_KNOWN,
}
EMPTY_TAGS: Final = ("inclusion_groups", "clinical_areas")
# A row before its cells are read (the empty tag lists are shared: nothing changes them).
ROW_TEMPLATE: Final[dict[str, object]] = {
    **dict.fromkeys(STORED_COLUMNS),
    **DEFAULTS,
    **{tags: [] for tags in EMPTY_TAGS},
}


_UNSEEN: Final = object()
SEEN_MAX: Final = 4_096
NOT_REMEMBERED: Final[dict[str, object]] = {}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


def pseudonym(key: bytes, nhs_number: str) -> str:
    """The keyed pseudonym of an NHS number (HMAC-SHA256, as scoring's person keys)."""
    digits = re.sub(r"[\s-]", "", nhs_number)
    return "pk_" + hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def check_row(
    layout: Layout, cells: Sequence[str], row: int, key: bytes | None = None
) -> dict[str, object] | list[RowProblem]:
    """The stored values of one row (every stored column present), or its problems."""
    problems: list[RowProblem] = []
    values = ROW_TEMPLATE.copy()
    width = len(layout.columns)
    if len(cells) != width and (len(cells) < width or any(c.strip() for c in cells[width:])):
        return [
            RowProblem(row, "*", f"has {len(cells)} cells; the header has {len(layout.columns)}")
        ]
    if layout.nhs_number_at is not None:
        text = cells[layout.nhs_number_at].strip()
        if text:
            if key is None or not looks_like_nhs_number(text):
                problems.append(
                    RowProblem(
                        row, layout.columns[layout.nhs_number_at], "is not a valid NHS number"
                    )
                )
            else:
                values["person_key"] = pseudonym(key, text)
    for at, name, stored, parse, seen in layout.plan:
        text = cells[at].strip()
        if not text:
            continue
        value = seen.get(text, _UNSEEN)
        if value is _UNSEEN:
            try:
                value = parse(text)
            except Refused as refused:
                problems.append(RowProblem(row, name, str(refused)))
                continue
            if seen is not NOT_REMEMBERED and len(seen) < SEEN_MAX:
                seen[text] = value
        values[stored] = value
    if problems:
        return problems
    return _consistent(values, row)


def _consistent(values: dict[str, object], row: int) -> dict[str, object] | list[RowProblem]:
    problems: list[RowProblem] = []
    referral = values.get("referral_date")
    if referral is None:
        return [RowProblem(row, "referral_date", "is required")]
    discharge = values.get("discharge_date")
    if isinstance(discharge, date) and isinstance(referral, date) and discharge < referral:
        problems.append(RowProblem(row, "discharge_date", "is before the referral date"))
    offered = values.get("appointments_offered")
    if isinstance(offered, int):
        used = sum(
            v
            for k in ("appointments_attended", "appointments_dna", "appointments_cancelled")
            if isinstance(v := values.get(k), int)
        )
        if used > offered:
            problems.append(
                RowProblem(
                    row,
                    "appointments_offered",
                    "is fewer than those attended, not attended and cancelled together",
                )
            )
    if values.get("discharge_reason") is not None and discharge is None:
        problems.append(RowProblem(row, "discharge_date", "is required with a discharge reason"))
    if problems:
        return problems
    if values.get("length_of_stay_days") is None and isinstance(discharge, date):
        assert isinstance(referral, date)
        values["length_of_stay_days"] = (discharge - referral).days
    category = values["ethnic_category"]
    values["ethnic_group"] = ETHNIC_CATEGORY_GROUP.get(str(category), NOT_KNOWN)
    return values
