"""A synthetic person as a FHIR R4 UK Core Patient, as an EPR would send it.

Source: HL7 UK, UK Core R4 implementation guide, profile ``UKCore-Patient``
(https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient): NHS number identifier
(``https://fhir.nhs.uk/Id/nhs-number``) with ``Extension-UKCore-NHSNumberVerificationStatus``;
ethnic category in ``Extension-UKCore-EthnicCategory`` coded in
``UKCore-EthnicCategoryEngland``; registered GP practice as ``generalPractitioner`` with
an ODS code identifier; interpreter need in the HL7 core extension
``patient-interpreterRequired``. Language is coded in BCP-47 (``urn:ietf:bcp:47``), the
base FHIR binding for ``communication.language``.
"""

import uuid
from datetime import datetime
from typing import Any

from services.scoring.demo_data.organisations import DemoDataError
from services.scoring.demo_data.person import SyntheticPerson
from services.scoring.people.ethnicity import ENGLAND_SYSTEM

UK_CORE_PATIENT = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
ETHNIC_CATEGORY_EXTENSION = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
)
VERIFICATION_EXTENSION = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
)
VERIFICATION_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
INTERPRETER_EXTENSION = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
LANGUAGE_SYSTEM = "urn:ietf:bcp:47"
# A reserved example domain, so the demo local-identifier system can never be a real one.
LOCAL_ID_SYSTEM = "https://equitas.example/Id/{organisation}/local-patient-id"

_VERIFICATION_DISPLAY = {
    "01": "Number present and verified",
    "02": "Number present but not traced",
}
# Fixed namespace: the same person always gets the same resource id.
_PATIENT_ID_NAMESPACE = uuid.UUID("5b1c3c8e-6a43-4d0e-9a57-2f0d8e1f4e21")


def to_uk_core_patient(person: SyntheticPerson, *, last_updated: datetime) -> dict[str, Any]:
    """UK Core Patient JSON (as a dict) for a synthetic person.

    ``last_updated`` must be timezone-aware (FHIR ``instant`` requires an offset).
    """
    if last_updated.tzinfo is None or last_updated.utcoffset() is None:
        raise DemoDataError("last_updated must be timezone-aware (FHIR instant)")
    identifiers: list[dict[str, Any]] = []
    if person.nhs_number is not None:
        status = person.nhs_number_verification
        coding = {"system": VERIFICATION_SYSTEM, "code": status}
        if status in _VERIFICATION_DISPLAY:
            coding["display"] = _VERIFICATION_DISPLAY[status]
        identifiers.append(
            {
                "extension": [
                    {"url": VERIFICATION_EXTENSION, "valueCodeableConcept": {"coding": [coding]}}
                ],
                "system": NHS_NUMBER_SYSTEM,
                "value": person.nhs_number,
            }
        )
    identifiers.append(
        {
            "system": LOCAL_ID_SYSTEM.format(organisation=person.trust_code),
            "value": person.local_id,
        }
    )
    category = person.ethnic_category
    extensions: list[dict[str, Any]] = [
        {
            "url": ETHNIC_CATEGORY_EXTENSION,
            "valueCodeableConcept": {
                "coding": [
                    {"system": ENGLAND_SYSTEM, "code": category.value, "display": category.label}
                ]
            },
        }
    ]
    if person.interpreter_required is not None:
        extensions.append(
            {"url": INTERPRETER_EXTENSION, "valueBoolean": person.interpreter_required}
        )
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(uuid.uuid5(_PATIENT_ID_NAMESPACE, person.local_id)),
        "meta": {
            "lastUpdated": last_updated.isoformat(timespec="seconds"),
            "profile": [UK_CORE_PATIENT],
        },
        "extension": extensions,
        "identifier": identifiers,
        "name": [{"use": "official", "family": person.family_name, "given": [person.given_name]}],
        "gender": person.sex.value,
        "birthDate": person.birth_date.isoformat(),
        "address": [{"use": "home", "postalCode": person.postcode}],
        "generalPractitioner": [
            {
                "type": "Organization",
                "identifier": {"system": ODS_SYSTEM, "value": person.gp_practice_code},
            }
        ],
    }
    if person.language is not None:
        resource["communication"] = [
            {
                "language": {"coding": [{"system": LANGUAGE_SYSTEM, "code": person.language}]},
                "preferred": True,
            }
        ]
    return resource
