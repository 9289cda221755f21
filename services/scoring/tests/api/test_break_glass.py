"""Legitimate relationships (issue 16, item 4; decision 0014): adding a person another team
cares for is break-glass (a stated reason, audited, listed to that team's lead and to
administrators, revocable); a person can be discharged from a caseload. Access follows the
one rule (``cared_for_by``) on the ORM paths and on the hot path of recording alike."""

from typing import Any

import httpx
from equitas_idp.demo import DemoUser

from services.scoring.tests.api.fhir_helpers import body, epr_headers, patient
from services.scoring.tests.api.hef import NewTeam, all_rated, create_person
from tests.support.fixtures import Tokens

REASON = "Covering the duty rota tonight; carer phoned about a fall."


async def _audited(
    gateway: httpx.AsyncClient, tokens: Tokens, person_id: str, action: str
) -> list[dict[str, Any]]:
    answer = await gateway.get(
        "/api/scoring/audit",
        params={"entity_id": person_id, "action": action},
        headers=await tokens.headers("org.admin"),
    )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def _record(gateway: httpx.AsyncClient, headers: dict[str, str], person_id: str) -> int:
    """Record a draft on the hot path (one statement): its status."""
    response = await gateway.post(
        f"/api/scoring/people/{person_id}/assessments",
        json={"episode_type": "review", "assessed_on": "2026-04-01",
              "responses": all_rated("low")},
        headers=headers,
    )  # fmt: skip
    return response.status_code


async def _break_glass_list(
    gateway: httpx.AsyncClient, tokens: Tokens, username: str
) -> list[dict[str, Any]]:
    answer = await gateway.get("/api/scoring/break-glass", headers=await tokens.headers(username))
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()
    return items


async def test_break_glass_needs_a_reason_is_overseen_and_revocable(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    new_team: NewTeam,
    nhs_number: Any,
    demo_users: dict[str, DemoUser],
) -> None:
    north = await new_team({"clinician.a": "member", "team.lead": "lead"})
    south = await new_team({"clinician.b": "member"})
    carer = await tokens.headers("clinician.a")
    person = await create_person(gateway, carer, north, nhs_number())
    pid = person["id"]
    draft = await gateway.post(
        f"/api/scoring/people/{pid}/assessments",
        json={"episode_type": "referral", "assessed_on": "2026-03-01",
              "responses": all_rated("high")},
        headers=carer,
    )  # fmt: skip
    assert draft.status_code == 201
    other = await tokens.headers("clinician.b")
    caseload = f"/api/scoring/teams/{south}/caseload"

    # Without a reason: refused (and that refusal audited), nothing opened.
    plain = await gateway.post(caseload, json={"person_id": pid}, headers=other)
    assert plain.status_code == 409, plain.text
    assert [e["field"] for e in plain.json()["errors"]] == ["body.reason"]
    assert (await gateway.get(f"/api/scoring/people/{pid}", headers=other)).status_code == 404
    refused = await _audited(gateway, tokens, pid, "change")
    assert [(e["outcome"], e["detail"]["status"]) for e in refused] == [("refused", 409)]

    # With a reason: access through both paths, audited as break-glass.
    opened = await gateway.post(caseload, json={"person_id": pid, "reason": REASON}, headers=other)
    assert opened.status_code == 200, opened.text
    assert sorted(opened.json()["teams"]) == sorted([north, south])
    assert (await gateway.get(f"/api/scoring/people/{pid}", headers=other)).status_code == 200
    draft_read = await gateway.get(f"/api/scoring/assessments/{draft.json()['id']}", headers=other)
    assert draft_read.status_code == 200
    assert await _record(gateway, other, pid) == 201
    [glass] = await _audited(gateway, tokens, pid, "break-glass")
    assert glass["actor_subject"] == demo_users["clinician.b"].uid
    assert glass["detail"] == {"team": south, "reason": REASON, "caring_teams": [north]}

    # Shown to the caring team's lead and to the administrator; not to a plain member.
    for overseer in ("team.lead", "org.admin"):
        listed = [
            e for e in await _break_glass_list(gateway, tokens, overseer) if e["person_id"] == pid
        ]
        assert [(e["team_code"], e["reason"], e["caring_teams"]) for e in listed] == [
            (south, REASON, [north])
        ], overseer
        assert listed[0]["added_by"] == demo_users["clinician.b"].uid
    assert not [
        e for e in await _break_glass_list(gateway, tokens, "clinician.a") if e["person_id"] == pid
    ]

    # Only an overseer revokes; access ends on every path at once.
    revoke = f"{caseload}/{pid}/revoke"
    why = {"reason": "No shared care agreed with NORTH"}
    member_try = await gateway.post(revoke, json=why, headers=carer)
    assert member_try.status_code == 404
    revoked = await gateway.post(revoke, json=why, headers=await tokens.headers("team.lead"))
    assert revoked.status_code == 204, revoked.text
    assert (await gateway.get(f"/api/scoring/people/{pid}", headers=other)).status_code == 404
    assert await _record(gateway, other, pid) == 404
    [revocation] = await _audited(gateway, tokens, pid, "break-glass-revoke")
    assert revocation["actor_subject"] == demo_users["team.lead"].uid
    assert revocation["detail"] == {"team": south, "break_glass": REASON, **why}
    assert not [
        e for e in await _break_glass_list(gateway, tokens, "org.admin") if e["person_id"] == pid
    ]
    # The carer's team keeps the person.
    assert (await gateway.get(f"/api/scoring/people/{pid}", headers=carer)).status_code == 200


async def test_a_person_on_no_caseload_is_added_simply_and_can_be_discharged(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    team = await new_team({"clinician.b": "member"})
    # A Patient the trust's EPR sent: known to the organisation, on no caseload yet.
    sent = await gateway.post(
        "/fhir/Patient", content=body(patient(nhs_number())), headers=await epr_headers(tokens)
    )
    assert sent.status_code == 201, sent.text
    pid = sent.json()["id"]
    clinician = await tokens.headers("clinician.b")
    added = await gateway.post(
        f"/api/scoring/teams/{team}/caseload", json={"person_id": pid}, headers=clinician
    )
    assert added.status_code == 200, added.text
    assert added.json()["teams"] == [team]
    assert [e["detail"] for e in await _audited(gateway, tokens, pid, "caseload-add")] == [
        {"team": team}
    ]
    assert await _record(gateway, clinician, pid) == 201

    discharge = f"/api/scoring/teams/{team}/caseload/{pid}"
    assert (await gateway.delete(discharge, headers=clinician)).status_code == 204
    assert (await gateway.get(f"/api/scoring/people/{pid}", headers=clinician)).status_code == 404
    assert await _record(gateway, clinician, pid) == 404
    assert (await gateway.delete(discharge, headers=clinician)).status_code == 404
    [discharged] = await _audited(gateway, tokens, pid, "caseload-discharge")
    assert discharged["detail"] == {"team": team, "break_glass": None}
    # Discharged from every caseload, the person can be added simply again.
    again = await gateway.post(
        f"/api/scoring/teams/{team}/caseload", json={"person_id": pid}, headers=clinician
    )
    assert again.status_code == 200
