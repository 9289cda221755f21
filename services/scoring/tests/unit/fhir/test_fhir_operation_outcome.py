import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

from services.scoring.fhir.operation_outcome import (
    FhirInputError,
    Issue,
    fhirpath_from_loc,
    issues_from_validation_error,
    operation_outcome,
)


@pytest.mark.parametrize(
    ("loc", "prefix", "expected"),
    [
        (("name", 0, "given", 1), "Patient", "Patient.name[0].given[1]"),
        (("birthDate",), "Patient", "Patient.birthDate"),
        (("_birthDate", "extension", 0, "url"), "Patient", "Patient.birthDate.extension[0].url"),
        (("resource_type",), "Patient", "Patient.resourceType"),
        (("contained", 0, "root"), "Patient", "Patient.contained[0]"),
        (
            ("identifier", 2, "value"),
            "Bundle.entry[4].resource",
            "Bundle.entry[4].resource.identifier[2].value",
        ),
        ((), "Patient", "Patient"),
        (("extension", 0, "function-after[validate(), str]"), "Patient", "Patient.extension[0]"),
    ],
)
def test_fhirpath_from_loc(loc: tuple[int | str, ...], prefix: str, expected: str) -> None:
    assert fhirpath_from_loc(loc, prefix) == expected


def _validation_error(resource: dict[str, object]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Patient.model_validate(resource)
    return caught.value


def test_validation_errors_become_issues_with_fhirpath_and_type() -> None:
    error = _validation_error(
        {
            "resourceType": "Patient",
            "name": [{"given": ["Sam", ""]}],
            "birthDate": "2001-13-01",
            "communication": [{}],
            "identifier": "not-a-list",
            "bogus": 1,
        }
    )
    issues = issues_from_validation_error(error, "Patient")
    found = {(issue.code, issue.expression[0]) for issue in issues}
    assert found == {
        ("value", "Patient.name[0].given[1]"),
        ("value", "Patient.birthDate"),
        ("required", "Patient.communication[0].language"),
        ("structure", "Patient.identifier"),
        ("structure", "Patient.bogus"),
    }
    assert all(issue.severity == "error" for issue in issues)


def test_validation_diagnostics_never_echo_the_input() -> None:
    error = _validation_error({"resourceType": "Patient", "birthDate": "SECRET-VALUE"})
    (issue,) = issues_from_validation_error(error, "Patient")
    assert "SECRET-VALUE" not in issue.diagnostics


def test_operation_outcome_is_a_valid_r4_resource() -> None:
    issues = [
        Issue.error("value", "Not a valid NHS number", "Patient.identifier[0].value"),
        Issue("warning", "informational", "Unknown extension kept"),
    ]
    outcome = operation_outcome(issues)
    OperationOutcome.model_validate(outcome)
    assert outcome == {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "value",
                "diagnostics": "Not a valid NHS number",
                "expression": ["Patient.identifier[0].value"],
            },
            {
                "severity": "warning",
                "code": "informational",
                "diagnostics": "Unknown extension kept",
            },
        ],
    }


def test_empty_operation_outcome_still_has_an_issue() -> None:
    outcome = operation_outcome([])
    OperationOutcome.model_validate(outcome)
    assert outcome["issue"] == [
        {"severity": "information", "code": "informational", "diagnostics": "OK"}
    ]


def test_fhir_input_error_carries_every_issue() -> None:
    issues = [
        Issue.error("required", "birthDate is required", "Patient.birthDate"),
        Issue.error("value", "birthDate is in the future", "Patient.birthDate"),
    ]
    error = FhirInputError(issues)
    assert error.issues == issues
    assert str(error) == "birthDate is required; birthDate is in the future"


def test_fhir_input_error_needs_an_issue() -> None:
    with pytest.raises(ValueError, match="at least one issue"):
        FhirInputError([])
