"""Refused attempts on identifiable data are audited in their own transaction (issue 16,
item 2): a clinician of another team, another trust's EPR, a role without clinical
permissions, stale and conflicting writes. The organisation whose record it was sees them,
filtered by outcome."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from equitas_idp.demo import DemoUser

from services.scoring.tests.api.fhir_helpers import SYSTMONE, epr_headers
from services.scoring.tests.api.hef import NewTeam, all_rated, create_person
from tests.support.fixtures import Tokens


async def _refused(
    gateway: httpx.AsyncClient, tokens: Tokens, entity_id: str, **params: str
) -> list[dict[str, Any]]:
    admin = await tokens.headers("org.admin")
    answer = await gateway.get(
        "/api/scoring/audit",
        params={"outcome": "refused", "entity_id": entity_id, **params},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    assert all(e["outcome"] == "refused" for e in items)
    return items


async def test_refused_attempts_are_audited_for_the_records_organisation(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    new_team: NewTeam,
    nhs_number: Any,
    demo_users: dict[str, DemoUser],
) -> None:
    north = await new_team({"clinician.a": "member"})
    await new_team({"clinician.b": "member"})
    carer = await tokens.headers("clinician.a")
    person = await create_person(gateway, carer, north, nhs_number())
    draft = await gateway.post(
        f"/api/scoring/people/{person['id']}/assessments",
        json={"episode_type": "referral", "assessed_on": "2026-03-01",
              "responses": all_rated("high")},
        headers=carer,
    )  # fmt: skip
    assert draft.status_code == 201, draft.text
    draft_id = draft.json()["id"]

    other = await tokens.headers("clinician.b")
    tried = [
        await gateway.get(f"/api/scoring/people/{person['id']}", headers=other),
        await gateway.get(f"/api/scoring/people/{person['id']}/assessments", headers=other),
        await gateway.get(f"/api/scoring/assessments/{draft_id}", headers=other),
        await gateway.patch(
            f"/api/scoring/assessments/{draft_id}",
            json={"notes": "x"},
            headers={**other, "If-Match": '"1"'},
        ),
        # The hot path of recording an assessment refuses through the same rule.
        await gateway.post(
            f"/api/scoring/people/{person['id']}/assessments",
            json={"episode_type": "referral", "assessed_on": "2026-03-01",
                  "responses": all_rated("high")},
            headers=other,
        ),
    ]  # fmt: skip
    assert [r.status_code for r in tried] == [404] * 5
    # Another trust's EPR reading this trust's patient: "not found", and audited for EQA.
    eqb = await epr_headers(tokens, SYSTMONE)
    across = await gateway.get(f"/fhir/Patient/{person['id']}", headers=eqb)
    assert across.status_code == 404
    # A role without clinical permissions: 403.
    analyst = await tokens.headers("analyst")
    forbidden = await gateway.get(f"/api/scoring/people/{person['id']}", headers=analyst)
    assert forbidden.status_code == 403
    # The carer's own stale write (412) and a change the lifecycle refuses (409).
    stale = await gateway.patch(
        f"/api/scoring/assessments/{draft_id}",
        json={"notes": "x"},
        headers={**carer, "If-Match": '"99"'},
    )
    assert stale.status_code == 412
    conflict = await gateway.post(
        f"/api/scoring/assessments/{draft_id}/amend",
        json={"reason": "not yet submitted", "responses": all_rated("high")},
        headers={**carer, "If-Match": '"1"'},
    )
    assert conflict.status_code == 409
    # A guessed id that names no record is not an attempt on anyone's data.
    guessed = uuid.uuid4()
    assert (await gateway.get(f"/api/scoring/people/{guessed}", headers=other)).status_code == 404

    week_ago = (datetime.now(UTC) - timedelta(days=7)).isoformat()
    on_person = await _refused(gateway, tokens, person["id"], since=week_ago)
    seen = {(e["actor_subject"], e["endpoint"], e["detail"]["status"]) for e in on_person}
    b = demo_users["clinician.b"].uid
    assert {
        (b, "GET /api/scoring/people/{person_id}", 404),
        (b, "GET /api/scoring/people/{person_id}/assessments", 404),
        (b, "POST /api/scoring/people/{person_id}/assessments", 404),
        (demo_users["analyst"].uid, "GET /api/scoring/people/{person_id}", 403),
    } <= seen
    epr = [e for e in on_person if e["client_id"] == SYSTMONE]
    assert len(epr) == 1
    assert epr[0]["organisation_code"] == "EQB"
    assert epr[0]["endpoint"] == "GET /fhir/Patient/{patient_id}"
    assert all(e["subject_organisation_code"] == "EQA" for e in on_person)

    on_draft = await _refused(gateway, tokens, draft_id)
    statuses = sorted((e["actor_subject"], e["action"], e["detail"]["status"]) for e in on_draft)
    a = demo_users["clinician.a"].uid
    assert statuses == sorted(
        [(b, "read", 404), (b, "change", 404), (a, "change", 412), (a, "change", 409)]
    )
    assert await _refused(gateway, tokens, str(guessed)) == []
    # Allowed reads stay apart from refusals.
    allowed = await gateway.get(
        "/api/scoring/audit",
        params={"outcome": "allowed", "entity_id": person["id"]},
        headers=await tokens.headers("org.admin"),
    )
    assert {e["action"] for e in allowed.json()["items"]} >= {"create"}
    assert all(e["outcome"] == "allowed" for e in allowed.json()["items"])
