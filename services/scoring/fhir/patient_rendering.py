"""The person record as a UK Core Patient (FHIR R4 JSON), for reads and search results.

Sources: UK Core Patient (https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient) and
its extensions, as read by ``patient_mapping``; FHIR R4 Resource.meta (``versionId`` is the
record's version, ``lastUpdated`` when Equitas last changed it) and search Bundles
(http://hl7.org/fhir/R4/bundle.html, ``searchset`` with ``search.mode = match``).

A read returns what Equitas holds now (including corrections staff made), in the same
elements an EPR sends. Each Patient an EPR sent is kept as sent and served by version
(``served_version``); its logical id and versionId become Equitas's.
"""

import copy
from typing import Any

from services.scoring.fhir.capability import UK_CORE_PATIENT_PROFILE
from services.scoring.fhir.patient_elements import GMP_NUMBER_SYSTEM, ODS_ORGANIZATION_SYSTEM
from services.scoring.fhir.patient_mapping import NHS_NUMBER_SYSTEM
from services.scoring.fhir.uk_core_extensions import (
    ETHNIC_CATEGORY_URL,
    INTERPRETER_REQUIRED_URL,
    VERIFICATION_STATUS_CODES,
    VERIFICATION_STATUS_URL,
)
from services.scoring.people.models import Person

__all__ = ["patient_from_person", "search_bundle", "served_version"]

_VERIFICATION_SYSTEM = (
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
)


def _nhs_identifier(person: Person) -> dict[str, Any]:
    identifier: dict[str, Any] = {"system": NHS_NUMBER_SYSTEM, "value": person.nhs_number}
    status = person.nhs_number_verification_status
    if status is not None:
        coding = {"system": _VERIFICATION_SYSTEM, "code": status}
        if status in VERIFICATION_STATUS_CODES:
            coding["display"] = VERIFICATION_STATUS_CODES[status]
        concept = {"coding": [coding]}
        identifier["extension"] = [
            {"url": VERIFICATION_STATUS_URL, "valueCodeableConcept": concept}
        ]
    return identifier


def patient_from_person(person: Person) -> dict[str, Any]:
    """A UK Core Patient for ``person``: id, version, and the demographics Equitas keeps."""
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(person.id),
        "meta": {
            "versionId": str(person.version),
            "lastUpdated": person.updated_at.isoformat(),
            "profile": [UK_CORE_PATIENT_PROFILE],
        },
    }
    extensions: list[dict[str, Any]] = []
    if person.ethnic_category_system and person.ethnic_category_source_code:
        coding = {
            "system": person.ethnic_category_system,
            "code": person.ethnic_category_source_code,
        }
        extensions.append(
            {"url": ETHNIC_CATEGORY_URL, "valueCodeableConcept": {"coding": [coding]}}
        )
    if person.interpreter_required is not None:
        extensions.append(
            {"url": INTERPRETER_REQUIRED_URL, "valueBoolean": person.interpreter_required}
        )
    if extensions:
        patient["extension"] = extensions
    if person.nhs_number is not None:
        patient["identifier"] = [_nhs_identifier(person)]
    name: dict[str, Any] = {"use": "official"}
    if person.family_name:
        name["family"] = person.family_name
    if person.given_name:
        name["given"] = person.given_name.split()
    patient["name"] = [name]
    patient["gender"] = person.sex
    patient["birthDate"] = person.birth_date.isoformat()
    if person.postcode is not None:
        patient["address"] = [{"use": "home", "postalCode": person.postcode}]
    if person.language is not None:
        language = {"coding": [{"code": person.language}]}
        patient["communication"] = [{"language": language, "preferred": True}]
    practitioners: list[dict[str, Any]] = []
    if person.gp_practice_ods is not None:
        ods = {"system": ODS_ORGANIZATION_SYSTEM, "value": person.gp_practice_ods}
        practitioners.append({"type": "Organization", "identifier": ods})
    if person.gp_practitioner_gmp is not None:
        gmp = {"system": GMP_NUMBER_SYSTEM, "value": person.gp_practitioner_gmp}
        practitioners.append({"type": "Practitioner", "identifier": gmp})
    if practitioners:
        patient["generalPractitioner"] = practitioners
    return patient


def served_version(resource: dict[str, Any], person: Person, version: int) -> dict[str, Any]:
    """A Patient as an EPR sent it, with Equitas's logical id and that version's id.

    The sender's own ``id`` is not Equitas's; everything else, ``meta.lastUpdated``
    included, is as sent.
    """
    served = copy.deepcopy(resource)
    served["id"] = str(person.id)
    meta = served.get("meta")
    served["meta"] = {**(meta if isinstance(meta, dict) else {}), "versionId": str(version)}
    return served


def search_bundle(base_url: str, patients: list[dict[str, Any]]) -> dict[str, Any]:
    """A ``searchset`` Bundle of matching Patients."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(patients),
        "entry": [
            {
                "fullUrl": f"{base_url}/Patient/{patient['id']}",
                "resource": patient,
                "search": {"mode": "match"},
            }
            for patient in patients
        ],
    }
