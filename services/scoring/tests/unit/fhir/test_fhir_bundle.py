from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from services.scoring.fhir.bundle import (
    EntryResponse,
    entry_failure_status,
    parse_bundle,
    response_bundle,
)
from services.scoring.fhir.identifiers import IdentifierSearch
from services.scoring.fhir.operation_outcome import FhirInputError, Issue
from services.scoring.fhir.parsing import parse_resource

NHS = "https://fhir.nhs.uk/Id/nhs-number"


def _problems(resource: Any, **kwargs: Any) -> list[tuple[str, list[str]]]:
    with pytest.raises(FhirInputError) as caught:
        parse_bundle(resource, **kwargs)
    return [(issue.code, issue.expression) for issue in caught.value.issues]


def _patient(nhs_number: str) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": NHS, "value": nhs_number}],
        "name": [{"family": "Test", "given": ["Person"]}],
        "birthDate": "1990-01-01",
    }


def _bundle(kind: str, *entries: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": list(entries)}


def _post(nhs_number: str, **request: Any) -> dict[str, Any]:
    return {
        "resource": _patient(nhs_number),
        "request": {"method": "POST", "url": "Patient"} | request,
    }


@pytest.mark.parametrize("name", ["bundle-transaction.json", "bundle-transaction.xml"])
def test_transaction_fixture(name: str, fixture_bytes: Callable[[str], bytes], today: date) -> None:
    content_type = "application/fhir+xml" if name.endswith(".xml") else "application/fhir+json"
    parsed = parse_bundle(parse_resource(fixture_bytes(name), content_type), today=today)
    assert parsed.type == "transaction"
    assert [
        (e.index, e.method, e.url is not None, e.if_none_exist, e.conditional, e.if_match_version)
        for e in parsed.entries
    ] == [
        (0, "POST", True, IdentifierSearch(NHS, "9990000050"), None, None),
        (1, "PUT", True, None, IdentifierSearch(NHS, "9990000069"), 4),
        (2, "POST", True, None, None, None),
    ]
    assert [e.full_url for e in parsed.entries] == [
        "urn:uuid:2d7b0a4e-3b1c-4f57-9a4e-0c1f3a5d6e01",
        "urn:uuid:2d7b0a4e-3b1c-4f57-9a4e-0c1f3a5d6e02",
        "urn:uuid:2d7b0a4e-3b1c-4f57-9a4e-0c1f3a5d6e03",
    ]
    patients = [e.patient for e in parsed.entries]
    assert [(p.nhs_number, p.family_name) for p in patients if p] == [
        ("9990000050", "Begum"),
        ("9990000069", "Nowak"),
        ("9990000077", "Ali"),
    ]
    assert patients[0] is not None
    assert patients[0].postcode == "B1 1AA"
    assert all(e.issues == () and e.resource is not None for e in parsed.entries)


def test_batch_fixture_keeps_entry_errors_on_their_entries(
    fixture_json: Callable[[str], Any], today: date
) -> None:
    parsed = parse_bundle(fixture_json("bundle-batch.json"), today=today)
    assert parsed.type == "batch"
    assert [(e.patient.nhs_number if e.patient else None) for e in parsed.entries] == [
        "9990000085",
        None,
        None,
        None,
    ]
    assert [[(i.code, i.expression) for i in e.issues] for e in parsed.entries] == [
        [],
        [("value", ["Bundle.entry[1].resource.identifier[0].value"])],
        [("invalid", ["Bundle.entry[2].request.url"])],
        [("not-supported", ["Bundle.entry[3].request.method"])],
    ]


def test_transaction_fails_as_a_whole_listing_every_problem(
    fixture_json: Callable[[str], Any], today: date
) -> None:
    batch = fixture_json("bundle-batch.json")
    assert _problems(batch | {"type": "transaction"}, today=today) == [
        ("value", ["Bundle.entry[1].resource.identifier[0].value"]),
        ("invalid", ["Bundle.entry[2].request.url"]),
        ("not-supported", ["Bundle.entry[3].request.method"]),
    ]


def test_entry_limit_is_checked_before_entries_are_read() -> None:
    bundle = _bundle("batch", *[{"not": "even an entry"}] * 6)
    assert _problems(bundle, max_entries=5) == [("too-costly", ["Bundle.entry"])]
    assert (
        len(parse_bundle(_bundle("batch", *[_post("9990000018")] * 5), max_entries=5).entries) == 5
    )


def test_empty_transaction_is_allowed() -> None:
    assert parse_bundle({"resourceType": "Bundle", "type": "transaction"}).entries == ()


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("Bundle", [("structure", ["Bundle.resourceType"])]),
        (_patient("9990000018"), [("structure", ["Bundle.resourceType"])]),
        (_bundle("collection"), [("not-supported", ["Bundle.type"])]),
        ({"resourceType": "Bundle", "entry": []}, [("not-supported", ["Bundle.type"])]),
        (_bundle("batch") | {"entry": {}}, [("structure", ["Bundle.entry"])]),
        (_bundle("batch") | {"total": 3, "colour": "red"}, [("structure", ["Bundle.colour"])]),
    ],
)
def test_envelope_errors(resource: Any, expected: list[tuple[str, list[str]]]) -> None:
    assert _problems(resource) == expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("not an object", [("structure", ["Bundle.entry[0]"])]),
        ({"resource": _patient("9990000018")}, [("required", ["Bundle.entry[0].request"])]),
        (
            {"request": {"method": "POST", "url": "Patient"}},
            [("required", ["Bundle.entry[0].resource"])],
        ),
        (
            _post("9990000018") | {"search": {"mode": "match"}},
            [("structure", ["Bundle.entry[0].search"])],
        ),
        (
            {
                "resource": _patient("9990000018"),
                "request": {"method": "POST", "url": "Patient", "verb": "x"},
            },
            [("structure", ["Bundle.entry[0].request.verb"])],
        ),
        (
            {"resource": _patient("9990000018"), "request": {"method": "POST"}},
            [("required", ["Bundle.entry[0].request.url"])],
        ),
        (
            {
                "resource": _patient("9990000018"),
                "request": {"method": "POST", "url": "Observation"},
            },
            [("not-supported", ["Bundle.entry[0].request.url"])],
        ),
        (
            {
                "resource": _patient("9990000018"),
                "request": {"method": "PUT", "url": "Patient/123"},
            },
            [("not-supported", ["Bundle.entry[0].request.url"])],
        ),
        (
            {
                "resource": _patient("9990000018"),
                "request": {"method": "PUT", "url": "Patient?name=Test"},
            },
            [("not-supported", ["Bundle.entry[0].request.url"])],
        ),
        (
            {
                "resource": _patient("9990000018"),
                "request": {"method": "PUT", "url": f"Patient?identifier={NHS}|9990000019"},
            },
            [("invalid", ["Bundle.entry[0].request.url"])],
        ),
        (
            {
                "resource": _patient("9990000018"),
                "request": {
                    "method": "PUT",
                    "url": f"Patient?identifier={NHS}|9990000018",
                    "ifNoneExist": f"identifier={NHS}|9990000018",
                },
            },
            [("invalid", ["Bundle.entry[0].request.ifNoneExist"])],
        ),
        (
            _post("9990000018", ifNoneExist=f"identifier={NHS}|9990000026"),
            [("invalid", ["Bundle.entry[0].request.ifNoneExist"])],
        ),
        (
            _post("9990000018", ifNoneExist="identifier=https://fhir.example.org/Id/local|123"),
            [("not-supported", ["Bundle.entry[0].request.ifNoneExist"])],
        ),
        (
            _post("9990000018", ifMatch='W/"3"'),
            [("invalid", ["Bundle.entry[0].request.ifMatch"])],
        ),
        (
            {
                "resource": _patient("9990000018"),
                "request": {
                    "method": "PUT",
                    "url": f"Patient?identifier={NHS}|9990000019",
                    "ifMatch": "version 3",
                },
            },
            [
                ("value", ["Bundle.entry[0].request.ifMatch"]),
                ("invalid", ["Bundle.entry[0].request.url"]),
            ],
        ),
        (
            {
                "resource": {"resourceType": "Organization"},
                "request": {"method": "POST", "url": "Patient"},
            },
            [("structure", ["Bundle.entry[0].resource.resourceType"])],
        ),
    ],
)
def test_entry_errors(entry: Any, expected: list[tuple[str, list[str]]], today: date) -> None:
    (parsed,) = parse_bundle(_bundle("batch", entry), today=today).entries
    assert [(i.code, i.expression) for i in parsed.issues] == expected
    assert parsed.patient is None


@pytest.mark.parametrize(
    "if_none_exist",
    [
        f"identifier={NHS}|9990000018",
        f"Patient?identifier={NHS}|9990000018",
        "identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C999%20000%200018",
    ],
)
def test_if_none_exist_forms(if_none_exist: str, today: date) -> None:
    bundle = _bundle("transaction", _post("9990000018", ifNoneExist=if_none_exist))
    (entry,) = parse_bundle(bundle, today=today).entries
    assert entry.if_none_exist == IdentifierSearch(NHS, "9990000018")


def test_transaction_may_not_touch_one_patient_twice(today: date) -> None:
    put = {
        "resource": _patient("9990000018"),
        "request": {"method": "PUT", "url": f"Patient?identifier={NHS}|9990000018"},
    }
    bundle = _bundle("transaction", _post("9990000018"), _post("9990000026"), put)
    assert _problems(bundle, today=today) == [("duplicate", ["Bundle.entry[2]"])]
    # A batch's entries are independent requests, processed in order.
    assert len(parse_bundle(bundle | {"type": "batch"}, today=today).entries) == 3


def test_full_urls_must_be_unique_in_any_bundle(today: date) -> None:
    url = "urn:uuid:0b5c9a34-6d43-4d0e-9d39-5f4c7f2a1a11"
    bundle = _bundle(
        "batch", _post("9990000018") | {"fullUrl": url}, _post("9990000026") | {"fullUrl": url}
    )
    assert _problems(bundle, today=today) == [("duplicate", ["Bundle.entry[1].fullUrl"])]


def test_transaction_response_bundle_is_valid_fhir() -> None:
    modified = datetime(2025, 3, 1, 9, 31, 5, tzinfo=UTC)
    bundle = response_bundle(
        "transaction",
        [
            EntryResponse(201, "Patient/5d1c/_history/1", 1, modified),
            EntryResponse(200, "Patient/77ab/_history/5", 5, modified),
        ],
        bundle_id="resp-1",
    )
    Bundle.model_validate(bundle)
    assert bundle == {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "id": "resp-1",
        "entry": [
            {
                "response": {
                    "status": "201 Created",
                    "location": "Patient/5d1c/_history/1",
                    "etag": 'W/"1"',
                    "lastModified": "2025-03-01T09:31:05+00:00",
                }
            },
            {
                "response": {
                    "status": "200 OK",
                    "location": "Patient/77ab/_history/5",
                    "etag": 'W/"5"',
                    "lastModified": "2025-03-01T09:31:05+00:00",
                }
            },
        ],
    }


def test_batch_response_bundle_carries_outcomes_for_failed_entries(
    fixture_json: Callable[[str], Any], today: date
) -> None:
    parsed = parse_bundle(fixture_json("bundle-batch.json"), today=today)
    responses = [
        EntryResponse(entry_failure_status(e.issues), issues=e.issues)
        if e.issues
        else EntryResponse(200, "Patient/a1/_history/2", 2, datetime(2025, 3, 1, tzinfo=UTC))
        for e in parsed.entries
    ]
    bundle = response_bundle("batch", responses)
    Bundle.model_validate(bundle)
    statuses = [entry["response"]["status"] for entry in bundle["entry"]]
    assert statuses == [
        "200 OK",
        "422 Unprocessable Entity",
        "422 Unprocessable Entity",
        "400 Bad Request",
    ]
    assert bundle["entry"][1]["response"]["outcome"] == {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "value",
                "diagnostics": "Not a valid NHS number (check_digit_mismatch)",
                "expression": ["Bundle.entry[1].resource.identifier[0].value"],
            }
        ],
    }
    assert "outcome" not in bundle["entry"][0]["response"]


def test_last_modified_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        response_bundle("batch", [EntryResponse(200, last_modified=datetime(2025, 3, 1))])


@pytest.mark.parametrize(
    ("codes", "status"),
    [
        (["value"], 422),
        (["required", "code-invalid"], 422),
        (["value", "structure"], 400),
        (["not-supported"], 400),
    ],
)
def test_entry_failure_status(codes: list[Any], status: int) -> None:
    assert entry_failure_status([Issue.error(code, "x") for code in codes]) == status
