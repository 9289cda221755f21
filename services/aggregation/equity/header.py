"""An activity file's header: which columns it may have, which it must not, and the layout
each row is read by (pure: no I/O).

Aggregation never holds identifiers or free text (decision 0032): a column that names a
person (NHS number, name, date of birth, postcode, address) refuses the file, or an NHS
number is replaced by a keyed pseudonym when the service is configured with a key.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from services.aggregation.equity.values import PARSERS, Parse

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
    "inclusion_groups", "clinical_areas", "imd_vintage",
)  # fmt: skip
# Columns a file may have: the stored ones bar the derived ethnic group, plus age in years.
ACCEPTED_COLUMNS: Final = frozenset(STORED_COLUMNS) - {"ethnic_group"} | {"age"}
REQUIRED_COLUMNS: Final = frozenset({"referral_date"})
# Person keys are all different: remembering them would only cost memory.
NOT_REMEMBERED: Final[dict[str, object]] = {}


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
    def plan(self) -> tuple[tuple[int, str, str, Parse, dict[str, object]], ...]:
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
    remember = tuple({} if n != "person_key" else NOT_REMEMBERED for n in names)
    return Layout(tuple(names), nhs_at, remember)
