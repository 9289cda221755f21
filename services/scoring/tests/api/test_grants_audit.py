"""Every change of who may see what is audited (issue 16, item 3): teams created, members
added, their role changed and removed, instrument versions uploaded, the role mapping
loaded, assessments deleted and restored."""

import uuid
from pathlib import Path
from typing import Any

import httpx
import yaml
from equitas_idp.demo import DemoUser

from services.scoring.tests.api.hef import NewTeam, create_person, submit_complete
from tests.support.fixtures import Tokens

HEF_FILE = Path(__file__).parents[2] / "instruments/definitions/hef/standard/1.0.0-provisional.yaml"


async def _entries(
    gateway: httpx.AsyncClient, admin: dict[str, str], **params: str
) -> list[dict[str, Any]]:
    answer = await gateway.get("/api/scoring/audit", params=params, headers=admin)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def test_team_and_membership_changes_are_audited(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    new_team: NewTeam,
    demo_users: dict[str, DemoUser],
) -> None:
    team = await new_team({"clinician.a": "member"})
    admin = await tokens.headers("org.admin")
    b = demo_users["clinician.b"]
    path = f"/api/scoring/teams/{team}/members/{b.uid}"
    for role in ("member", "lead", "lead"):  # the last changes nothing
        put = await gateway.put(path, json={"display_name": b.name, "role": role}, headers=admin)
        assert put.status_code == 200, put.text
    assert (await gateway.delete(path, headers=admin)).status_code == 204
    assert (await gateway.delete(path, headers=admin)).status_code == 204  # nothing to remove

    entries = [
        e
        for action in ("team-create", "member-add", "member-role", "member-remove")
        for e in await _entries(gateway, admin, action=action)
        if e["entity_type"] == "team" and e["detail"]["team"] == team
    ]
    changes = [
        (e["action"], e["detail"].get("subject"), e["detail"].get("role"))
        for e in sorted(entries, key=lambda e: e["id"])
    ]
    a = demo_users["clinician.a"].uid
    assert changes == [
        ("team-create", None, None),
        ("member-add", a, "member"),
        ("member-add", b.uid, "member"),
        ("member-role", b.uid, "lead"),
        ("member-remove", b.uid, None),
    ]
    removal = next(
        e
        for e in await _entries(gateway, admin, action="member-remove")
        if e["detail"]["team"] == team
    )
    assert removal["detail"]["previous_role"] == "lead"
    assert removal["actor_subject"] == demo_users["org.admin"].uid
    assert removal["outcome"] == "allowed"


async def test_uploads_role_mapping_deletes_and_restores_are_audited(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    admin = await tokens.headers("org.admin")
    definition = yaml.safe_load(HEF_FILE.read_text())
    # Below every version other tests use, so it never becomes the one new assessments get.
    definition["version"] = f"0.0.{uuid.uuid4().int % 10**6}-audit"
    uploaded = await gateway.post(
        "/api/scoring/instruments",
        content=yaml.safe_dump(definition),
        headers={**admin, "Content-Type": "application/yaml"},
    )
    assert uploaded.status_code == 201, uploaded.text
    uploads = await _entries(gateway, admin, action="instrument-upload")
    assert any(e["detail"]["version"] == definition["version"] for e in uploads)

    # The mapping the service started with, recorded once however many workers started.
    mappings = await _entries(gateway, admin, action="role-mapping")
    assert mappings, "the role mapping loaded at start is audited"
    assert "S8000:G8000:R8000" in mappings[0]["detail"]["mapping"]
    assert mappings[0]["actor_kind"] == "system"
    assert len({str(m["detail"]) for m in mappings}) == len(mappings)

    team = await new_team({"clinician.a": "member"})
    carer = await tokens.headers("clinician.a")
    person = await create_person(gateway, carer, team, nhs_number())
    created = await submit_complete(gateway, carer, person["id"], "high")
    assert created.status_code == 201, created.text
    assessment_id = created.json()["id"]
    deleted = await gateway.delete(
        f"/api/scoring/assessments/{assessment_id}",
        params={"reason": "recorded against the wrong person"},
        headers={**carer, "If-Match": created.headers["ETag"]},
    )
    assert deleted.status_code == 204, deleted.text
    restored = await gateway.post(
        f"/api/scoring/assessments/{assessment_id}/restore", headers=admin
    )
    assert restored.status_code == 200, restored.text
    actions = [e["action"] for e in await _entries(gateway, admin, entity_id=assessment_id)]
    assert {"submit", "delete", "restore"} <= set(actions)
