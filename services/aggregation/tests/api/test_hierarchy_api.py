"""The organisation hierarchy through the gateway: the reference file loaded at start, the
structure on a date, teams known from their assessments, and an administrator's links
(succession, overlaps refused)."""

import uuid
from datetime import date

import httpx
from equitas_stack.stack import Stack

from services.aggregation.tests.api.metrics_facts import Fact, insert_facts, new_codes
from tests.support.fixtures import Tokens

BASE = "/api/aggregation/hierarchy"


async def test_the_reference_file_is_loaded_with_its_history(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = await tokens.headers("analyst")
    now = await gateway.get(f"{BASE}/organisations", params={"kind": "trust"}, headers=headers)
    assert now.status_code == 200, now.text
    parents = {o["code"]: o["parent_code"] for o in now.json()["items"]}
    assert parents["EQA"] == parents["EQB"] == "QZZ"
    before = await gateway.get(
        f"{BASE}/organisations", params={"kind": "trust", "on": "2021-01-01"}, headers=headers
    )
    assert {o["code"]: o["parent_code"] for o in before.json()["items"]}["EQA"] == "Q9Z"
    teams = await gateway.get(f"{BASE}/organisations", params={"parent": "EQA"}, headers=headers)
    codes = {o["code"] for o in teams.json()["items"]}
    assert {"EQA-LD-NORTH", "EQA-LD-SOUTH"} <= codes
    page = await gateway.get(f"{BASE}/organisations", params={"limit": 2}, headers=headers)
    assert len(page.json()["items"]) == 2
    assert page.json()["next_cursor"]
    following = await gateway.get(
        f"{BASE}/organisations",
        params={"limit": 2, "cursor": page.json()["next_cursor"]},
        headers=headers,
    )
    assert following.json()["items"][0]["code"] > page.json()["items"][-1]["code"]
    forged = await gateway.get(
        f"{BASE}/organisations", params={"cursor": "bm90IGEgY3Vyc29y"}, headers=headers
    )
    assert forged.status_code == 422
    assert forged.json()["errors"][0]["field"] == "query.cursor"


async def test_an_admin_moves_a_team_without_restating_history(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    team = f"T-{uuid.uuid4().hex[:10].upper()}"
    created = await gateway.post(
        f"{BASE}/links",
        json={"child_code": team, "parent_code": "EQA", "valid_from": "2020-01-01",
              "child_name": "Test team", "child_kind": "team"},
        headers=admin,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.json()["ended"] is None
    moved = await gateway.post(
        f"{BASE}/links",
        json={"child_code": team, "parent_code": "EQB", "valid_from": "2026-06-01"},
        headers=admin,
    )
    assert moved.status_code == 201, moved.text
    assert moved.json()["ended"]["valid_to"] == "2026-06-01"
    overlap = await gateway.post(
        f"{BASE}/links",
        json={"child_code": team, "parent_code": "EQB", "valid_from": "2025-01-01",
              "valid_to": "2025-12-01"},
        headers=admin,
    )  # fmt: skip
    assert overlap.status_code == 409, overlap.text
    assert overlap.json()["errors"][0]["field"] == "body.valid_from"
    links = await gateway.get(
        f"{BASE}/links", params={"child": team}, headers=await tokens.headers("analyst")
    )
    assert [(x["parent_code"], x["valid_from"], x["valid_to"]) for x in links.json()["items"]] == [
        ("EQA", "2020-01-01", "2026-06-01"),
        ("EQB", "2026-06-01", None),
    ]


async def test_bad_links_name_the_field(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    admin = await tokens.headers("org.admin")
    cases = [
        ({"child_code": "EQA-LD-NORTH", "parent_code": "NOPE", "valid_from": "2020-01-01"},
         422, "body.parent_code"),
        ({"child_code": "EQA-LD-NORTH", "parent_code": "QZZ", "valid_from": "2030-01-01"},
         422, "body.parent_code"),
        ({"child_code": "NEW-TEAM-X", "parent_code": "EQA", "valid_from": "2020-01-01"},
         422, "body.child_code"),
        ({"child_code": "EQA-LD-NORTH", "parent_code": "EQA", "valid_from": "2020-01-01",
          "valid_to": "2019-01-01"}, 422, "body.valid_to"),
        ({"child_code": "EQC-LD-NORTH", "parent_code": "EQC", "valid_from": "2030-01-01"},
         403, None),
        ({"child_code": "bad code", "parent_code": "EQA", "valid_from": "2020-01-01"},
         422, "body.child_code"),
    ]  # fmt: skip
    for body, status, field in cases:
        answer = await gateway.post(f"{BASE}/links", json=body, headers=admin)
        assert answer.status_code == status, (body, answer.text)
        if field:
            assert answer.json()["errors"][0]["field"] == field, answer.text
    analyst = await gateway.post(
        f"{BASE}/links", json=cases[0][0], headers=await tokens.headers("analyst")
    )
    assert analyst.status_code == 403


async def test_teams_known_from_their_assessments_are_listed_under_their_trust(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    (team,) = new_codes()
    await insert_facts(stack, [Fact(team, date(2026, 1, 5), 10, organisation_code="EQB")])
    listed = await gateway.get(
        f"{BASE}/organisations",
        params={"parent": "EQB", "kind": "team", "limit": 500},
        headers=await tokens.headers("commissioner"),
    )
    assert listed.status_code == 200, listed.text
    found = {o["code"]: o for o in listed.json()["items"]}
    assert found[team] == {"code": team, "name": None, "kind": "team", "level": "team",
                           "parent_code": "EQB", "source": "feed"}  # fmt: skip
    assert found["EQB-LD-NORTH"]["source"] == "reference"
