"""HEF assessments end to end through the gateway: draft, edit, submit, amend, profile,
cross-team denial, concurrent edits, soft delete and restore."""

import asyncio
from typing import Any

import httpx

from services.scoring.tests.api.hef import (
    HEF_ITEMS,
    NewTeam,
    all_rated,
    create_person,
    submit_complete,
)
from tests.support.fixtures import Tokens


async def _setup(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: str
) -> tuple[str, dict[str, Any], dict[str, str]]:
    team = await new_team({"clinician.a": "member", "team.lead": "lead"})
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, team, nhs_number)
    return team, person, headers


async def test_one_assessment_names_who_recorded_it(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    _, person, headers = await _setup(gateway, tokens, new_team, nhs_number())
    created = await submit_complete(gateway, headers, person["id"], "low")
    assert created.status_code == 201, created.text
    assert created.json()["recorded_by_name"] is None  # named in the read of one only
    read = await gateway.get(
        f"/api/scoring/assessments/{created.json()['id']}",
        headers=await tokens.headers("team.lead"),
    )
    assert read.status_code == 200, read.text
    assert read.json()["recorded_by_name"] == "Asha Patel"  # clinician.a, as the team lists


async def test_draft_edit_submit_and_profile(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    team, person, headers = await _setup(gateway, tokens, new_team, nhs_number())
    created = await gateway.post(
        f"/api/scoring/people/{person['id']}/assessments",
        json={
            "episode_type": "referral",
            "assessed_on": "2026-01-10",
            "responses": {"housing": "high"},
            "notes": "Lives with mother; call Mr Jenkins on 07700 900123 about the tenancy.",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    draft = created.json()
    assert draft["status"] == "draft"
    assert draft["instrument_version"] == "1.0.0-provisional"
    assert draft["team_code"] == team
    assert {f["kind"] for f in draft["free_text_flags"]} >= {"phone_number", "person_name"}
    etag = created.headers["etag"]

    # Submitting an incomplete draft names every missing indicator and changes nothing.
    incomplete = await gateway.post(
        f"/api/scoring/assessments/{draft['id']}/submit", headers={**headers, "If-Match": etag}
    )
    assert incomplete.status_code == 422
    fields = {e["field"] for e in incomplete.json()["errors"]}
    assert fields == {f"responses.{i}" for i in HEF_ITEMS if i != "housing"}

    answers: dict[str, str | None] = {**all_rated("low"), "housing": "moderate", "pain": "high"}
    answers["dementia"] = "not_assessed"
    edited = await gateway.patch(
        f"/api/scoring/assessments/{draft['id']}",
        json={"responses": answers},
        headers={**headers, "If-Match": etag},
    )
    assert edited.status_code == 200, edited.text
    submitted = await gateway.post(
        f"/api/scoring/assessments/{draft['id']}/submit",
        headers={**headers, "If-Match": edited.headers["etag"]},
    )
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert body["status"] == "submitted"
    assert body["revision"] == 1
    social = body["scores"]["sections"]["social"]["scores"]
    # housing moderate (2) + five other social indicators low (1 each).
    assert social["total"] == 7
    assert social["highest"] == 2

    second = await submit_complete(
        gateway, headers, person["id"], "none", episode_type="review", assessed_on="2026-07-10"
    )
    assert second.status_code == 201, second.text
    listing = await gateway.get(f"/api/scoring/people/{person['id']}/assessments", headers=headers)
    assert listing.status_code == 200
    profile = listing.json()["profiles"][0]
    assert profile["latest"]["id"] == second.json()["id"]
    change = profile["change_since_first"]
    assert change["sections"]["social"]["scores"]["total"]["change"] == "improved"
    assert change["items"]["housing"]["change"] == "improved"
    assert change["items"]["dementia"]["change"] == "not_comparable"
    assert profile["change_since_previous"] == change


async def test_bad_answers_are_named_and_nothing_is_written(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    _, person, headers = await _setup(gateway, tokens, new_team, nhs_number())
    url = f"/api/scoring/people/{person['id']}/assessments"
    cases = [
        ({"instrument": "nope"}, "body.instrument"),
        ({"version": "9.9.9"}, "body.instrument"),
        ({"responses": {"housing": "catastrophic"}}, "body.responses.housing"),
        ({"responses": {"not_an_indicator": "low"}}, "body.responses.not_an_indicator"),
        ({"episode_type": "holiday"}, "body.episode_type"),
        ({"assessed_on": "2999-01-01"}, "body.assessed_on"),
    ]
    for override, field in cases:
        body = {"episode_type": "referral", "assessed_on": "2026-01-10", **override}
        response = await gateway.post(url, json=body, headers=headers)
        assert response.status_code == 422, (override, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    listing = await gateway.get(url, headers=headers)
    assert listing.json()["assessments"] == []


async def test_concurrent_edits_get_412_and_lose_nothing(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    _, person, headers = await _setup(gateway, tokens, new_team, nhs_number())
    lead = await tokens.headers("team.lead")
    created = await gateway.post(
        f"/api/scoring/people/{person['id']}/assessments",
        json={"episode_type": "referral", "assessed_on": "2026-02-01"},
        headers=headers,
    )
    url = f"/api/scoring/assessments/{created.json()['id']}"
    etag = created.headers["etag"]
    first, second = await asyncio.gather(
        gateway.patch(
            url, json={"responses": {"housing": "low"}}, headers={**headers, "If-Match": etag}
        ),
        gateway.patch(
            url, json={"responses": {"income": "high"}}, headers={**lead, "If-Match": etag}
        ),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 412]
    loser = first if first.status_code == 412 else second
    assert loser.headers["content-type"] == "application/problem+json"
    current = (await gateway.get(url, headers=headers)).json()
    winner_answer = {"housing": "low"} if first.status_code == 200 else {"income": "high"}
    assert current["responses"] == winner_answer
    missing = await gateway.patch(url, json={"responses": {"pain": "low"}}, headers=headers)
    assert missing.status_code == 428


async def test_amend_keeps_history(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    _, person, headers = await _setup(gateway, tokens, new_team, nhs_number())
    created = await submit_complete(gateway, headers, person["id"], "high")
    url = f"/api/scoring/assessments/{created.json()['id']}"
    no_edit = await gateway.patch(
        url,
        json={"responses": {"housing": "low"}},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    assert no_edit.status_code == 409
    amended = await gateway.post(
        f"{url}/amend",
        json={"reason": "Ratings entered against the wrong person", "responses": all_rated("low")},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    assert amended.status_code == 200, amended.text
    assert amended.json()["revision"] == 2
    stale = await gateway.post(
        f"{url}/amend",
        json={"reason": "A second amendment from an old copy", "responses": all_rated("none")},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    assert stale.status_code == 412
    history = (await gateway.get(f"{url}/revisions", headers=headers)).json()
    assert [r["revision"] for r in history] == [1, 2]
    assert history[0]["responses"]["housing"] == "high"
    assert history[1]["amend_reason"] == "Ratings entered against the wrong person"
    assert history[0]["scores"]["overall"] != history[1]["scores"]["overall"]


async def test_other_teams_cannot_see_the_person(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    _, person, headers = await _setup(gateway, tokens, new_team, nhs_number())
    await new_team({"clinician.b": "member"})
    created = await gateway.post(
        f"/api/scoring/people/{person['id']}/assessments",
        json={"episode_type": "referral", "assessed_on": "2026-03-01"},
        headers=headers,
    )
    assessment_url = f"/api/scoring/assessments/{created.json()['id']}"
    for username in ("clinician.b", "clinician.trustb"):
        other = await tokens.headers(username)
        for url in (f"/api/scoring/people/{person['id']}", assessment_url):
            response = await gateway.get(url, headers=other)
            assert response.status_code == 404, (username, url)
        found = await gateway.get(
            "/api/scoring/people", params={"nhs_number": person["nhs_number"]}, headers=other
        )
        assert found.json()["items"] == []
    analyst = await tokens.headers("analyst")
    assert (
        await gateway.get(f"/api/scoring/people/{person['id']}", headers=analyst)
    ).status_code == 403


async def test_soft_delete_and_admin_restore(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    _, person, headers = await _setup(gateway, tokens, new_team, nhs_number())
    created = await submit_complete(gateway, headers, person["id"], "low")
    url = f"/api/scoring/assessments/{created.json()['id']}"
    deleted = await gateway.delete(
        url,
        params={"reason": "Duplicate entry"},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    assert deleted.status_code == 204
    assert (await gateway.get(url, headers=headers)).status_code == 404
    not_admin = await gateway.post(f"{url}/restore", headers=headers)
    assert not_admin.status_code == 403
    restored = await gateway.post(f"{url}/restore", headers=await tokens.headers("org.admin"))
    assert restored.status_code == 200, restored.text
    assert (await gateway.get(url, headers=headers)).status_code == 200


async def test_questionnaire_response_export(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    from services.scoring.instruments.questionnaire import validate_fhir

    _, person, headers = await _setup(gateway, tokens, new_team, nhs_number())
    created = await submit_complete(gateway, headers, person["id"], "moderate")
    response = await gateway.get(
        f"/api/scoring/assessments/{created.json()['id']}/questionnaire-response", headers=headers
    )
    assert response.status_code == 200
    resource = response.json()
    assert resource["resourceType"] == "QuestionnaireResponse"
    assert resource["status"] == "completed"
    validate_fhir(resource)
    questionnaire = await gateway.get(
        "/api/scoring/instruments/hef/standard/1.0.0-provisional/questionnaire", headers=headers
    )
    assert questionnaire.status_code == 200
    validate_fhir(questionnaire.json())


async def test_other_teams_cannot_record_assessments_for_the_person(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    """Recording is the hot path with its own access query: same rule, checked here."""
    team, person, headers = await _setup(gateway, tokens, new_team, nhs_number())
    other_team = await new_team({"clinician.b": "member", "clinician.a": "member"})
    url = f"/api/scoring/people/{person['id']}/assessments"
    complete = {
        "episode_type": "review",
        "assessed_on": "2026-03-01",
        "responses": all_rated("low"),
    }
    for username in ("clinician.b", "clinician.trustb"):
        other = await tokens.headers(username)
        for submit in ("false", "true"):
            refused = await gateway.post(
                url, params={"submit": submit}, json=complete, headers=other
            )
            assert refused.status_code == 404, (username, submit, refused.text)
            assert refused.headers["content-type"] == "application/problem+json"
    # A member of both teams cannot file the work under a team not caring for the person.
    misfiled = await gateway.post(
        url, params={"submit": "true"}, json={**complete, "team_code": other_team}, headers=headers
    )
    assert misfiled.status_code == 422
    assert [e["field"] for e in misfiled.json()["errors"]] == ["body.team_code"]
    # Nothing was written by any refused request.
    listed = await gateway.get(url, headers=headers)
    assert listed.json()["assessments"] == []
    recorded = await gateway.post(url, params={"submit": "true"}, json=complete, headers=headers)
    assert recorded.status_code == 201
    assert recorded.json()["team_code"] == team


async def test_an_assessment_cannot_predate_the_person(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    """The person was born on 1990-05-17: dating an assessment before that, in any way, is
    refused naming the field and writes nothing (the feed's age would be negative)."""
    _, person, headers = await _setup(gateway, tokens, new_team, nhs_number())
    url = f"/api/scoring/people/{person['id']}/assessments"
    early = {"episode_type": "referral", "assessed_on": "1990-05-16"}
    complete = {**early, "responses": all_rated("low")}
    for params, body in (
        ({}, early),
        ({"submit": "true"}, complete),
        ({"submit": "true"}, {**complete, "notes": "Seen at home with their sister."}),
    ):
        refused = await gateway.post(url, params=params, json=body, headers=headers)
        assert refused.status_code == 422, (params, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == ["body.assessed_on"]
    assert (await gateway.get(url, headers=headers)).json()["assessments"] == []
    draft = await gateway.post(url, json={**early, "assessed_on": "1990-05-17"}, headers=headers)
    assert draft.status_code == 201, draft.text  # on the day of birth: fine
    moved = await gateway.patch(
        f"/api/scoring/assessments/{draft.json()['id']}",
        json={"assessed_on": "1990-01-01"},
        headers={**headers, "If-Match": draft.headers["etag"]},
    )
    assert moved.status_code == 422
    assert [e["field"] for e in moved.json()["errors"]] == ["body.assessed_on"]
    submitted = await submit_complete(gateway, headers, person["id"], "high")
    amended = await gateway.post(
        f"/api/scoring/assessments/{submitted.json()['id']}/amend",
        json={"reason": "Wrong date", "responses": all_rated("low"), "assessed_on": "1989-12-31"},
        headers={**headers, "If-Match": submitted.headers["etag"]},
    )
    assert amended.status_code == 422
    assert [e["field"] for e in amended.json()["errors"]] == ["body.assessed_on"]
