"""People on caseloads through the gateway: validation names the field, nothing is
written on error, search sees only the caller's teams, edits need If-Match."""

from typing import Any

import httpx
import pytest

from services.scoring.tests.api.hef import NewTeam, create_person
from tests.support.fixtures import Tokens


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"nhs_number": "9990000019"}, "body.nhs_number", "check digit"),
        ({"nhs_number": "12345"}, "body.nhs_number", "10 digits"),
        ({"birth_date": "2999-01-01"}, "body.birth_date", "future"),
        ({"ethnic_category": "Q"}, "body.ethnic_category", "not a current national code"),
        ({"sex": "x"}, "body.sex", "Input should be"),
        ({"team_code": "NOT-MY-TEAM"}, "body.team_code", "not one of your teams"),
        ({"given_name": ""}, "body.given_name", "at least 1 character"),
    ],
)
async def test_bad_demographics_are_refused_naming_the_field(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    new_team: NewTeam,
    nhs_number: Any,
    override: dict[str, str],
    field: str,
    message: str,
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    body = {
        "team_code": team,
        "nhs_number": nhs_number(),
        "given_name": "Sam",
        "family_name": "Refused",
        "birth_date": "1985-01-01",
        "sex": "male",
        **override,
    }
    response = await gateway.post("/api/scoring/people", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert field in errors
    assert message in errors[field]
    listing = await gateway.get("/api/scoring/people", params={"team": team}, headers=headers)
    assert listing.json()["items"] == []


async def test_create_read_search_and_edit(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    team = await new_team({"clinician.a": "member", "team.lead": "lead"})
    headers = await tokens.headers("clinician.a")
    number = nhs_number()
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    person = await create_person(
        gateway, headers, team, spaced, family_name="Quartermaine", postcode="zz1 1aa"
    )
    assert person["nhs_number"] == number
    assert person["teams"] == [team]
    assert person["deprivation"]["status"] in {"found", "terminated_postcode", "unknown_postcode"}

    lead = await tokens.headers("team.lead")
    by_name = await gateway.get("/api/scoring/people", params={"name": "quarterm"}, headers=lead)
    assert [p["id"] for p in by_name.json()["items"]] == [person["id"]]
    by_number = await gateway.get(
        "/api/scoring/people", params={"nhs_number": spaced}, headers=lead
    )
    assert [p["id"] for p in by_number.json()["items"]] == [person["id"]]
    bad = await gateway.get("/api/scoring/people", params={"nhs_number": "123"}, headers=lead)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.nhs_number"

    duplicate = await gateway.post(
        "/api/scoring/people",
        json={"team_code": team, "nhs_number": number, "given_name": "A", "family_name": "B",
              "birth_date": "1990-01-01", "sex": "male"},
        headers=headers,
    )  # fmt: skip
    assert duplicate.status_code == 409

    url = f"/api/scoring/people/{person['id']}"
    read = await gateway.get(url, headers=headers)
    etag = read.headers["etag"]
    unknown_postcode = await gateway.patch(
        url, json={"postcode": "ZZ9 9ZY"}, headers={**headers, "If-Match": etag}
    )
    assert unknown_postcode.status_code == 200, unknown_postcode.text
    assert unknown_postcode.json()["deprivation"]["imd_decile"] is None
    assert unknown_postcode.json()["deprivation"]["status"] == "unknown_postcode"
    stale = await gateway.patch(
        url, json={"given_name": "Late"}, headers={**lead, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert (await gateway.get(url, headers=headers)).json()["given_name"] == "Jo"


async def test_paging_through_a_caseload(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    for family in ("Ash", "Birch", "Cedar", "Damson", "Elm"):
        await create_person(gateway, headers, team, nhs_number(), family_name=family)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"team": team, "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await gateway.get("/api/scoring/people", params=params, headers=headers)).json()
        seen += [p["family_name"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Ash", "Birch", "Cedar", "Damson", "Elm"]
    garbage = await gateway.get("/api/scoring/people", params={"cursor": "%%%"}, headers=headers)
    assert garbage.status_code == 422


async def test_adding_a_known_person_to_another_caseload(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    north = await new_team({"clinician.a": "member"})
    south = await new_team({"clinician.b": "member"})
    number = nhs_number()
    person = await create_person(gateway, await tokens.headers("clinician.a"), north, number)
    headers_b = await tokens.headers("clinician.b")
    assert (
        await gateway.get(f"/api/scoring/people/{person['id']}", headers=headers_b)
    ).status_code == 404
    # Another team cares for them: break-glass, with a reason (decision 0014).
    plain = await gateway.post(
        f"/api/scoring/teams/{south}/caseload", json={"nhs_number": number}, headers=headers_b
    )
    assert plain.status_code == 409, plain.text
    added = await gateway.post(
        f"/api/scoring/teams/{south}/caseload",
        json={"nhs_number": number, "reason": "Joint visit agreed with the north team"},
        headers=headers_b,
    )
    assert added.status_code == 200, added.text
    assert sorted(added.json()["teams"]) == sorted([north, south])
    assert (
        await gateway.get(f"/api/scoring/people/{person['id']}", headers=headers_b)
    ).status_code == 200
    unknown = await gateway.post(
        f"/api/scoring/teams/{south}/caseload", json={"nhs_number": nhs_number()}, headers=headers_b
    )
    assert unknown.status_code == 404
    both = await gateway.post(
        f"/api/scoring/teams/{south}/caseload",
        json={"nhs_number": number, "person_id": person["id"]},
        headers=headers_b,
    )
    assert both.status_code == 422
    trust_b = await gateway.post(
        f"/api/scoring/teams/{south}/caseload", json={"nhs_number": number},
        headers=await tokens.headers("clinician.trustb"),
    )  # fmt: skip
    assert trust_b.status_code == 422  # not their team
