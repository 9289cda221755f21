"""HEAT through the gateway: a project's stages, actions with owners and due dates, and the
audit of HEAT use and impact across the organisation's projects."""

import httpx

from services.scoring.tests.api.board_helpers import create, ok
from tests.support.fixtures import Tokens


def _stage(prefix: str, code: str = "yes") -> dict[str, str]:
    items = {
        "prepare": ["prepare_scope", "prepare_sponsor", "prepare_team", "prepare_evidence"],
        "refine": ["refine_actions", "refine_equality_duty", "refine_measures"],
    }
    return dict.fromkeys(items[prefix], code)


def _assess() -> dict[str, str]:
    dims = ["age", "disability", "gender_reassignment", "marriage", "pregnancy", "race",
            "religion", "sex", "sexual_orientation", "socioeconomic", "geography",
            "inclusion_health"]  # fmt: skip
    answers = {f"dim_{d}": "considered" for d in dims} | {"dim_race": "inequality_found"}
    return answers | {"assess_data": "yes", "assess_gaps": "yes", "assess_drivers": "partly"}


async def test_heat_stages_actions_and_the_audit(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    analyst = await tokens.headers("analyst")  # any role at the owning organisation
    project = ok(
        await gateway.post(
            "/api/scoring/projects", json={"name": "Virtual wards", "kind": "programme"},
            headers=analyst,
        ),
        201,
    )  # fmt: skip
    answers = _stage("prepare") | _assess() | _stage("refine")
    heat = await create(gateway, analyst, "heat", project_id=project["id"], responses=answers,
                        episode_type="initial", review_in_months=12, submit=True)  # fmt: skip
    assert heat["review_due_on"] == "2027-03-01"
    stages = ok(
        await gateway.get(
            f"/api/scoring/organisational-assessments/{heat['id']}/stages", headers=analyst
        )
    )
    assert [(s["stage"], s["completed"]) for s in stages] == [
        ("prepare", True), ("assess", True), ("refine_apply", True), ("review", False),
    ]  # fmt: skip
    action = ok(
        await gateway.post(
            f"/api/scoring/organisational-assessments/{heat['id']}/actions",
            json={"description": "Interpreter at first contact", "owner": "Service manager",
                  "due_on": "2020-01-01"},
            headers=analyst,
        ),
        201,
    )  # fmt: skip
    assert action["overdue"] is True
    audit_return = await create(
        gateway, analyst, "heat-audit", project_id=project["id"], submit=True,
        responses={"stage_reached": "refine_apply", "sponsor_named": "yes", "data_used": "yes",
                   "data_gaps_found": "yes", "reviewed_in_time": "not_yet_due",
                   "impact_race": "improved"},
    )  # fmt: skip
    assert audit_return["status"] == "submitted"
    audit = ok(await gateway.get("/api/scoring/organisations/EQA/heat-audit", headers=analyst))
    assert audit["projects"] >= 1
    assert audit["stages_completed"]["refine_apply"] >= 1
    assert audit["actions"]["taken"] >= 1
    assert audit["actions"]["overdue"] >= 1
    assert audit["impact_by_group"]["impact_race"]["improved"] >= 1
    actions = ok(
        await gateway.get(
            "/api/scoring/organisations/EQA/actions", params={"limit": 500}, headers=analyst
        )
    )["items"]
    assert action["id"] in {a["id"] for a in actions}
    other = await tokens.headers("clinician.trustb")
    assert (
        await gateway.get("/api/scoring/organisations/EQA/heat-audit", headers=other)
    ).status_code == 404
