"""The Patient read returns what was sent, resends are idempotent, one fault has one answer
(issue 17 items 1-3; decision 0017), through the gateway with the demo EPRs' tokens."""

import copy
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson
from equitas_stack.stack import Stack

from services.scoring.fhir.parsing import parse_resource
from services.scoring.tests.api.fhir_helpers import (
    FHIR_JSON,
    FHIR_XML,
    NHS_SYSTEM,
    RIO,
    assert_operation_outcome,
    body,
    epr_headers,
    fixture_bytes,
    fixture_json,
    outcome_codes,
    scoring_db,
)
from tests.support.fixtures import Tokens

NhsNumber = Callable[[], str]
NewTeam = Callable[..., Awaitable[str]]
ROUND_TRIP = "patient-uk-core-round-trip"
RIO_LOCAL = "https://fhir.eqa.example/Id/rio-client-id"
CORRECTED = "corrected-in-equitas"


def fresh_json(number: str, local: str) -> dict[str, Any]:
    """The round-trip Patient with a fresh NHS number and RiO client id."""
    resource: dict[str, Any] = fixture_json(f"{ROUND_TRIP}.json")
    resource["identifier"][0]["value"] = number
    resource["identifier"][1]["value"] = local
    return resource


def fresh_xml(number: str, local: str) -> bytes:
    sent = fixture_bytes(f"{ROUND_TRIP}.xml").replace(b"9990000018", number.encode())
    return sent.replace(b"RIO-200817", local.encode())


def new_local_id() -> str:
    return f"RIO-{uuid.uuid4().hex[:12].upper()}"


def as_sent(resource: dict[str, Any]) -> bytes:
    """Canonical JSON without what the server sets (id, meta.versionId, meta.lastUpdated)."""
    content = copy.deepcopy(resource)
    content.pop("id", None)
    meta = content.pop("meta", {})
    meta = {k: v for k, v in meta.items() if k not in ("versionId", "lastUpdated")}
    if meta:
        content["meta"] = meta
    return orjson.dumps(content, option=orjson.OPT_SORT_KEYS)


async def push(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    content: bytes,
    content_type: str = FHIR_JSON,
    **headers: str,
) -> httpx.Response:
    all_headers = await epr_headers(tokens, RIO, content_type=content_type) | headers
    return await gateway.post("/fhir/Patient", content=content, headers=all_headers)


def person_id_of(response: httpx.Response) -> str:
    return str(response.headers["location"].split("/")[3])


def assert_server_meta(served: dict[str, Any], person_id: str, version: str) -> None:
    assert served["id"] == person_id
    assert served["meta"]["versionId"] == version
    assert served["meta"]["lastUpdated"] != "2026-11-30T14:05:00+00:00"  # the server's time


async def test_json_round_trip_returns_every_element_sent(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    sent = fresh_json(number, new_local_id())
    created = await push(gateway, tokens, body(sent))
    assert created.status_code == 201, created.text
    person_id = person_id_of(created)
    assert as_sent(created.json()) == as_sent(sent)
    headers = await epr_headers(tokens)
    read = await gateway.get(f"/fhir/Patient/{person_id}", headers=headers)
    assert read.status_code == 200, read.text
    served = read.json()
    assert_server_meta(served, person_id, "1")
    assert as_sent(served) == as_sent(sent)  # nothing lost, nothing added
    assert "preferred" not in served["communication"][0]
    assert "use" not in served["address"][1]
    version = await gateway.get(f"/fhir/Patient/{person_id}/_history/1", headers=headers)
    assert version.json() == served
    search = await gateway.get(
        "/fhir/Patient", params={"identifier": f"{NHS_SYSTEM}|{number}"}, headers=headers
    )
    assert [entry["resource"] for entry in search.json()["entry"]] == [served]
    as_xml = await gateway.get(f"/fhir/Patient/{person_id}", headers=headers | {"Accept": FHIR_XML})
    assert as_xml.headers["content-type"].startswith(FHIR_XML)
    assert parse_resource(as_xml.content, FHIR_XML) == served


async def test_xml_round_trip_returns_every_element_sent(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    number, local = nhs_number(), new_local_id()
    sent_xml = fresh_xml(number, local)
    sent = parse_resource(sent_xml, FHIR_XML)
    assert as_sent(sent) == as_sent(fresh_json(number, local))  # the same Patient as the JSON
    created = await push(gateway, tokens, sent_xml, FHIR_XML, Accept=FHIR_XML)
    assert created.status_code == 201, created.text
    person_id = person_id_of(created)
    headers = await epr_headers(tokens) | {"Accept": FHIR_XML}
    read = await gateway.get(f"/fhir/Patient/{person_id}", headers=headers)
    assert read.headers["content-type"].startswith(FHIR_XML)
    served = parse_resource(read.content, FHIR_XML)
    assert_server_meta(served, person_id, "1")
    assert as_sent(served) == as_sent(sent)
    assert b'<div xmlns="http://www.w3.org/1999/xhtml"><p>Daniel' in read.content


async def test_identical_resends_and_reads_sent_back_are_unchanged(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    headers = await epr_headers(tokens)
    json_number, xml_number = nhs_number(), nhs_number()
    by_json = await push(gateway, tokens, body(fresh_json(json_number, new_local_id())))
    by_xml = await push(gateway, tokens, fresh_xml(xml_number, new_local_id()), FHIR_XML)
    assert (by_json.status_code, by_xml.status_code) == (201, 201)
    for created in (by_json, by_xml):
        person_id = person_id_of(created)
        read_json = await gateway.get(f"/fhir/Patient/{person_id}", headers=headers)
        read_xml = await gateway.get(
            f"/fhir/Patient/{person_id}", headers=headers | {"Accept": FHIR_XML}
        )
        resends = [
            (body(read_json.json()), FHIR_JSON),
            (read_xml.content, FHIR_XML),
            (body(read_json.json() | {"meta": {"lastUpdated": "2027-01-01T00:00:00Z"}}), FHIR_JSON),
        ]
        for content, content_type in resends:
            again = await push(
                gateway, tokens, content, content_type, Prefer="return=OperationOutcome"
            )
            assert again.status_code == 200, again.text
            assert outcome_codes(again.json()) == ["unchanged"], (content_type, again.text)
            assert again.headers["etag"] == 'W/"1"'
    async with scoring_db(stack) as conn:
        for number in (json_number, xml_number):
            versions = await conn.fetchval(
                "SELECT count(*) FROM patient_resource r JOIN person p ON p.id = r.person_id "
                "WHERE p.nhs_number = $1",
                number,
            )
            assert versions == 1, number


async def test_a_staff_correction_shows_in_the_sent_patient_with_a_tag(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber, new_team: NewTeam
) -> None:
    number = nhs_number()
    sent = fresh_json(number, new_local_id())
    person_id = person_id_of(await push(gateway, tokens, body(sent)))
    team = await new_team({"clinician.a": "member"})
    staff = await tokens.headers("clinician.a")
    added = await gateway.post(
        f"/api/scoring/teams/{team}/caseload", json={"nhs_number": number}, headers=staff
    )
    assert added.status_code == 200, added.text
    etag = (await gateway.get(f"/api/scoring/people/{person_id}", headers=staff)).headers["etag"]
    corrected = await gateway.patch(
        f"/api/scoring/people/{person_id}",
        json={"family_name": "Okafor-Reid", "postcode": "ZZ1 0AA", "language": "pcm"},
        headers=staff | {"If-Match": etag},
    )
    assert corrected.status_code == 200, corrected.text
    headers = await epr_headers(tokens)
    read = await gateway.get(f"/fhir/Patient/{person_id}", headers=headers)
    served = read.json()
    assert (read.headers["etag"], served["meta"]["versionId"]) == ('W/"2"', "2")
    tags = served["meta"]["tag"]
    assert [tag["code"] for tag in tags] == [CORRECTED]
    # The corrected elements, where the push put them; everything else as sent.
    assert served["name"][0] == {
        "use": "official", "family": "Okafor-Reid", "given": ["Daniel", "Chidi"], "prefix": ["Mr"],
    }  # fmt: skip
    assert served["address"][0]["postalCode"] == "ZZ1 0AA"
    assert served["communication"][0] == {
        "language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "pcm"}]}
    }
    expected = copy.deepcopy(sent)
    expected["name"][0]["family"] = "Okafor-Reid"
    expected["address"][0]["postalCode"] = "ZZ1 0AA"
    expected["communication"][0] = served["communication"][0]
    expected["meta"]["tag"] = tags
    assert as_sent(served) == as_sent(expected)
    first = await gateway.get(f"/fhir/Patient/{person_id}/_history/1", headers=headers)
    assert as_sent(first.json()) == as_sent(sent)  # the version sent, untagged
    assert (await gateway.get(f"/fhir/Patient/{person_id}/_history/2", headers=headers)).json() == (
        served
    )
    # An identical resend keeps the correction; a different Patient replaces it.
    resent = await push(gateway, tokens, body(sent), Prefer="return=OperationOutcome")
    assert outcome_codes(resent.json()) == ["unchanged"]
    assert (await gateway.get(f"/fhir/Patient/{person_id}", headers=headers)).json() == served
    changed = sent | {"gender": "other"}
    replaced = await push(gateway, tokens, body(changed))
    assert replaced.headers["etag"] == 'W/"3"'
    assert "tag" not in replaced.json()["meta"]
    assert as_sent(replaced.json()) == as_sent(changed)


def _broken(number: str) -> str:
    """The same NHS number with a wrong check digit."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


async def test_an_invalid_nhs_number_has_one_answer_on_every_route(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    headers = await epr_headers(tokens)
    existing = person_id_of(
        await push(gateway, tokens, body(fresh_json(nhs_number(), new_local_id())))
    )
    number = nhs_number()
    bad = _broken(number)
    resource = fresh_json(bad, new_local_id())
    condition = f"identifier={NHS_SYSTEM}|{bad}"
    where = "Patient.identifier[0].value"
    single = {
        "create": await gateway.post("/fhir/Patient", content=body(resource), headers=headers),
        "conditional create": await gateway.post(
            "/fhir/Patient", content=body(resource), headers=headers | {"If-None-Exist": condition}
        ),
        "update": await gateway.put(
            f"/fhir/Patient/{existing}", content=body(resource | {"id": existing}), headers=headers
        ),
        "conditional update": await gateway.put(
            "/fhir/Patient", params={"identifier": f"{NHS_SYSTEM}|{bad}"}, content=body(resource),
            headers=headers,
        ),
    }  # fmt: skip
    answers = {}
    for route, response in single.items():
        assert bad not in response.text  # diagnostics never echo patient data
        outcome = assert_operation_outcome(response, 422)
        answers[route] = [(i["code"], i.get("expression")) for i in outcome["issue"]]
    assert answers == {route: [("value", [where])] for route in single}
    entry = {"resource": resource, "request": {"method": "POST", "url": "Patient"}}
    put_entry = {
        "resource": resource,
        "request": {"method": "PUT", "url": f"Patient?identifier={NHS_SYSTEM}|{bad}"},
    }
    in_bundle = "Bundle.entry[0].resource.identifier[0].value"
    for request in (entry, put_entry):
        transaction = {"resourceType": "Bundle", "type": "transaction", "entry": [request]}
        refused = await gateway.post("/fhir", content=body(transaction), headers=headers)
        outcome = assert_operation_outcome(refused, 422)
        assert [(i["code"], i["expression"]) for i in outcome["issue"]] == [("value", [in_bundle])]
        batch = {"resourceType": "Bundle", "type": "batch", "entry": [request]}
        answered = await gateway.post("/fhir", content=body(batch), headers=headers)
        [response] = [e["response"] for e in answered.json()["entry"]]
        assert response["status"] == "422 Unprocessable Entity"
        issues = response["outcome"]["issue"]
        assert [(i["code"], i["expression"]) for i in issues] == [("value", [in_bundle])]
    async with scoring_db(stack) as conn:
        written = await conn.fetchval(
            "SELECT count(*) FROM person WHERE nhs_number = $1 OR nhs_number = $2", number, bad
        )
    assert written == 0
