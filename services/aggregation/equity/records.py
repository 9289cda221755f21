"""An activity record: one row of a service's activity file checked and turned into the
values stored (pure: no I/O).

A service's activity file has one row per referral (episode) of a person: what happened
(referral, opt-in, appointments offered / attended / not attended (DNA) / cancelled,
discharge and why, contacts or length of stay, an outcome measure before and after) and who
it happened to, as codes only (age band, sex, NHS ethnic category, IMD decile or LSOA, and
optional characteristics). Each column's rule is in ``values``, the header's in ``header``;
``check_row`` turns one row (strings, as read from CSV, XLSX or JSON) into the values
stored, or the reasons it is refused. An LSOA's IMD decile is found afterwards
(``imd.DecileFinder``), from the lookup an administrator loads.
"""

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from services.aggregation.dimensions import NOT_KNOWN
from services.aggregation.equity.codes import ETHNIC_CATEGORY_GROUP
from services.aggregation.equity.header import NOT_REMEMBERED, STORED_COLUMNS, Layout
from services.aggregation.equity.values import Refused, looks_like_nhs_number

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
