"""HEF answers and a caseload set-up shared by the scoring API tests."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from services.scoring.instruments.registry import builtin_definitions

HEF = next(d for d in builtin_definitions() if d.key[:2] == ("hef", "standard"))
HEF_ITEMS = [item.id for section in HEF.sections for item in section.items]


def all_rated(code: str) -> dict[str, str]:
    return dict.fromkeys(HEF_ITEMS, code)


async def create_person(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    team: str,
    nhs_number: str,
    **overrides: Any,
) -> dict[str, Any]:
    body = {
        "team_code": team,
        "nhs_number": nhs_number,
        "given_name": "Jo",
        "family_name": "Bloggs",
        "birth_date": "1990-05-17",
        "sex": "female",
        "ethnic_category": "A",
        **overrides,
    }
    response = await gateway.post("/api/scoring/people", json=body, headers=headers)
    assert response.status_code == 201, response.text
    person: dict[str, Any] = response.json()
    return person


NewTeam = Callable[..., Awaitable[str]]


async def submit_complete(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    person_id: str,
    code: str,
    *,
    episode_type: str = "referral",
    assessed_on: str = "2026-03-01",
    **fields: Any,
) -> httpx.Response:
    """Record a complete standard HEF (every indicator rated ``code``) in one request."""
    body = {"episode_type": episode_type, "assessed_on": assessed_on, **fields}
    return await gateway.post(
        f"/api/scoring/people/{person_id}/assessments",
        params={"submit": "true"},
        json={**body, "responses": all_rated(code)},
        headers=headers,
    )
