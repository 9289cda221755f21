"""Transaction and batch Bundles of Patients through the gateway, with real tokens."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from equitas_stack.stack import Stack

from services.scoring.demo_data.fhir_patient import to_uk_core_patient
from services.scoring.demo_data.generator import generate_people
from services.scoring.demo_data.organisations import default_organisation_tree
from services.scoring.reference_data.lookup import default_lookup
from services.scoring.tests.api.fhir_helpers import (
    FHIR_XML,
    NHS_SYSTEM,
    RIO,
    assert_operation_outcome,
    body,
    epr_headers,
    fixture_bytes,
    outcome_codes,
    patient,
    people_with_number,
    resources_mentioning,
    scoring_db,
    xml_with_nhs_number,
)
from tests.support.fixtures import Tokens

NhsNumber = Callable[[], str]


def entry(resource: Any, method: str = "POST", **request: str) -> dict[str, Any]:
    number = next(
        (i["value"] for i in resource.get("identifier", []) if i.get("system") == NHS_SYSTEM),
        None,
    )
    url = "Patient" if method == "POST" else f"Patient?identifier={NHS_SYSTEM}|{number}"
    return {"resource": resource, "request": {"method": method, "url": url, **request}}


def bundle_of(kind: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


def named(number: str, family: str, last_updated: str | None = None) -> dict[str, Any]:
    resource = patient(number, name=[{"use": "official", "family": family, "given": ["Kim"]}])
    if last_updated is not None:
        resource["meta"] = {"lastUpdated": last_updated}
    return resource


async def post_bundle(
    gateway: httpx.AsyncClient, tokens: Tokens, bundle: dict[str, Any], **headers: str
) -> httpx.Response:
    return await gateway.post(
        "/fhir", content=body(bundle), headers=await epr_headers(tokens) | headers, timeout=120
    )


def statuses(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["response"]["status"] for e in response.json()["entry"]]


async def test_transaction_creates_everyone_and_audits_each(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    numbers = [nhs_number() for _ in range(3)]
    transaction = bundle_of(
        "transaction", [entry(named(n, f"T{i}")) for i, n in enumerate(numbers)]
    )
    response = await post_bundle(gateway, tokens, transaction)
    assert statuses(response) == ["201 Created"] * 3
    result = response.json()
    assert result["type"] == "transaction-response"
    first = result["entry"][0]["response"]
    assert first["location"].startswith("Patient/")
    assert first["location"].endswith("/_history/1")
    assert first["etag"] == 'W/"1"'
    async with scoring_db(stack) as conn:
        for number in numbers:
            [row] = await people_with_number(conn, number)
            assert (row["ods_code"], row["source"], row["version"]) == ("EQA", "fhir", 1)
            audit = await conn.fetch("SELECT * FROM audit_event WHERE entity_id = $1", row["id"])
            assert [(a["action"], a["client_id"], a["endpoint"]) for a in audit] == [
                ("fhir-create", RIO, "POST /fhir")
            ]
            assert '"bundle": "transaction"' in audit[0]["detail"]


async def test_one_bad_entry_rolls_the_transaction_back(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    good = [nhs_number() for _ in range(3)]
    bad = named(nhs_number(), "Bad")
    bad["birthDate"] = "2999-01-01"
    del bad["name"]
    entries = [entry(named(good[0], "A")), entry(bad), entry(named(good[1], "B")),
               {"request": {"method": "POST", "url": "Patient"}}, entry(named(good[2], "C"))]  # fmt: skip
    response = await post_bundle(gateway, tokens, bundle_of("transaction", entries))
    outcome = assert_operation_outcome(response, 422)
    expressions = {path for issue in outcome["issue"] for path in issue.get("expression", [])}
    assert {
        "Bundle.entry[1].resource.birthDate",
        "Bundle.entry[1].resource.name",
        "Bundle.entry[3].resource",
    } <= expressions
    async with scoring_db(stack) as conn:
        for number in good:
            assert await people_with_number(conn, number) == []
            assert await resources_mentioning(conn, number) == 0


async def test_transaction_with_a_stale_if_match_writes_nothing(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    existing, fresh = nhs_number(), nhs_number()
    created = await post_bundle(gateway, tokens, bundle_of("batch", [entry(named(existing, "V1"))]))
    assert statuses(created) == ["201 Created"]
    entries = [entry(named(fresh, "New")), entry(named(existing, "V2"), "PUT", ifMatch='W/"7"')]
    response = await post_bundle(gateway, tokens, bundle_of("transaction", entries))
    outcome = assert_operation_outcome(response, 412)
    assert outcome["issue"][0]["expression"] == ["Bundle.entry[1].request.ifMatch"]
    async with scoring_db(stack) as conn:
        assert await people_with_number(conn, fresh) == []
        [row] = await people_with_number(conn, existing)
        assert (row["family_name"], row["version"]) == ("V1", 1)


async def test_batch_reports_each_entry(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    same, newer, older, fresh, bad = (nhs_number() for _ in range(5))
    setup = [entry(named(n, "Old", "2025-01-02T00:00:00Z")) for n in (same, newer, older)]
    assert (
        statuses(await post_bundle(gateway, tokens, bundle_of("batch", setup)))
        == ["201 Created"] * 3
    )
    bad_patient = named(bad, "Bad")
    bad_patient["identifier"][0]["value"] = bad[:-1] + str((int(bad[-1]) + 1) % 10)
    entries = [
        entry(named(same, "Old", "2025-01-02T00:00:00Z")),  # unchanged
        entry(named(newer, "New", "2025-01-03T00:00:00Z")),  # updated
        entry(named(older, "Older", "2025-01-01T00:00:00Z")),  # ignored as older
        entry(named(fresh, "Fresh")),  # created
        entry(bad_patient),  # refused
        entry(named(fresh, "Fresh again")),  # the same person again: an update
        entry(named(nhs_number(), "X"), "DELETE"),  # refused
    ]
    response = await post_bundle(gateway, tokens, bundle_of("batch", entries))
    assert response.json()["type"] == "batch-response"
    assert statuses(response) == [
        "200 OK", "200 OK", "200 OK", "201 Created", "422 Unprocessable Entity", "200 OK",
        "400 Bad Request",
    ]  # fmt: skip
    results = [e["response"] for e in response.json()["entry"]]
    assert outcome_codes(results[0]["outcome"]) == ["unchanged"]
    assert "outcome" not in results[1]
    assert results[1]["etag"] == 'W/"2"'
    assert outcome_codes(results[2]["outcome"]) == ["ignored-older"]
    assert results[2]["outcome"]["issue"][0]["severity"] == "warning"
    assert results[4]["outcome"]["issue"][0]["expression"] == [
        "Bundle.entry[4].resource.identifier[0].value"
    ]
    assert results[5]["etag"] == 'W/"2"'
    assert results[5]["location"] == results[3]["location"].replace("/_history/1", "/_history/2")
    async with scoring_db(stack) as conn:
        families = {}
        for number in (same, newer, older, fresh):
            [row] = await people_with_number(conn, number)
            families[number] = (row["family_name"], row["version"])
        assert families == {
            same: ("Old", 1),
            newer: ("New", 2),
            older: ("Old", 1),
            fresh: ("Fresh again", 2),
        }
        assert await people_with_number(conn, bad) == []
        [row] = await people_with_number(conn, fresh)
        actions = await conn.fetch(
            "SELECT action, detail FROM audit_event WHERE entity_id = $1 ORDER BY id", row["id"]
        )
        assert [a["action"] for a in actions] == ["fhir-create", "fhir-update"]


async def test_xml_transaction_bundle(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    """The XML fixture's second entry is a conditional update of version 4 only; nobody has
    that NHS number yet, so the whole transaction fails. Without the condition it succeeds."""
    numbers = [nhs_number() for _ in range(3)]
    xml = fixture_bytes("bundle-transaction.xml")
    for old, new in zip((b"9990000050", b"9990000069", b"9990000077"), numbers, strict=True):
        xml = xml.replace(old, new.encode())
    headers = await epr_headers(tokens) | {"Content-Type": FHIR_XML}
    refused = await gateway.post("/fhir", content=xml, headers=headers)
    outcome = assert_operation_outcome(refused, 412)
    assert outcome["issue"][0]["expression"] == ["Bundle.entry[1].request.ifMatch"]
    async with scoring_db(stack) as conn:
        for number in numbers:
            assert await people_with_number(conn, number) == []
    unconditional = xml.replace(b'<ifMatch value="W/&quot;4&quot;"/>', b"")
    assert unconditional != xml
    accepted = await gateway.post("/fhir", content=unconditional, headers=headers)
    assert statuses(accepted) == ["201 Created"] * 3
    async with scoring_db(stack) as conn:
        [row] = await people_with_number(conn, numbers[1])
        assert (row["family_name"], row["given_name"], row["sex"]) == ("Nowak", "Piotr", "male")


async def test_xml_batch_bundle(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    xml = (
        '<Bundle xmlns="http://hl7.org/fhir"><type value="batch"/><entry><resource>'
        + xml_with_nhs_number("patient-full.xml", number).decode().split("?>", 1)[-1]
        + '</resource><request><method value="POST"/><url value="Patient"/></request>'
        "</entry></Bundle>"
    )
    headers = await epr_headers(tokens) | {"Content-Type": FHIR_XML}
    response = await gateway.post("/fhir", content=xml.encode(), headers=headers)
    assert statuses(response) == ["201 Created"], response.text
    async with scoring_db(stack) as conn:
        [row] = await people_with_number(conn, number)
        assert (row["family_name"], row["language"]) == ("Jones", "pa")


async def test_too_many_entries_is_refused_before_reading_them(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    entries = [{"request": {"method": "POST", "url": "Patient"}}] * 5001
    response = await post_bundle(gateway, tokens, bundle_of("batch", entries))
    assert assert_operation_outcome(response, 400)["issue"][0]["code"] == "too-costly"


async def test_a_thousand_synthetic_patients_then_a_replay(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    """The benchmark's shape: synthetic UK Core Patients from the demo generator (their own
    test-range NHS numbers: a seed no other test uses), sent to trust B."""
    at = datetime(2025, 3, 1, tzinfo=UTC)
    people = generate_people(8008, 1000, default_organisation_tree(), default_lookup())
    # Numbers from 999 1xx xxxx are the nhs_number fixture's: left out so tests never meet.
    resources = [
        to_uk_core_patient(p, last_updated=at)
        for p in people
        if p.nhs_number and not p.nhs_number.startswith("9991")
    ]
    batch = bundle_of("batch", [entry(r) for r in resources])
    headers = {"Authorization": (await epr_headers(tokens, "systmone-epr-demo"))["Authorization"]}
    first = await post_bundle(gateway, tokens, batch, **headers)
    assert set(statuses(first)) == {"201 Created"}
    replay = await post_bundle(gateway, tokens, batch, **headers)
    assert set(statuses(replay)) == {"200 OK"}
    assert {c for e in replay.json()["entry"] for c in outcome_codes(e["response"]["outcome"])} == {
        "unchanged"
    }
    async with scoring_db(stack) as conn:
        sample = resources[17]["identifier"][0]["value"]
        [row] = await people_with_number(conn, sample)
        assert (row["ods_code"], row["version"]) == ("EQB", 1)
