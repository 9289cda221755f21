import copy
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.scoring.fhir.operation_outcome import FhirInputError
from services.scoring.fhir.parsing import parse_resource
from services.scoring.fhir.patient_mapping import MappedPatient, map_patient
from services.scoring.people.sex import Sex

ENGLAND = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"
WALES = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryWales"
NHS = "https://fhir.nhs.uk/Id/nhs-number"
STATUS_URL = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
)
ETHNIC_URL = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"

FULL = MappedPatient(
    id="rio-100234",
    nhs_number="9990000026",
    local_id=None,
    nhs_number_verification_status="01",
    family_name="Jones",
    given_names=("Amelia", "Rose"),
    name_prefixes=("Mrs",),
    sex=Sex.FEMALE,
    birth_date=date(1984, 7, 15),
    postcode="LS1 4AP",
    gp_practice_ods="A81001",
    gp_practitioner_gmp="G1234567",
    gp_references=("#registered-practice",),
    interpreter_required=True,
    language="pa",
    ethnic_category_code="H",
    ethnic_category_system=ENGLAND,
    ethnic_category_source_code="H",
    ethnic_category_mapped=True,
    last_updated=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
)
MINIMAL = MappedPatient(
    id=None,
    nhs_number="9990000018",
    local_id=None,
    nhs_number_verification_status=None,
    family_name="Smith",
    given_names=("Sam",),
    name_prefixes=(),
    sex=Sex.UNKNOWN,
    birth_date=date(2001, 2, 3),
    postcode=None,
    gp_practice_ods=None,
    gp_practitioner_gmp=None,
    gp_references=(),
    interpreter_required=None,
    language=None,
    ethnic_category_code=None,
    ethnic_category_system=None,
    ethnic_category_source_code=None,
    ethnic_category_mapped=False,
    last_updated=None,
)
WELSH = MappedPatient(
    id="wpas-5521",
    nhs_number="9990000034",
    local_id=None,
    nhs_number_verification_status="02",
    family_name="Price",
    given_names=("Rhys",),
    name_prefixes=(),
    sex=Sex.MALE,
    birth_date=date(1962, 11, 30),
    postcode="NP20 1AB",
    gp_practice_ods=None,
    gp_practitioner_gmp=None,
    gp_references=("Organization/W97001",),
    interpreter_required=None,
    language=None,
    # Welsh "B" is Gypsy or Irish Traveller, not England's White Irish: kept, never mapped.
    ethnic_category_code=None,
    ethnic_category_system=WALES,
    ethnic_category_source_code="B",
    ethnic_category_mapped=False,
    last_updated=None,
)
UNKNOWN_EXTENSIONS = MappedPatient(
    id="emis-77120",
    nhs_number="9990000042",
    local_id=None,
    nhs_number_verification_status=None,
    family_name="Okafor",
    given_names=("Chidi",),
    name_prefixes=(),
    sex=Sex.OTHER,
    birth_date=date(1999, 12, 31),
    postcode=None,
    gp_practice_ods=None,
    gp_practitioner_gmp=None,
    gp_references=(),
    interpreter_required=None,
    language="ig",
    ethnic_category_code="Z",
    ethnic_category_system=ENGLAND,
    ethnic_category_source_code="Z",
    ethnic_category_mapped=True,
    last_updated=None,
)


def _problems(resource: Any, **kwargs: Any) -> list[tuple[str, list[str]]]:
    with pytest.raises(FhirInputError) as caught:
        map_patient(resource, **kwargs)
    return [(issue.code, issue.expression) for issue in caught.value.issues]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("patient-full.json", FULL),
        ("patient-full.xml", FULL),
        ("patient-minimal.json", MINIMAL),
        ("patient-minimal.xml", MINIMAL),
        ("patient-welsh-ethnicity.json", WELSH),
        ("patient-unknown-extensions.json", UNKNOWN_EXTENSIONS),
    ],
)
def test_fixture_maps_to_expected_patient(
    name: str, expected: MappedPatient, fixture_bytes: Callable[[str], bytes], today: date
) -> None:
    content_type = "application/fhir+xml" if name.endswith(".xml") else "application/fhir+json"
    resource = parse_resource(fixture_bytes(name), content_type)
    assert map_patient(resource, today=today) == expected


def test_mapping_does_not_change_the_resource(
    fixture_json: Callable[[str], Any], today: date
) -> None:
    resource = fixture_json("patient-full.json")
    original = copy.deepcopy(resource)
    map_patient(resource, today=today)
    assert resource == original


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("invalid-wrong-resource-type.json", [("structure", ["Patient.resourceType"])]),
        ("invalid-bad-nhs-number.json", [("value", ["Patient.identifier[1].value"])]),
        ("invalid-missing-nhs-number.json", [("required", ["Patient.identifier"])]),
        (
            "invalid-unknown-ethnic-system.json",
            [("code-invalid", ["Patient.extension[0].valueCodeableConcept.coding[0].system"])],
        ),
        ("invalid-future-birth-date.json", [("value", ["Patient.birthDate"])]),
    ],
)
def test_invalid_fixture_gives_exact_issues(
    name: str,
    expected: list[tuple[str, list[str]]],
    fixture_json: Callable[[str], Any],
    today: date,
) -> None:
    assert _problems(fixture_json(name), today=today) == expected


def test_every_problem_is_reported_together(
    fixture_json: Callable[[str], Any], today: date
) -> None:
    with pytest.raises(FhirInputError) as caught:
        map_patient(fixture_json("invalid-many-problems.json"), today=today)
    assert [(i.code, i.expression[0], i.diagnostics) for i in caught.value.issues] == [
        (
            "value",
            "Patient.birthDate",
            "Input should be a valid date or datetime, day value is outside expected range",
        ),
        (
            "value",
            "Patient.name[0].given[1]",
            "Not a valid value for its FHIR datatype (empty, or wrong format)",
        ),
        ("structure", "Patient.unknownElement", "Extra inputs are not permitted"),
        ("value", "Patient.identifier[0].value", "Not a valid NHS number (not_10_digits)"),
        (
            "code-invalid",
            "Patient.identifier[0].extension[0].valueCodeableConcept.coding[0].code",
            "Not an NHS number verification status code (01-08)",
        ),
        ("not-supported", "Patient.modifierExtension[0]", "Modifier extensions are not understood"),
        (
            "code-invalid",
            "Patient.extension[0].valueCodeableConcept.coding[0].code",
            "Not a code in this ethnic category code system",
        ),
        (
            "required",
            "Patient.extension[1].valueBoolean",
            "interpreterRequired needs a valueBoolean",
        ),
        ("code-invalid", "Patient.gender", "gender must be male, female, other or unknown"),
        (
            "not-found",
            "Patient.generalPractitioner[0].reference",
            "No contained resource has this id",
        ),
    ]


def test_expression_prefix_roots_every_path(
    fixture_json: Callable[[str], Any], today: date
) -> None:
    resource = fixture_json("invalid-bad-nhs-number.json")
    prefix = "Bundle.entry[7].resource"
    assert _problems(resource, expression_prefix=prefix, today=today) == [
        ("value", ["Bundle.entry[7].resource.identifier[1].value"])
    ]
    wrong = fixture_json("invalid-wrong-resource-type.json")
    assert _problems(wrong, expression_prefix=prefix) == [
        ("structure", ["Bundle.entry[7].resource.resourceType"])
    ]


def _minimal(**changes: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": NHS, "value": "9990000018"}],
        "name": [{"family": "Smith", "given": ["Sam"]}],
        "birthDate": "2001-02-03",
    }
    return resource | changes


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ([], [("structure", ["Patient"])]),
        ({"name": []}, [("required", ["Patient.resourceType"])]),
        ({"resourceType": "patient"}, [("structure", ["Patient.resourceType"])]),
        (_minimal(identifier=[]), [("required", ["Patient.identifier"])]),
        (
            _minimal(identifier=[{"system": NHS}]),
            [("required", ["Patient.identifier[0].value"])],
        ),
        (
            _minimal(
                identifier=[
                    {"system": NHS, "value": "9990000018"},
                    {"system": NHS, "value": "9990000026"},
                ]
            ),
            [("structure", ["Patient.identifier[1]"])],
        ),
        (
            _minimal(identifier=[{"system": NHS, "value": "9990000019"}]),
            [("value", ["Patient.identifier[0].value"])],
        ),
        (_minimal(name=[]), [("required", ["Patient.name"])]),
        (
            _minimal(
                name=[{"use": "nickname", "given": ["Sammy"]}, {"use": "old", "family": "Jones"}]
            ),
            [("required", ["Patient.name"])],
        ),
        (_minimal(birthDate=None), [("required", ["Patient.birthDate"])]),
        (_minimal(birthDate="2001"), [("value", ["Patient.birthDate"])]),
        (_minimal(birthDate="2026-01-16"), [("value", ["Patient.birthDate"])]),
        (_minimal(birthDate="2027"), [("value", ["Patient.birthDate"])]),
        (_minimal(gender="Male"), [("code-invalid", ["Patient.gender"])]),
        (
            _minimal(contained=[{"resourceType": "Spaceship"}, {"name": "no type"}]),
            [
                ("structure", ["Patient.contained[0].resourceType"]),
                ("structure", ["Patient.contained[1].resourceType"]),
            ],
        ),
        (
            _minimal(
                communication=[
                    {
                        "language": {"text": "Welsh"},
                        "modifierExtension": [{"url": "u", "valueBoolean": True}],
                    }
                ]
            ),
            [("not-supported", ["Patient.communication[0].modifierExtension[0]"])],
        ),
        (
            _minimal(
                extension=[
                    {
                        "url": ETHNIC_URL,
                        "valueCodeableConcept": {"coding": [{"system": ENGLAND, "code": "A"}]},
                    }
                ]
                * 2
            ),
            [("structure", ["Patient.extension[1]"])],
        ),
        (
            _minimal(extension=[{"url": ETHNIC_URL, "valueString": "A"}]),
            [("required", ["Patient.extension[0].valueCodeableConcept"])],
        ),
        (
            _minimal(extension=[{"url": ETHNIC_URL, "valueCodeableConcept": {"text": "British"}}]),
            [("code-invalid", ["Patient.extension[0].valueCodeableConcept.coding"])],
        ),
    ],
)
def test_rule_violations(resource: Any, expected: list[tuple[str, list[str]]], today: date) -> None:
    assert _problems(resource, today=today) == expected


def test_birth_date_today_is_not_in_the_future(today: date) -> None:
    assert map_patient(_minimal(birthDate=today.isoformat()), today=today).birth_date == today


def _status(code: str, system: str) -> dict[str, Any]:
    return {
        "url": STATUS_URL,
        "valueCodeableConcept": {"coding": [{"system": system, "code": code}]},
    }


@pytest.mark.parametrize(
    ("extension", "expected"),
    [
        (
            _status(
                "08", "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
            ),
            "08",
        ),
        # PDS still uses the older code system name with the same codes.
        (
            _status("01", "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus"),
            "01",
        ),
    ],
)
def test_verification_status(extension: dict[str, Any], expected: str, today: date) -> None:
    resource = _minimal(
        identifier=[{"system": NHS, "value": "9990000018", "extension": [extension]}]
    )
    assert map_patient(resource, today=today).nhs_number_verification_status == expected


@pytest.mark.parametrize(
    ("extension", "where"),
    [
        (
            _status(
                "9", "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
            ),
            "Patient.identifier[0].extension[0].valueCodeableConcept.coding[0].code",
        ),
        (
            _status("01", "http://example.org/other-system"),
            "Patient.identifier[0].extension[0].valueCodeableConcept.coding",
        ),
    ],
)
def test_bad_verification_status(extension: dict[str, Any], where: str, today: date) -> None:
    resource = _minimal(
        identifier=[{"system": NHS, "value": "9990000018", "extension": [extension]}]
    )
    assert _problems(resource, today=today) == [("code-invalid", [where])]


def test_older_uk_core_ethnic_system_is_kept_unmapped(today: date) -> None:
    system = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategory"
    extension = {
        "url": ETHNIC_URL,
        "valueCodeableConcept": {"coding": [{"system": system, "code": "A"}]},
    }
    mapped = map_patient(_minimal(extension=[extension]), today=today)
    assert (
        mapped.ethnic_category_code,
        mapped.ethnic_category_system,
        mapped.ethnic_category_source_code,
        mapped.ethnic_category_mapped,
    ) == (None, system, "A", False)


def test_not_known_ethnic_category(today: date) -> None:
    extension = {
        "url": ETHNIC_URL,
        "valueCodeableConcept": {"coding": [{"system": ENGLAND, "code": "99"}]},
    }
    assert map_patient(_minimal(extension=[extension]), today=today).ethnic_category_code == "99"


def test_name_choice_official_then_usual_then_unlabelled(today: date) -> None:
    names = [
        {"family": "Unlabelled", "given": ["U"]},
        {"use": "usual", "family": "Usual", "given": ["Us"]},
        {"use": "official", "family": "Ended", "given": ["E"], "period": {"end": "2020-01-01"}},
    ]
    assert map_patient(_minimal(name=names), today=today).family_name == "Usual"
    assert map_patient(_minimal(name=names[:1]), today=today).family_name == "Unlabelled"
    # A name with only a given name (a mononymous person) is a name.
    mononym = map_patient(_minimal(name=[{"given": ["Prince"]}]), today=today)
    assert (mononym.family_name, mononym.given_names) == (None, ("Prince",))


@pytest.mark.parametrize(
    ("addresses", "expected"),
    [
        ([{"use": "work", "postalCode": "LS1 4AP"}], None),
        ([{"use": "old", "postalCode": "LS1 4AP"}], None),
        ([{"use": "temp", "postalCode": "LS2 9JT"}, {"postalCode": "ls14ap"}], "LS1 4AP"),
        ([{"use": "home", "postalCode": "LS1 4AP", "period": {"end": "2025-12"}}], None),
        ([{"use": "home", "postalCode": "LS1 4AP", "period": {"end": "2026-01"}}], "LS1 4AP"),
        (
            [{"use": "home", "postalCode": "75008"}, {"use": "temp", "postalCode": "B1 1AA"}],
            "B1 1AA",
        ),
        ([{"use": "home", "city": "Leeds"}], None),
    ],
)
def test_postcode_choice(
    addresses: list[dict[str, Any]], expected: str | None, today: date
) -> None:
    assert map_patient(_minimal(address=addresses), today=today).postcode == expected


def test_general_practitioner_by_contained_resources(today: date) -> None:
    resource = _minimal(
        contained=[
            {
                "resourceType": "Practitioner",
                "id": "gp",
                "identifier": [
                    {"system": "https://fhir.hl7.org.uk/Id/gmp-number", "value": "g7654321"}
                ],
            },
            {
                "resourceType": "Organization",
                "id": "practice",
                "identifier": [
                    {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "b82005"}
                ],
            },
        ],
        generalPractitioner=[
            {"reference": "#gp"},
            {"reference": "#practice"},
            {"reference": "Organization/A81001"},
        ],
    )
    mapped = map_patient(resource, today=today)
    assert (mapped.gp_practice_ods, mapped.gp_practitioner_gmp, mapped.gp_references) == (
        "B82005",
        "G7654321",
        ("#gp", "#practice", "Organization/A81001"),
    )


def test_interpreter_not_required_and_first_language_without_preference(today: date) -> None:
    resource = _minimal(
        extension=[
            {
                "url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
                "valueBoolean": False,
            }
        ],
        communication=[
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "cy"}]}},
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}},
        ],
    )
    mapped = map_patient(resource, today=today)
    assert (mapped.interpreter_required, mapped.language) == (False, "cy")


def test_absurdly_deep_nesting_is_a_structure_issue_not_a_crash(today: date) -> None:
    extension: dict[str, Any] = {"url": "https://example.org/x", "valueString": "x"}
    for _ in range(1000):
        extension = {"url": "https://example.org/x", "extension": [extension]}
    assert _problems(_minimal(extension=[extension]), today=today) == [("structure", ["Patient"])]


def test_default_today_is_used_without_argument() -> None:
    assert map_patient(_minimal()).birth_date == date(2001, 2, 3)
    assert _problems(_minimal(birthDate="2999-01-01")) == [("value", ["Patient.birthDate"])]
