"""Synthetic people as UK Core Patient JSON, parsed by fhir.resources (R4B ~ R4 Patient)."""

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.patient import Patient

from services.scoring.demo_data.fhir_patient import to_uk_core_patient
from services.scoring.demo_data.generator import generate_people
from services.scoring.demo_data.organisations import DemoDataError, default_organisation_tree
from services.scoring.demo_data.person import SyntheticPerson
from services.scoring.reference_data.lookup import default_lookup

UPDATED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def people() -> list[SyntheticPerson]:
    return list(generate_people(21, 400, default_organisation_tree(), default_lookup()))


def test_every_patient_parses(people: list[SyntheticPerson]) -> None:
    for person in people:
        resource = to_uk_core_patient(person, last_updated=UPDATED)
        parsed = Patient.model_validate(json.loads(json.dumps(resource)))
        assert parsed.birthDate.isoformat() == person.birth_date.isoformat()


def test_patient_content(people: list[SyntheticPerson]) -> None:
    person = next(p for p in people if p.language and p.nhs_number)
    resource = to_uk_core_patient(person, last_updated=UPDATED)
    assert resource["meta"] == {
        "lastUpdated": "2025-03-01T09:30:00+00:00",
        "profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"],
    }
    nhs = resource["identifier"][0]
    assert nhs["system"] == "https://fhir.nhs.uk/Id/nhs-number"
    assert nhs["value"] == person.nhs_number
    status = nhs["extension"][0]
    assert status["url"].endswith("Extension-UKCore-NHSNumberVerificationStatus")
    assert status["valueCodeableConcept"]["coding"][0]["code"] == person.nhs_number_verification
    ethnic = resource["extension"][0]
    assert ethnic["url"].endswith("Extension-UKCore-EthnicCategory")
    assert ethnic["valueCodeableConcept"]["coding"][0] == {
        "system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland",
        "code": person.ethnic_category.value,
        "display": person.ethnic_category.label,
    }
    assert resource["extension"][1] == {
        "url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
        "valueBoolean": True,
    }
    assert resource["communication"][0]["language"]["coding"][0]["code"] == person.language
    assert resource["generalPractitioner"] == [
        {
            "type": "Organization",
            "identifier": {
                "system": "https://fhir.nhs.uk/Id/ods-organization-code",
                "value": person.gp_practice_code,
            },
        }
    ]
    assert resource["address"][0]["postalCode"] == person.postcode
    assert resource["gender"] == person.sex.value
    assert resource["name"][0]["family"] == person.family_name


def test_same_person_same_resource_id(people: list[SyntheticPerson]) -> None:
    a = to_uk_core_patient(people[0], last_updated=UPDATED)
    b = to_uk_core_patient(people[0], last_updated=UPDATED)
    assert a == b
    assert a["id"] != to_uk_core_patient(people[1], last_updated=UPDATED)["id"]


def test_person_without_nhs_number_has_only_the_local_identifier(
    people: list[SyntheticPerson],
) -> None:
    resource = to_uk_core_patient(replace(people[0], nhs_number=None), last_updated=UPDATED)
    assert [i["system"] for i in resource["identifier"]] == [
        "https://equitas.example/Id/" + people[0].trust_code + "/local-patient-id"
    ]
    Patient.model_validate(resource)


def test_last_updated_must_have_a_timezone(people: list[SyntheticPerson]) -> None:
    with pytest.raises(DemoDataError):
        to_uk_core_patient(people[0], last_updated=datetime(2025, 3, 1, 9, 30))
