"""Identifier searches and conditions: NHS numbers and a client's own local identifiers."""

import pytest

from services.scoring.fhir.identifiers import IdentifierSearch, parse_identifier_search
from services.scoring.fhir.operation_outcome import FhirInputError

NHS = "https://fhir.nhs.uk/Id/nhs-number"
LOCAL = "https://fhir.eqa.example/Id/rio-client-id"


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        (f"{NHS}|9990000018", IdentifierSearch(NHS, "9990000018")),
        (f"{NHS}|999 000 0018", IdentifierSearch(NHS, "9990000018")),
        # Only the syntax: whether the number is valid is the resource's rule.
        (f"{NHS}|9990000019", IdentifierSearch(NHS, "9990000019")),
        (f"{LOCAL}|RIO 123", IdentifierSearch(LOCAL, "RIO 123")),
    ],
)
def test_parse_identifier_search(param: str, expected: IdentifierSearch) -> None:
    assert parse_identifier_search(param, local_system=LOCAL) == expected


@pytest.mark.parametrize(
    ("param", "code"),
    [
        ("9990000018", "invalid"),
        (f"{NHS}|", "required"),
        (f"{LOCAL}| ", "required"),
        ("|9990000018", "not-supported"),
        ("https://fhir.example.org/Id/local|9990000018", "not-supported"),
    ],
)
def test_parse_identifier_search_errors(param: str, code: str) -> None:
    with pytest.raises(FhirInputError) as caught:
        parse_identifier_search(param, local_system=LOCAL, expression="url")
    assert [(i.code, i.expression) for i in caught.value.issues] == [(code, ["url"])]


def test_another_clients_local_system_is_not_searchable() -> None:
    with pytest.raises(FhirInputError) as caught:
        parse_identifier_search(f"{LOCAL}|RIO123")
    assert caught.value.issues[0].code == "not-supported"
    assert LOCAL not in caught.value.issues[0].diagnostics
