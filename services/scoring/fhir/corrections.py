"""Staff corrections shown in the Patient an EPR sent: the read of a corrected person.

Source: decision 0017. Staff correct demographics in Equitas (``PATCH
/api/scoring/people/{id}``); the person record then differs from the latest Patient sent.
A read serves that Patient with each corrected element replaced by the person record's
value, and a ``meta.tag`` (``CORRECTED_TAG``) saying so; every other element stays as sent.
Which elements differ is found by reading the sent Patient as the push did
(``patient_elements``, ``uk_core_extensions``) and comparing with the person's columns, so
no list of corrections has to be kept beside the record.

Pure: the caller gives the sent resource (a copy it may change) and the person.
"""

from datetime import date
from typing import Any

from services.scoring.fhir import patient_elements as elements
from services.scoring.fhir.uk_core_extensions import (
    ETHNIC_CATEGORY_URL,
    INTERPRETER_REQUIRED_URL,
    patient_extensions,
)
from services.scoring.people.ethnicity import ENGLAND_SYSTEM
from services.scoring.people.models import Person
from services.scoring.people.sex import UnknownGender, from_fhir_gender

__all__ = ["CORRECTED_TAG", "EQUITAS_TAG_SYSTEM", "apply_corrections", "corrected_columns"]

EQUITAS_TAG_SYSTEM = "https://equitas.nhs.example/fhir/CodeSystem/record-status"
CORRECTED_TAG = {
    "system": EQUITAS_TAG_SYSTEM,
    "code": "corrected-in-equitas",
    "display": "Demographics corrected by staff in Equitas since this Patient was sent",
}
BCP_47 = "urn:ietf:bcp:47"


def _sent_values(resource: dict[str, Any], today: date) -> dict[str, Any]:
    """The person columns staff can correct, as the sent Patient gives them."""
    name = elements.current_name(resource.get("name"), today)
    found = patient_extensions(resource, "Patient", [])
    try:
        sex: str | None = from_fhir_gender(resource.get("gender")).value
    except UnknownGender:
        sex = None
    raw_birth = resource.get("birthDate")
    parts = elements.partial_date(raw_birth) if isinstance(raw_birth, str) else None
    return {
        "given_name": " ".join(name.given) if name else None,
        "family_name": (name.family or "") if name else None,
        "birth_date": date(*parts) if parts and len(parts) == 3 else None,
        "sex": sex,
        "ethnic_category": found.ethnic.category.value
        if found.ethnic and found.ethnic.category
        else None,
        "postcode": elements.current_postcode(resource.get("address"), today),
        "gp_practice_ods": elements.general_practitioner(resource, "Patient", []).practice_ods,
        "interpreter_required": found.interpreter_required,
        "language": elements.preferred_language(resource.get("communication")),
    }


def corrected_columns(resource: dict[str, Any], person: Person, today: date) -> list[str]:
    """The person columns whose value differs from what the sent Patient gives: the
    corrections staff made since it was sent."""
    return [
        column
        for column, sent in _sent_values(resource, today).items()
        if getattr(person, column) != sent
    ]


def apply_corrections(resource: dict[str, Any], person: Person, today: date) -> bool:
    """Replace in ``resource`` each element whose value the person record corrects;
    True when any was (the caller tags the resource)."""
    corrected = corrected_columns(resource, person, today)
    for column in corrected:
        _REPLACE[column](resource, person, today)
    return bool(corrected)


def _name(resource: dict[str, Any], person: Person, today: date) -> None:
    names = resource.setdefault("name", [])
    index = elements.current_name_index(names, today)
    if index is None:
        names.insert(0, {})
        index = 0
    name = names[index]
    name.pop("text", None)  # would still spell the name as sent
    if person.family_name:
        name["family"] = person.family_name
    else:
        name.pop("family", None)
    name["given"] = person.given_name.split()


def _birth_date(resource: dict[str, Any], person: Person, today: date) -> None:
    resource["birthDate"] = person.birth_date.isoformat()


def _gender(resource: dict[str, Any], person: Person, today: date) -> None:
    resource["gender"] = person.sex


def _extension(resource: dict[str, Any], url: str, value: dict[str, Any] | None) -> None:
    """The Patient's extension ``url`` replaced by ``value`` (removed when None)."""
    kept = [e for e in elements.as_list(resource.get("extension")) if e.get("url") != url]
    if value is not None:
        kept.append({"url": url, **value})
    if kept:
        resource["extension"] = kept
    else:
        resource.pop("extension", None)


def _ethnic_category(resource: dict[str, Any], person: Person, today: date) -> None:
    code = person.ethnic_category
    coding = {"coding": [{"system": ENGLAND_SYSTEM, "code": code}]}
    _extension(resource, ETHNIC_CATEGORY_URL, {"valueCodeableConcept": coding} if code else None)


def _interpreter(resource: dict[str, Any], person: Person, today: date) -> None:
    value = person.interpreter_required
    boolean = None if value is None else {"valueBoolean": value}
    _extension(resource, INTERPRETER_REQUIRED_URL, boolean)


def _postcode(resource: dict[str, Any], person: Person, today: date) -> None:
    addresses = resource.setdefault("address", [])
    found = elements.current_postcode_at(addresses, today)
    if found is not None and person.postcode is None:
        addresses[found[0]].pop("postalCode", None)
    elif found is not None:
        addresses[found[0]]["postalCode"] = person.postcode
    elif person.postcode is not None:
        addresses.insert(0, {"use": "home", "postalCode": person.postcode})
    if not addresses:
        resource.pop("address")


def _language(resource: dict[str, Any], person: Person, today: date) -> None:
    communication = resource.setdefault("communication", [])
    found = elements.preferred_language_at(communication)
    if found is not None:
        del communication[found[0]]
    if person.language is not None:
        language = {"coding": [{"system": BCP_47, "code": person.language}]}
        communication.insert(found[0] if found else 0, {"language": language})
    if not communication:
        resource.pop("communication")


def _gp_practice(resource: dict[str, Any], person: Person, today: date) -> None:
    """The practice by ODS code first (the one the push reads), logical references to
    other practices dropped; references to contained resources stay as sent."""
    kept = [
        gp
        for gp in elements.as_list(resource.get("generalPractitioner"))
        if not (
            isinstance(gp, dict)
            and isinstance(gp.get("identifier"), dict)
            and gp["identifier"].get("system") == elements.ODS_ORGANIZATION_SYSTEM
        )
    ]
    if person.gp_practice_ods is not None:
        ods = {"system": elements.ODS_ORGANIZATION_SYSTEM, "value": person.gp_practice_ods}
        kept.insert(0, {"type": "Organization", "identifier": ods})
    if kept:
        resource["generalPractitioner"] = kept
    else:
        resource.pop("generalPractitioner", None)


_REPLACE = {
    "given_name": _name,
    "family_name": _name,
    "birth_date": _birth_date,
    "sex": _gender,
    "ethnic_category": _ethnic_category,
    "postcode": _postcode,
    "gp_practice_ods": _gp_practice,
    "interpreter_required": _interpreter,
    "language": _language,
}
