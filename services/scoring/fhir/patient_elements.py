"""Reading single Patient elements from raw FHIR JSON: name, address, GP, language, dates.

Source: FHIR R4 datatypes (HumanName, Address, Period, Reference:
http://hl7.org/fhir/R4/datatypes.html, http://hl7.org/fhir/R4/references.html) and the UK
Core Patient guidance on ``generalPractitioner`` (a Practitioner by GMP number and/or an
Organization by ODS code, as a literal or a logical reference).

Input may be invalid (schema validation runs alongside, not before), so each function
checks types and skips what it cannot read; it never raises on input.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.scoring.fhir.operation_outcome import Issue
from services.scoring.reference_data.postcodes import InvalidPostcode, normalise_postcode

__all__ = [
    "GMP_NUMBER_SYSTEM",
    "ODS_ORGANIZATION_SYSTEM",
    "CurrentName",
    "GeneralPractitioner",
    "as_list",
    "current_name",
    "current_name_index",
    "current_postcode",
    "current_postcode_at",
    "general_practitioner",
    "partial_date",
    "period_ended",
    "preferred_language",
    "preferred_language_at",
]

ODS_ORGANIZATION_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
GMP_NUMBER_SYSTEM = "https://fhir.hl7.org.uk/Id/gmp-number"

# FHIR date / dateTime start: YYYY, YYYY-MM or YYYY-MM-DD (anything after is a time).
_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?")

# Name.use order of preference: the legal name, then the one in use, then an unlabelled
# one. old / maiden / nickname / anonymous / temp names are never the person's name.
_NAME_USE_RANK = {"official": 0, "usual": 1, None: 2}
# Address.use: home first, then unlabelled, then temporary; work and billing addresses
# say nothing about where the person lives, and old ones are history.
_ADDRESS_USE_RANK = {"home": 0, None: 1, "temp": 2}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _code(value: Any) -> str | None:
    """A code, or None for an absent one; a wrong JSON type becomes "" (ranks nowhere)."""
    return value if value is None or isinstance(value, str) else ""


def partial_date(raw: str) -> tuple[int, ...] | None:
    """(year[, month[, day]]) of a FHIR date or the date part of a dateTime, else None."""
    match = _PARTIAL_DATE.match(raw)
    if match is None:
        return None
    parts = tuple(int(part) for part in match.groups() if part is not None)
    if len(parts) == 3:
        try:
            date(*parts)
        except ValueError:  # 2023-02-30 has the right shape but is no date
            return None
    return parts


def period_ended(period: Any, today: date) -> bool:
    """True when a Period's ``end`` is before today (a partial end covers its whole span)."""
    end = period.get("end") if isinstance(period, dict) else None
    parsed = partial_date(end) if isinstance(end, str) else None
    if parsed is None:
        return False
    return parsed < (today.year, today.month, today.day)[: len(parsed)]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(item for item in as_list(value) if isinstance(item, str) and item.strip())


@dataclass(frozen=True, slots=True)
class CurrentName:
    family: str | None
    given: tuple[str, ...]
    prefixes: tuple[str, ...]


def _read_name(name: dict[str, Any]) -> CurrentName:
    family = name.get("family")
    family = family if isinstance(family, str) and family.strip() else None
    return CurrentName(family, _strings(name.get("given")), _strings(name.get("prefix")))


def current_name_index(names: Any, today: date) -> int | None:
    """Position of the best current name: official, else usual, else unlabelled; ended
    ones and ones with neither a family nor a given name skipped."""
    candidates: list[tuple[int, int]] = []
    for position, name in enumerate(as_list(names)):
        if not isinstance(name, dict) or period_ended(name.get("period"), today):
            continue
        rank = _NAME_USE_RANK.get(_code(name.get("use")))
        read = _read_name(name)
        if rank is not None and (read.family is not None or read.given):
            candidates.append((rank, position))
    return min(candidates)[1] if candidates else None


def current_name(names: Any, today: date) -> CurrentName | None:
    """The best current name (``current_name_index``)."""
    index = current_name_index(names, today)
    return None if index is None else _read_name(as_list(names)[index])


def _postcode(raw: str) -> str | None:
    """Adapter to the reference data's postcode rule. Not UK-shaped (an overseas address)
    gives None: no deprivation can be derived, and the resource keeps what was sent."""
    try:
        return normalise_postcode(raw)
    except InvalidPostcode:
        return None


def current_postcode_at(addresses: Any, today: date) -> tuple[int, str] | None:
    """(position, postcode) of the current home address (else unlabelled, else temporary)
    with a UK postcode."""
    candidates: list[tuple[int, int, str]] = []
    for position, address in enumerate(as_list(addresses)):
        if not isinstance(address, dict) or period_ended(address.get("period"), today):
            continue
        rank = _ADDRESS_USE_RANK.get(_code(address.get("use")))
        raw = address.get("postalCode")
        postcode = _postcode(raw) if isinstance(raw, str) else None
        if rank is not None and postcode is not None:
            candidates.append((rank, position, postcode))
    return min(candidates)[1:] if candidates else None


def current_postcode(addresses: Any, today: date) -> str | None:
    """Postcode of the current home address (``current_postcode_at``)."""
    found = current_postcode_at(addresses, today)
    return None if found is None else found[1]


def preferred_language_at(communication: Any) -> tuple[int, str] | None:
    """(position, language code) of the preferred communication entry, else of the first
    one with a code."""
    codes: list[tuple[bool, int, str]] = []
    for position, entry in enumerate(as_list(communication)):
        language = entry.get("language") if isinstance(entry, dict) else None
        codings = as_list(language.get("coding")) if isinstance(language, dict) else []
        code = next(
            (c["code"] for c in codings if isinstance(c, dict) and isinstance(c.get("code"), str)),
            None,
        )
        if code is not None:
            codes.append((entry.get("preferred") is not True, position, code))
    return min(codes)[1:] if codes else None


def preferred_language(communication: Any) -> str | None:
    """Language code of the preferred communication entry (``preferred_language_at``)."""
    found = preferred_language_at(communication)
    return None if found is None else found[1]


@dataclass(frozen=True, slots=True)
class GeneralPractitioner:
    practice_ods: str | None
    practitioner_gmp: str | None
    references: tuple[str, ...]


def _identifier_values(identifiers: Iterable[Any], system: str) -> list[str]:
    return [
        identifier["value"].strip().upper()
        for identifier in identifiers
        if isinstance(identifier, dict)
        and identifier.get("system") == system
        and isinstance(identifier.get("value"), str)
        and identifier["value"].strip()
    ]


def general_practitioner(
    resource: dict[str, Any], prefix: str, issues: list[Issue]
) -> GeneralPractitioner:
    """The registered GP practice (ODS code) and GP (GMP number), first of each.

    Read from logical references (``identifier``) and from contained resources that
    ``#id`` references point at. Other literal references (``Organization/A81001``) are
    kept as sent: their id is the sender's, not necessarily an ODS code. A ``#id`` that
    matches no contained resource is ``not-found``.
    """
    contained = {
        item["id"]: item
        for item in as_list(resource.get("contained"))
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }
    practices: list[str] = []
    practitioners: list[str] = []
    references: list[str] = []
    for i, gp in enumerate(as_list(resource.get("generalPractitioner"))):
        if not isinstance(gp, dict):
            continue
        practices += _identifier_values([gp.get("identifier")], ODS_ORGANIZATION_SYSTEM)
        practitioners += _identifier_values([gp.get("identifier")], GMP_NUMBER_SYSTEM)
        reference = gp.get("reference")
        if not isinstance(reference, str):
            continue
        references.append(reference)
        if not reference.startswith("#"):
            continue
        target = contained.get(reference[1:])
        if target is None:
            issues.append(
                Issue.error(
                    "not-found",
                    "No contained resource has this id",
                    f"{prefix}.generalPractitioner[{i}].reference",
                )
            )
            continue
        target_identifiers = as_list(target.get("identifier"))
        if target.get("resourceType") == "Organization":
            practices += _identifier_values(target_identifiers, ODS_ORGANIZATION_SYSTEM)
        elif target.get("resourceType") == "Practitioner":
            practitioners += _identifier_values(target_identifiers, GMP_NUMBER_SYSTEM)
    return GeneralPractitioner(
        practice_ods=practices[0] if practices else None,
        practitioner_gmp=practitioners[0] if practitioners else None,
        references=tuple(references),
    )
