"""Where each of a person's demographics came from: as the EPR sent them, or corrected by
staff in Equitas since (decision 0025)."""

from collections.abc import Awaitable, Callable

import httpx

from services.scoring.tests.api.fhir_helpers import body, epr_headers, fixture_json, with_nhs_number
from tests.support.fixtures import Tokens


async def test_corrections_since_the_epr_sent_the_patient_are_named(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    nhs_number: Callable[[], str],
    new_team: Callable[..., Awaitable[str]],
) -> None:
    number = nhs_number()
    sent = with_nhs_number(fixture_json("patient-full.json"), number)
    pushed = await gateway.post(
        "/fhir/Patient", content=body(sent), headers=await epr_headers(tokens)
    )
    assert pushed.status_code == 201, pushed.text
    team = await new_team({"clinician.a": "member"})
    staff = await tokens.headers("clinician.a")
    added = await gateway.post(
        f"/api/scoring/teams/{team}/caseload", json={"nhs_number": number}, headers=staff
    )
    assert added.status_code == 200, added.text
    person_id = added.json()["id"]
    assert added.json()["corrected_fields"] == []

    read = await gateway.get(f"/api/scoring/people/{person_id}", headers=staff)
    assert (read.json()["source"], read.json()["corrected_fields"]) == ("fhir", [])

    corrected = await gateway.patch(
        f"/api/scoring/people/{person_id}",
        json={"postcode": "LS2 9JT", "language": "en"},
        headers={**staff, "If-Match": read.headers["etag"]},
    )
    assert corrected.status_code == 200, corrected.text
    assert sorted(corrected.json()["corrected_fields"]) == ["language", "postcode"]
    again = await gateway.get(f"/api/scoring/people/{person_id}", headers=staff)
    assert sorted(again.json()["corrected_fields"]) == ["language", "postcode"]


async def test_people_staff_entered_have_no_epr_fields(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    nhs_number: Callable[[], str],
    new_team: Callable[..., Awaitable[str]],
) -> None:
    team = await new_team({"clinician.a": "member"})
    staff = await tokens.headers("clinician.a")
    made = await gateway.post(
        "/api/scoring/people",
        json={
            "team_code": team,
            "nhs_number": nhs_number(),
            "given_name": "Rhian",
            "family_name": "Staffentered",
            "birth_date": "1979-11-02",
            "sex": "female",
        },
        headers=staff,
    )
    assert made.status_code == 201, made.text
    assert (made.json()["source"], made.json()["corrected_fields"]) == ("manual", [])
