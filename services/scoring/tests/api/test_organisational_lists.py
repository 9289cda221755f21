"""The lists of projects and of an organisation's actions through the gateway, a page at a
time: small pages hold exactly what large ones do, in the same order, each item once; a
cursor the list did not issue and a page too large are refused, naming the parameter."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from services.common.errors import PROBLEM_JSON
from services.common.pagination import encode_cursor
from services.scoring.organisational.repository import ActionsPosition, ProjectsPosition
from services.scoring.tests.api.board_helpers import create, ok
from tests.support.fixtures import Tokens

PROJECTS = "/api/scoring/projects"
ACTIONS = "/api/scoring/organisations/EQA/actions"


async def _every_page(
    gateway: httpx.AsyncClient, path: str, headers: dict[str, str], limit: int
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, str | int] = {"limit": limit}
    while True:
        page = ok(await gateway.get(path, params=params, headers=headers))
        assert set(page) == {"items", "next_cursor"}
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        if page["next_cursor"] is None:
            return items
        assert len(page["items"]) == limit  # only a last page is short
        params = {"limit": limit, "cursor": page["next_cursor"]}


async def test_projects_come_a_page_at_a_time(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    analyst = await tokens.headers("analyst")
    tag = uuid.uuid4().hex[:8]
    # Two of the same name: the id orders them, and neither is lost at a page's edge.
    names = [f"Paging {tag} {n}" for n in ("b", "a", "c", "a")]
    made = [
        ok(await gateway.post(PROJECTS, json={"name": n}, headers=analyst), 201)["id"]
        for n in names
    ]
    small = await _every_page(gateway, PROJECTS, analyst, 3)
    large = await _every_page(gateway, PROJECTS, analyst, 500)
    assert [p["id"] for p in small] == [p["id"] for p in large]
    assert len({p["id"] for p in small}) == len(small)
    mine = [p for p in small if p["name"].startswith(f"Paging {tag}")]
    assert sorted(p["id"] for p in mine) == sorted(made)
    assert [p["name"] for p in mine] == sorted(names)
    # Another trust's member reads none of them, on any page.
    other = await _every_page(gateway, PROJECTS, await tokens.headers("clinician.trustb"), 2)
    assert not set(made) & {p["id"] for p in other}


async def test_actions_come_a_page_at_a_time(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    analyst = await tokens.headers("analyst")
    project = ok(await gateway.post(PROJECTS, json={"name": "Paged actions"}, headers=analyst), 201)
    heat = await create(gateway, analyst, "heat", project_id=project["id"],
                        responses={"prepare_scope": "yes"})  # fmt: skip
    made = []
    for n, due in enumerate(["2031-05-01", "2031-01-01", "2031-05-01", "2031-05-01"]):
        action = await gateway.post(
            f"/api/scoring/organisational-assessments/{heat['id']}/actions",
            json={"description": f"Paged action {n}", "owner": "Lead", "due_on": due},
            headers=analyst,
        )
        made.append(ok(action, 201)["id"])
    small = await _every_page(gateway, ACTIONS, analyst, 2)
    large = await _every_page(gateway, ACTIONS, analyst, 500)
    assert [a["id"] for a in small] == [a["id"] for a in large]
    assert len({a["id"] for a in small}) == len(small)
    assert [a["due_on"] for a in small] == sorted(a["due_on"] for a in small)
    # Same due date: in the order they were recorded.
    mine = [a["id"] for a in small if a["id"] in made]
    assert mine == [made[1], made[0], made[2], made[3]]


# Each list's cursor, well formed: refused by the other list.
_PROJECTS_CURSOR = encode_cursor(
    ProjectsPosition(organisation_code="EQA", name="x", id=uuid.UUID(int=1))
)
_ACTIONS_CURSOR = encode_cursor(
    ActionsPosition(due_on=date(2030, 1, 1), created_at=datetime(2030, 1, 1, tzinfo=UTC),
                    id=uuid.UUID(int=1))
)  # fmt: skip


@pytest.mark.parametrize(
    ("path", "another_lists"), [(PROJECTS, _ACTIONS_CURSOR), (ACTIONS, _PROJECTS_CURSOR)]
)
async def test_a_forged_cursor_or_a_huge_page_is_refused(
    gateway: httpx.AsyncClient, tokens: Tokens, path: str, another_lists: str
) -> None:
    analyst = await tokens.headers("analyst")
    for cursor in ("not-a-cursor", "eyJpZCI6IDF9", "%%%", another_lists):
        refused = await gateway.get(path, params={"cursor": cursor}, headers=analyst)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == PROBLEM_JSON
        assert refused.json()["errors"] == [
            {"field": "query.cursor", "message": "not a cursor this list issued"}
        ]
    for limit in (0, 501, 10**12):
        refused = await gateway.get(path, params={"limit": limit}, headers=analyst)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == PROBLEM_JSON
        assert [e["field"] for e in refused.json()["errors"]] == ["query.limit"]
