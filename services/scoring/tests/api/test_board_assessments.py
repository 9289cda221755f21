"""Board tools and HEAT through the gateway with real tokens: the lifecycle (draft, If-Match,
submit, amend with a reason, revisions, soft delete and restore), access per role, the
organisational feed (no personal data) and the audit entries."""

import json
import uuid
from typing import Any

import httpx
import pytest
from equitas_stack.stack import Stack

from services.scoring.tests.api.board_helpers import (
    assurance_answers,
    commission,
    create,
    ok,
    self_assessment_answers,
)
from services.scoring.tests.api.hef import create_person
from tests.support.fixtures import Tokens


@pytest.fixture
async def commissioned(stack: Stack) -> None:
    """The demo ICB commissions trust A (and B), as in the demo IdP's organisations."""
    for trust in ("EQA", "EQB"):
        await commission(stack.database_url, stack.config.database_prefix, trust, "QZZ")


async def test_board_self_assessment_lifecycle(
    gateway: httpx.AsyncClient, tokens: Tokens, commissioned: None
) -> None:
    board = await tokens.headers("board.member")
    draft = await create(gateway, board, "board-self-assessment",
                         responses={"ph_team": "planned"})  # fmt: skip
    assert (draft["status"], draft["organisation_code"], draft["subject_type"]) == (
        "draft", "EQA", "organisation",
    )  # fmt: skip
    url = f"/api/scoring/organisational-assessments/{draft['id']}"
    # If-Match: none is 428, a stale one 412 (and nothing is lost).
    answers = self_assessment_answers("in_place")
    assert (await gateway.patch(url, json={"responses": answers}, headers=board)).status_code == 428
    stale = {**board, "If-Match": '"99"'}
    assert (await gateway.patch(url, json={"responses": answers}, headers=stale)).status_code == 412
    edited = await gateway.patch(
        url, json={"responses": answers}, headers={**board, "If-Match": '"1"'}
    )
    ok(edited)
    assert edited.headers["ETag"] == '"2"'
    # An unknown answer names its field.
    wrong = await gateway.patch(
        url, json={"responses": {"ph_team": "maybe"}}, headers={**board, "If-Match": '"2"'}
    )
    assert wrong.status_code == 422
    assert any(e["field"] == "body.responses.ph_team" for e in wrong.json()["errors"])
    submitted = ok(await gateway.post(f"{url}/submit", headers={**board, "If-Match": '"2"'}))
    assert (submitted["status"], submitted["revision"]) == ("submitted", 1)
    assert submitted["scores"]["overall"]["bands"]["overall_maturity"]["code"] == "maturing"
    # Submitted: edits refused, amendments need a reason and keep the history.
    assert (
        await gateway.patch(url, json={"responses": answers}, headers={**board, "If-Match": '"3"'})
    ).status_code == 409
    amended = ok(
        await gateway.post(
            f"{url}/amend",
            json={"reason": "governance answer corrected", "responses": self_assessment_answers()},
            headers={**board, "If-Match": '"3"'},
        )
    )
    assert amended["revision"] == 2
    revisions = ok(await gateway.get(f"{url}/revisions", headers=board))
    assert [(r["revision"], r["amend_reason"]) for r in revisions] == [
        (1, None), (2, "governance answer corrected"),
    ]  # fmt: skip
    results = ok(await gateway.get(f"{url}/board-results", headers=board))
    assert {d["maturity_level"]["code"] for d in results["domains"]} == {"developing"}
    assert results["suggested_objectives"][0]["priority"] is True
    # The commissioner reads it; the admin restores it after the board member deletes it.
    icb = await tokens.headers("commissioner")
    assert ok(await gateway.get(url, headers=icb))["id"] == draft["id"]
    deleted = await gateway.delete(
        url, params={"reason": "entered twice"}, headers={**board, "If-Match": '"4"'}
    )
    assert deleted.status_code == 204
    assert (await gateway.get(url, headers=board)).status_code == 404
    admin = await tokens.headers("org.admin")
    restored = ok(await gateway.post(f"{url}/restore", headers=admin))
    assert restored["deleted"] is False
    assert (await gateway.get(url, headers=board)).status_code == 200


async def test_access_per_role(
    gateway: httpx.AsyncClient, tokens: Tokens, commissioned: None
) -> None:
    board = await tokens.headers("board.member")
    card = await create(gateway, board, "board-assurance", responses=assurance_answers(),
                        submit=True)  # fmt: skip
    assert card["version"] == 2  # created and submitted in one call, as a HEF assessment
    url = f"/api/scoring/organisational-assessments/{card['id']}"
    expected_reads = {
        "board.member": 200,
        "org.admin": 200,
        "commissioner": 200,  # the trust's ICB, read only
        "clinician.a": 404,  # trust A, but the board tools are for the board
        "analyst": 404,
        "clinician.trustb": 404,  # another trust
        "norole": 403,  # no role: no organisational records at all
    }
    for user, status in expected_reads.items():
        got = await gateway.get(url, headers=await tokens.headers(user))
        assert got.status_code == status, (user, got.text)
    assert (await gateway.get(url)).status_code == 401
    system = {"Authorization": f"Bearer {await tokens.system('rio-epr-demo', 'patient:read')}"}
    assert (await gateway.get(url, headers=system)).status_code == 403
    # Writes: the commissioner may read but not change; a clinician may not start one.
    icb = await tokens.headers("commissioner")
    amend = {"reason": "because of this", "responses": assurance_answers("partly_assured")}
    refused = await gateway.post(f"{url}/amend", json=amend, headers={**icb, "If-Match": '"2"'})
    assert refused.status_code == 403
    clinician = await tokens.headers("clinician.a")
    started = await gateway.post(
        "/api/scoring/organisational-assessments",
        json={"instrument": "board-assurance", "assessed_on": "2026-03-01"},
        headers=clinician,
    )
    assert started.status_code == 403
    # Lists: each sees what they may read.
    listed = ok(await gateway.get("/api/scoring/organisational-assessments", headers=icb))
    assert card["id"] in {a["id"] for a in listed}
    other = await tokens.headers("clinician.trustb")
    listed = ok(await gateway.get("/api/scoring/organisational-assessments", headers=other))
    assert card["id"] not in {a["id"] for a in listed}


async def test_heat_projects_belong_to_their_organisations_members(
    gateway: httpx.AsyncClient, tokens: Tokens, commissioned: None
) -> None:
    clinician = await tokens.headers("clinician.a")
    project = ok(
        await gateway.post(
            "/api/scoring/projects",
            json={"kind": "programme", "name": "Community diabetes", "description": "Outreach"},
            headers=clinician,
        ),
        201,
    )
    assert project["organisation_code"] == "EQA"
    heat = await create(gateway, clinician, "heat", project_id=project["id"],
                        responses={"prepare_scope": "yes"}, review_in_months=6)  # fmt: skip
    assert heat["review_due_on"] == "2026-09-01"
    url = f"/api/scoring/organisational-assessments/{heat['id']}"
    for user, status in {
        "clinician.b": 200, "analyst": 200, "board.member": 200, "org.admin": 200,
        "commissioner": 200, "clinician.trustb": 404, "norole": 403,
    }.items():  # fmt: skip
        got = await gateway.get(url, headers=await tokens.headers(user))
        assert got.status_code == status, (user, got.text)
    # A board tool cannot name a project; HEAT must.
    missing = await gateway.post(
        "/api/scoring/organisational-assessments",
        json={"instrument": "heat", "assessed_on": "2026-03-01"},
        headers=clinician,
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "body.project_id"
    other = await tokens.headers("clinician.trustb")
    foreign = await gateway.post(
        "/api/scoring/organisational-assessments",
        json={"instrument": "heat", "assessed_on": "2026-03-01", "project_id": project["id"]},
        headers=other,
    )
    assert foreign.status_code == 404


FORBIDDEN_IN_FEED = ("Community", "Outreach", "evidence", "Grace", "555000000007")


async def test_the_organisational_feed_carries_no_personal_data_or_free_text(
    gateway: httpx.AsyncClient, tokens: Tokens, demo_users: Any
) -> None:
    board = await tokens.headers("board.member")
    notes = {"k1_p1": {"evidence": "evidence: minutes of 3 May", "action": "Ask Grace"}}
    card = await create(gateway, board, "board-assurance", responses=assurance_answers(),
                        item_notes=notes, submit=True)  # fmt: skip
    reader = {"Authorization": f"Bearer {await tokens.system('aggregation-service', 'feed:read')}"}
    cursor, events = "0", []
    while True:
        page = ok(
            await gateway.get(
                "/api/scoring/organisational-feed", params={"after": cursor}, headers=reader
            )
        )
        events += page["events"]
        if not page["events"]:
            break
        cursor = page["next_cursor"]
    mine = [e for e in events if e["payload"]["instrument"] == "board-assurance"]
    assert mine, "the submitted scorecard reached the feed"
    text = json.dumps(mine)
    assert card["id"] not in text  # a pseudonymous key, not the row id
    for forbidden in (*FORBIDDEN_IN_FEED, demo_users["board.member"].uid):
        assert forbidden not in text
    payload = mine[-1]["payload"]
    assert payload["subject_type"] == "organisation"
    assert payload["organisation_code"] == "EQA"
    assert payload["answers"]["k1_p1"] == {"code": "assured", "value": 2}
    # The person feed is unchanged in shape: no organisational event appears there.
    person_feed = ok(await gateway.get("/api/scoring/feed", headers=reader))
    assert all(e["payload"]["instrument"] not in {"board-assurance", "heat"}
               for e in person_feed["events"])  # fmt: skip


async def test_changes_are_audited(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    board = await tokens.headers("board.member")
    made = await create(gateway, board, "board-self-assessment",
                        responses=self_assessment_answers(), submit=True)  # fmt: skip
    admin = await tokens.headers("org.admin")
    audit = ok(await gateway.get("/api/scoring/audit", params={"entity_id": made["id"]},
                                 headers=admin))  # fmt: skip
    assert {(e["action"], e["entity_type"]) for e in audit["items"]} == {
        ("submit", "organisational-assessment")
    }


async def test_unknown_ids_are_not_found(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    board = await tokens.headers("board.member")
    url = f"/api/scoring/organisational-assessments/{uuid.uuid4()}"
    assert (await gateway.get(url, headers=board)).status_code == 404


async def test_a_person_cannot_be_assessed_with_a_board_tool(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: Any, nhs_number: Any
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, team, nhs_number())
    refused = await gateway.post(
        f"/api/scoring/people/{person['id']}/assessments",
        json={"instrument": "board-assurance", "episode_type": "review",
              "assessed_on": "2026-01-10"},
        headers=headers,
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {
        "field": "body.instrument", "message": "not an instrument for a person",
    }  # fmt: skip
