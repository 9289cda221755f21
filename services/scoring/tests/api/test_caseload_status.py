"""The caseload list says, for each person, their latest assessment and when their next
review is due (decision 0025)."""

import uuid
from typing import Any

import httpx

from services.scoring.tests.api.hef import NewTeam, all_rated, create_person, submit_complete
from tests.support.fixtures import Tokens


async def _caseload(gateway: httpx.AsyncClient, headers: dict[str, str], team: str) -> Any:
    listing = await gateway.get("/api/scoring/people", params={"team": team}, headers=headers)
    assert listing.status_code == 200, listing.text
    return {p["id"]: p for p in listing.json()["items"]}


async def test_latest_assessment_and_review_due(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    never = await create_person(gateway, headers, team, nhs_number())
    reviewed = await create_person(gateway, headers, team, nhs_number())
    discharged = await create_person(gateway, headers, team, nhs_number())

    first = await submit_complete(gateway, headers, reviewed["id"], "low", assessed_on="2026-02-28")
    assert first.status_code == 201, first.text
    # A later draft is the latest assessment; the review is still due after the submitted one.
    draft = await gateway.post(
        f"/api/scoring/people/{reviewed['id']}/assessments",
        json={"episode_type": "review", "assessed_on": "2026-06-01", "responses": {}},
        headers=headers,
    )
    assert draft.status_code == 201, draft.text
    for on, episode in (("2026-01-10", "referral"), ("2026-04-01", "discharge")):
        done = await submit_complete(
            gateway, headers, discharged["id"], "low", episode_type=episode, assessed_on=on
        )
        assert done.status_code == 201, done.text

    people = await _caseload(gateway, headers, team)
    assert people[never["id"]]["last_assessment"] is None
    assert people[never["id"]]["review_due"] is None
    assert people[reviewed["id"]]["last_assessment"] == {
        "id": draft.json()["id"],
        "episode_type": "review",
        "assessed_on": "2026-06-01",
        "status": "draft",
    }
    # Six months by default; 28 Feb + 6 months is 28 Aug.
    assert people[reviewed["id"]]["review_due"] == "2026-08-28"
    assert people[discharged["id"]]["last_assessment"]["episode_type"] == "discharge"
    assert people[discharged["id"]]["review_due"] is None


async def test_the_teams_review_interval_is_used(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: Any, demo_users: Any
) -> None:
    admin = await tokens.headers("org.admin")
    code = f"T-{uuid.uuid4().hex[:10].upper()}"
    made = await gateway.post(
        "/api/scoring/teams",
        json={"code": code, "name": "Quarterly", "settings": {"review_interval_months": 3}},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    clinician = demo_users["clinician.a"]
    joined = await gateway.put(
        f"/api/scoring/teams/{code}/members/{clinician.uid}",
        json={"display_name": clinician.name, "role": "member"},
        headers=admin,
    )
    assert joined.status_code == 200, joined.text
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, code, nhs_number())
    done = await gateway.post(
        f"/api/scoring/people/{person['id']}/assessments",
        params={"submit": "true"},
        json={
            "episode_type": "referral",
            "assessed_on": "2026-03-01",
            "responses": all_rated("low"),
        },
        headers=headers,
    )
    assert done.status_code == 201, done.text
    assert (await _caseload(gateway, headers, code))[person["id"]]["review_due"] == "2026-06-01"
