"""Patients as Equitas serves them (FHIR R4 JSON): reads, versions, search and history.

Sources: FHIR R4 Resource.meta (``versionId``, and ``lastUpdated`` when the server stored
the version), read / vread / history (http://hl7.org/fhir/R4/http.html), search and
history Bundles (http://hl7.org/fhir/R4/bundle.html: ``searchset`` with ``search.mode =
match`` and paging ``link``s, ``history`` with each entry's ``request`` and
``response``); decision 0017.

A Patient is served **as the EPR sent it**, with Equitas's ``id``, ``meta.versionId`` and
``meta.lastUpdated`` (``served_version``). The current version of a person staff corrected
since is that Patient with the corrected elements and a tag (``corrections``); a person
recorded in Equitas and never sent is rendered from the record (``patient_from_person``).
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.scoring.fhir.capability import UK_CORE_PATIENT_PROFILE
from services.scoring.fhir.corrections import CORRECTED_TAG, EQUITAS_TAG_SYSTEM, apply_corrections
from services.scoring.fhir.patient_elements import GMP_NUMBER_SYSTEM, ODS_ORGANIZATION_SYSTEM
from services.scoring.fhir.patient_mapping import NHS_NUMBER_SYSTEM
from services.scoring.fhir.uk_core_extensions import (
    ETHNIC_CATEGORY_URL,
    INTERPRETER_REQUIRED_URL,
    VERIFICATION_STATUS_CODES,
    VERIFICATION_STATUS_URL,
)
from services.scoring.people.models import Person

__all__ = [
    "SentVersion",
    "current_patient",
    "history_bundle",
    "patient_from_person",
    "search_bundle",
    "served_version",
]

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


def patient_from_person(person: Person, local_system: str | None = None) -> dict[str, Any]:
    """A UK Core Patient for ``person``: id, version, and the demographics Equitas keeps;
    the local id in ``local_system`` (the reading client's), if it has one."""
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
    identifiers = [_nhs_identifier(person)] if person.nhs_number is not None else []
    if person.local_id is not None and local_system is not None:
        identifiers.append({"system": local_system, "value": person.local_id})
    if identifiers:
        patient["identifier"] = identifiers
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


@dataclass(frozen=True, slots=True)
class SentVersion:
    """A Patient an EPR sent, as stored: the person's version it made, when it arrived."""

    version: int
    resource: dict[str, Any]
    received_at: datetime


def _with_server_meta(
    resource: dict[str, Any], person_id: str, version: int, last_updated: datetime
) -> dict[str, Any]:
    """A copy with the server's id, versionId and lastUpdated; the sender's other meta
    (profile, security, tags) as sent, but for tags of Equitas's own system, which say
    what Equitas did and are set only by it."""
    served = copy.deepcopy(resource)
    served["id"] = person_id
    meta = served.get("meta")
    meta = dict(meta) if isinstance(meta, dict) else {}
    tags = [
        tag
        for tag in meta.get("tag") or []
        if not (isinstance(tag, dict) and tag.get("system") == EQUITAS_TAG_SYSTEM)
    ]
    if tags:
        meta["tag"] = tags
    else:
        meta.pop("tag", None)
    meta["versionId"] = str(version)
    meta["lastUpdated"] = last_updated.isoformat()
    served["meta"] = meta
    return served


def served_version(sent: SentVersion, person_id: str) -> dict[str, Any]:
    """A Patient as the EPR sent it, with the server's id, versionId and lastUpdated."""
    return _with_server_meta(sent.resource, person_id, sent.version, sent.received_at)


def current_patient(
    person: Person, latest: SentVersion | None, today: date, local_system: str | None = None
) -> dict[str, Any]:
    """The person's current version: the latest Patient sent, with corrections staff made
    since (and a tag saying so); rendered from the record when no Patient was sent."""
    if latest is None:
        return patient_from_person(person, local_system)
    served = _with_server_meta(latest.resource, str(person.id), person.version, person.updated_at)
    if latest.version != person.version and apply_corrections(served, person, today):
        served["meta"]["tag"] = [*served["meta"].get("tag", []), CORRECTED_TAG]
    return served


def _link(relation: str, url: str) -> dict[str, str]:
    return {"relation": relation, "url": url}


def search_bundle(
    base_url: str,
    patients: Sequence[dict[str, Any]],
    *,
    total: int,
    self_url: str,
    next_url: str | None,
) -> dict[str, Any]:
    """A ``searchset`` Bundle: one page of matching Patients, with ``self`` and, when more
    follow, ``next`` links (absolute URLs a client follows as they are)."""
    links = [_link("self", self_url)]
    if next_url is not None:
        links.append(_link("next", next_url))
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base_url}/Patient/{patient['id']}",
                "resource": patient,
                "search": {"mode": "match"},
            }
            for patient in patients
        ],
    }


def history_bundle(
    base_url: str,
    versions: Sequence[dict[str, Any]],
    *,
    total: int,
    self_url: str,
    next_url: str | None,
) -> dict[str, Any]:
    """A ``history`` Bundle of a Patient's versions (newest first), each with the
    interaction that made it: a create (version 1) or an update."""
    links = [_link("self", self_url)]
    if next_url is not None:
        links.append(_link("next", next_url))
    entries = []
    for patient in versions:
        version, person_id = patient["meta"]["versionId"], patient["id"]
        created = version == "1"
        entries.append(
            {
                "fullUrl": f"{base_url}/Patient/{person_id}",
                "resource": patient,
                "request": {
                    "method": "POST" if created else "PUT",
                    "url": "Patient" if created else f"Patient/{person_id}",
                },
                "response": {
                    "status": "201 Created" if created else "200 OK",
                    "etag": f'W/"{version}"',
                    "lastModified": patient["meta"]["lastUpdated"],
                },
            }
        )
    return {
        "resourceType": "Bundle",
        "type": "history",
        "total": total,
        "link": links,
        "entry": entries,
    }
