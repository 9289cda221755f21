"""End to end through the gateway with real tokens: HEFs submitted as clinician.a reach the
analyst's aggregates once the consumer has synced, hidden while fewer than 8 people and
rounded after; clinician.a may read no aggregates."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from services.aggregation.tests.api.feed_support import create_person, eventually, submit_hef
from tests.support.fixtures import Tokens


async def test_submitted_hefs_reach_the_analysts_summary(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    new_team: Callable[..., Awaitable[str]],
    nhs_number: Callable[[], str],
) -> None:
    team = await new_team({"clinician.a": "member", "team.lead": "lead"})
    clinician = await tokens.headers("clinician.a")
    analyst = await tokens.headers("analyst")
    admin = await tokens.headers("org.admin")

    async def submit(count: int) -> None:
        for _ in range(count):
            person = await create_person(gateway, clinician, team, nhs_number())
            answer = await submit_hef(gateway, clinician, person["id"], "moderate")
            assert answer.status_code == 201, answer.text

    async def team_row() -> dict[str, Any] | None:
        synced = await gateway.post("/api/aggregation/feed/sync", headers=admin)
        assert synced.status_code == 200, synced.text
        answer = await gateway.get(
            "/api/aggregation/summary",
            params={"level": "team", "organisation": team, "period": "financial_year"},
            headers=analyst,
        )
        if answer.status_code == 403:  # a team aggregation has not heard of yet
            return None
        assert answer.status_code == 200, answer.text
        rows = answer.json()["rows"]
        return rows[0] if rows else None

    await submit(1)
    first = await eventually(team_row, lambda row: row is not None)
    assert first is not None
    assert first["people"] == {"value": None, "suppressed": True, "reason": "fewer than 8 people"}
    assert first["mean_score"]["value"] is None

    await submit(8)
    later = await eventually(
        team_row, lambda row: row is not None and not row["people"]["suppressed"]
    )
    assert later is not None
    assert later["people"]["value"] == 10  # 9, rounded to the nearest 5
    assert later["unit"] == {"code": team, "name": None, "level": "team"}
    assert abs(later["mean_score"]["value"] - 58) < 1e-9  # 29 indicators rated moderate (2)

    refused = await gateway.get("/api/aggregation/summary", headers=clinician)
    assert refused.status_code == 403
