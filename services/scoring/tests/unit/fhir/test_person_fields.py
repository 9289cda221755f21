"""Mapped Patients -> person columns, column limits, and the person back as a Patient."""

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fhir.resources.R4B.patient import Patient

from services.scoring.fhir.operation_outcome import FhirInputError
from services.scoring.fhir.patient_mapping import STORED_LENGTHS, map_patient
from services.scoring.fhir.patient_rendering import (
    SentVersion,
    patient_from_person,
    served_version,
)
from services.scoring.fhir.person_fields import person_fields
from services.scoring.people.models import Person
from services.scoring.people.service import apply_postcode
from services.scoring.reference_data.lookup import default_lookup


def test_stored_lengths_are_the_person_columns() -> None:
    for name, length in STORED_LENGTHS.items():
        column_type = Person.__table__.c[name].type  # type: ignore[attr-defined]
        assert getattr(column_type, "length", None) == length, name


@pytest.mark.parametrize("postcode", ["ZZ1 0AA", "zz10ab", "LS1 4AP", None])
def test_deprivation_is_the_people_services(postcode: str | None) -> None:
    lookup = default_lookup()
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"}],
        "name": [{"family": "Smith", "given": ["Sam"]}],
        "birthDate": "2001-02-03",
    }
    if postcode is not None:
        resource["address"] = [{"postalCode": postcode}]
    fields = person_fields(map_patient(resource, today=date(2026, 1, 15)), lookup)
    person = Person(
        organisation_id=uuid.uuid4(),
        given_name="x",
        family_name="x",
        birth_date=date(2001, 2, 3),
        sex="unknown",
    )
    apply_postcode(person, map_patient(resource).postcode, lookup)
    assert (
        fields.postcode, fields.lsoa_code, fields.imd_decile, fields.imd_vintage,
        fields.imd_status,
    ) == (
        person.postcode, person.lsoa_code, person.imd_decile, person.imd_vintage,
        person.imd_status,
    )  # fmt: skip


def test_values_longer_than_stored_are_refused_where_they_are(
    fixture_json: Callable[[str], Any], today: date
) -> None:
    resource = fixture_json("patient-full.json")
    resource["communication"][1]["language"]["coding"][0]["code"] = "x" * 17
    resource["generalPractitioner"][0]["identifier"]["value"] = "A" * 13
    resource["name"][1]["given"] = ["G" * 60, "H" * 40]
    with pytest.raises(FhirInputError) as raised:
        map_patient(resource, today=today)
    assert sorted(i.expression[0] for i in raised.value.issues) == [
        "Patient.communication.language.coding.code",
        "Patient.generalPractitioner.identifier.value",
        "Patient.name.given",
    ]
    assert {i.code for i in raised.value.issues} == {"value"}


def test_full_fixture_as_person_columns(fixture_json: Callable[[str], Any], today: date) -> None:
    fields = person_fields(
        map_patient(fixture_json("patient-full.json"), today=today), default_lookup()
    )
    assert (fields.given_name, fields.family_name, fields.sex) == ("Amelia Rose", "Jones", "female")
    assert (fields.ethnic_category, fields.ethnic_category_source_code) == ("H", "H")
    assert (fields.language, fields.interpreter_required) == ("pa", True)
    assert fields.source_last_updated == datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def _person(**fields: Any) -> Person:
    values: dict[str, Any] = {
        "id": uuid.UUID(int=7),
        "organisation_id": uuid.uuid4(),
        "nhs_number": "9990000026",
        "nhs_number_verification_status": "01",
        "given_name": "Amelia Rose",
        "family_name": "Jones",
        "birth_date": date(1984, 7, 15),
        "sex": "female",
        "ethnic_category": "H",
        "ethnic_category_system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland",
        "ethnic_category_source_code": "H",
        "postcode": "LS1 4AP",
        "gp_practice_ods": "A81001",
        "gp_practitioner_gmp": "G1234567",
        "interpreter_required": True,
        "language": "pa",
        "version": 4,
        "updated_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    }
    return Person(**(values | fields))


def test_person_as_a_patient_maps_back_to_the_same_fields(today: date) -> None:
    person = _person()
    served = patient_from_person(person)
    Patient.model_validate(served)
    assert served["meta"]["versionId"] == "4"
    assert served["meta"]["lastUpdated"] == "2026-01-02T03:04:05+00:00"
    again = person_fields(map_patient(served, today=today), default_lookup())
    assert (again.nhs_number, again.nhs_number_verification_status) == ("9990000026", "01")
    assert (again.given_name, again.family_name, again.birth_date) == (
        "Amelia Rose", "Jones", date(1984, 7, 15),
    )  # fmt: skip
    assert (again.ethnic_category, again.postcode, again.language) == ("H", "LS1 4AP", "pa")
    assert (again.gp_practice_ods, again.gp_practitioner_gmp) == ("A81001", "G1234567")
    assert again.interpreter_required is True


def test_a_sparse_person_is_still_a_valid_patient() -> None:
    person = _person(
        nhs_number=None, nhs_number_verification_status=None, family_name="",
        ethnic_category=None, ethnic_category_system=None, ethnic_category_source_code=None,
        postcode=None, gp_practice_ods=None, gp_practitioner_gmp=None,
        interpreter_required=None, language=None,
    )  # fmt: skip
    served = patient_from_person(person)
    Patient.model_validate(served)
    assert served["name"] == [{"use": "official", "given": ["Amelia", "Rose"]}]
    assert "identifier" not in served
    assert "extension" not in served


def test_a_version_is_served_as_sent_under_equitas_ids(
    fixture_json: Callable[[str], Any],
) -> None:
    sent = fixture_json("patient-full.json")
    received = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    served = served_version(SentVersion(2, sent, received), str(uuid.UUID(int=7)))
    assert (served["id"], served["meta"]["versionId"]) == (str(uuid.UUID(int=7)), "2")
    assert served["meta"]["lastUpdated"] == "2026-01-02T03:04:05+00:00"  # when it was stored
    assert sent["id"] == "rio-100234"  # the original is not changed
    assert {k: v for k, v in served.items() if k not in ("id", "meta")} == {
        k: v for k, v in sent.items() if k not in ("id", "meta")
    }
    assert served["meta"]["profile"] == sent["meta"]["profile"]  # the rest of meta as sent
