"""Patients without an NHS number yet: matched on the sending system's own identifier, the
NHS number attached when a later push brings it (issue 17 item 4; decision 0017)."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from equitas_stack.stack import Stack

from services.scoring.tests.api.fhir_helpers import (
    NHS_SYSTEM,
    SYSTMONE,
    assert_operation_outcome,
    body,
    epr_headers,
    outcome_codes,
    scoring_db,
)
from tests.support.fixtures import Tokens

NhsNumber = Callable[[], str]
NewTeam = Callable[..., Awaitable[str]]
RIO_LOCAL = "https://fhir.eqa.example/Id/rio-client-id"
SYSTMONE_LOCAL = "https://fhir.eqb.example/Id/systmone-patient-id"


def local_id() -> str:
    return f"RIO-{uuid.uuid4().hex[:12].upper()}"


def patient(*identifiers: tuple[str, str], family: str = "Kowalski") -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": system, "value": value} for system, value in identifiers],
        "name": [{"use": "official", "family": family, "given": ["Ola"]}],
        "gender": "female",
        "birthDate": "1979-03-08",
    }


async def post(
    gateway: httpx.AsyncClient, tokens: Tokens, resource: dict[str, Any], **headers: str
) -> httpx.Response:
    all_headers = await epr_headers(tokens) | headers
    return await gateway.post("/fhir/Patient", content=body(resource), headers=all_headers)


async def search(gateway: httpx.AsyncClient, tokens: Tokens, system: str, value: str) -> list[str]:
    found = await gateway.get(
        "/fhir/Patient",
        params={"identifier": f"{system}|{value}"},
        headers=await epr_headers(tokens),
    )
    assert found.status_code == 200, found.text
    return [entry["resource"]["id"] for entry in found.json()["entry"]]


def person_id_of(response: httpx.Response) -> str:
    return str(response.headers["location"].split("/")[3])


async def test_local_identifier_first_then_the_nhs_number_is_one_person(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    local, number = local_id(), nhs_number()
    first = await post(gateway, tokens, patient((RIO_LOCAL, local)))
    assert first.status_code == 201, first.text
    person_id = person_id_of(first)
    assert await search(gateway, tokens, RIO_LOCAL, local) == [person_id]
    assert await search(gateway, tokens, NHS_SYSTEM, number) == []
    traced = await post(gateway, tokens, patient((NHS_SYSTEM, number), (RIO_LOCAL, local)))
    assert traced.status_code == 200, traced.text
    assert traced.headers["location"] == f"/fhir/Patient/{person_id}/_history/2"
    assert await search(gateway, tokens, RIO_LOCAL, local) == [person_id]
    assert await search(gateway, tokens, NHS_SYSTEM, number) == [person_id]
    # Sent later by NHS number only: the same person, and the local id stays attached.
    by_number = await post(gateway, tokens, patient((NHS_SYSTEM, number), family="Nowak"))
    assert person_id_of(by_number) == person_id
    headers = await epr_headers(tokens)
    history = await gateway.get(f"/fhir/Patient/{person_id}/_history", headers=headers)
    assert [e["resource"]["meta"]["versionId"] for e in history.json()["entry"]] == [
        "3", "2", "1",
    ]  # fmt: skip
    async with scoring_db(stack) as conn:
        rows = await conn.fetch(
            "SELECT id, nhs_number, local_id, version FROM person "
            "WHERE local_id = $1 OR nhs_number = $2",
            local,
            number,
        )
    assert [(str(r["id"]), r["nhs_number"], r["local_id"], r["version"]) for r in rows] == [
        (person_id, number, local, 3)
    ]


async def test_conditions_may_name_the_local_identifier(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    local = local_id()
    headers = await epr_headers(tokens)
    params = {"identifier": f"{RIO_LOCAL}|{local}"}
    created = await gateway.put(
        "/fhir/Patient", params=params, content=body(patient((RIO_LOCAL, local))), headers=headers
    )
    assert created.status_code == 201, created.text
    updated = await gateway.put(
        "/fhir/Patient",
        params=params,
        content=body(patient((RIO_LOCAL, local), family="Nowak")),
        headers=headers | {"If-Match": 'W/"1"'},
    )
    assert (updated.status_code, updated.headers["etag"]) == (200, 'W/"2"')
    condition = {"If-None-Exist": f"identifier={RIO_LOCAL}|{local}"}
    exists = await post(gateway, tokens, patient((RIO_LOCAL, local), family="Other"), **condition)
    assert exists.status_code == 200, exists.text
    assert exists.json()["name"][0]["family"] == "Nowak"
    other = {"identifier": f"{RIO_LOCAL}|{local_id()}"}
    mismatch = await gateway.put(
        "/fhir/Patient", params=other, content=body(patient((RIO_LOCAL, local))), headers=headers
    )
    assert assert_operation_outcome(mismatch, 400)["issue"][0]["expression"] == ["url"]


async def test_without_an_identifier_equitas_can_match_on_is_a_clear_422(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    for identifiers in (
        (),
        (("https://fhir.example.org/Id/other", "X1"),),
        ((SYSTMONE_LOCAL, "S1"),),  # another system's namespace
    ):
        refused = await post(gateway, tokens, patient(*identifiers))
        [issue] = assert_operation_outcome(refused, 422)["issue"]
        assert (issue["code"], issue["expression"]) == ("required", ["Patient.identifier"])
        assert NHS_SYSTEM in issue["diagnostics"]
        assert RIO_LOCAL in issue["diagnostics"]
    # SystmOne's own namespace is accepted from SystmOne, and says so to SystmOne.
    systmone = await epr_headers(tokens, SYSTMONE)
    theirs = await gateway.post(
        "/fhir/Patient",
        content=body(patient((SYSTMONE_LOCAL, f"S-{local_id()}"))),
        headers=systmone,
    )
    assert theirs.status_code == 201, theirs.text
    nothing = await gateway.post("/fhir/Patient", content=body(patient()), headers=systmone)
    [issue] = assert_operation_outcome(nothing, 422)["issue"]
    assert SYSTMONE_LOCAL in issue["diagnostics"]
    assert RIO_LOCAL not in issue["diagnostics"]


async def test_identifiers_of_two_people_are_refused_not_merged(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    local, number = local_id(), nhs_number()
    by_local = person_id_of(await post(gateway, tokens, patient((RIO_LOCAL, local))))
    by_number = person_id_of(await post(gateway, tokens, patient((NHS_SYSTEM, number))))
    both = await post(gateway, tokens, patient((NHS_SYSTEM, number), (RIO_LOCAL, local)))
    outcome = assert_operation_outcome(both, 409)
    assert outcome_codes(outcome) == ["identifier-conflict"]
    # Nor is an NHS number attached to a person replaced by another.
    other = nhs_number()
    replacing = await post(gateway, tokens, patient((NHS_SYSTEM, other), (RIO_LOCAL, local)))
    assert replacing.status_code == 200  # the local id's person had no number: attached
    assert person_id_of(replacing) == by_local
    again = await post(gateway, tokens, patient((NHS_SYSTEM, nhs_number()), (RIO_LOCAL, local)))
    assert assert_operation_outcome(again, 409)["issue"][0]["code"] == "conflict"
    assert by_local != by_number


async def test_the_people_api_local_id_is_the_epr_identifier(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam
) -> None:
    local = local_id()
    team = await new_team({"clinician.a": "member"})
    staff = await tokens.headers("clinician.a")
    recorded = await gateway.post(
        "/api/scoring/people",
        json={
            "team_code": team, "local_id": local, "given_name": "Ola", "family_name": "Kowalski",
            "birth_date": "1979-03-08", "sex": "female",
        },
        headers=staff,
    )  # fmt: skip
    assert recorded.status_code == 201, recorded.text
    person_id = recorded.json()["id"]
    assert await search(gateway, tokens, RIO_LOCAL, local) == [person_id]
    read = await gateway.get(f"/fhir/Patient/{person_id}", headers=await epr_headers(tokens))
    assert {"system": RIO_LOCAL, "value": local} in read.json()["identifier"]
    pushed = await post(gateway, tokens, patient((RIO_LOCAL, local), family="Kowalska"))
    assert pushed.status_code == 200, pushed.text
    assert person_id_of(pushed) == person_id
    seen = await gateway.get(f"/api/scoring/people/{person_id}", headers=staff)
    assert (seen.json()["family_name"], seen.json()["local_id"]) == ("Kowalska", local)
