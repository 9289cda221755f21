"""Who may read aggregates (decision 0021), through the gateway with real tokens."""

from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.support.fixtures import Tokens

# Any route that takes AggregateReader answers the same way.
READ = "/api/aggregation/hierarchy/organisations"


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("analyst", 200),
        ("commissioner", 200),
        ("board.member", 200),
        ("org.admin", 200),
        ("team.lead", 200),  # leads the team made by the test
        ("clinician.a", 403),  # a member of teams, leads none
        ("clinician.trustb", 403),
        ("norole", 403),
    ],
)
async def test_staff(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    new_team: Callable[..., Awaitable[str]],
    username: str,
    status: int,
) -> None:
    await new_team({"clinician.a": "member", "team.lead": "lead"})
    answer = await gateway.get(READ, headers=await tokens.headers(username))
    assert answer.status_code == status, answer.text
    if status == 403:
        assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("client", "scope", "status"),
    [
        ("powerbi-demo", "aggregate:read", 200),
        ("aggregation-service", "feed:read", 403),
        ("rio-epr-demo", "patient:read", 403),
    ],
)
async def test_systems(
    gateway: httpx.AsyncClient, tokens: Tokens, client: str, scope: str, status: int
) -> None:
    token = await tokens.system(client, scope)
    answer = await gateway.get(READ, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == status, answer.text


async def test_no_token(gateway: httpx.AsyncClient) -> None:
    assert (await gateway.get(READ)).status_code == 401
