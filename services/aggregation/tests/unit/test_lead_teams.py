"""The lead-teams cache: a burst of first requests with one token asks scoring once."""

import asyncio

import httpx

from services.aggregation.access.teams import LeadTeams
from services.common.auth import Principal


class CountingLeadTeams(LeadTeams):
    """Scoring's answer replaced by a slow, counted one: only the cache is under test here."""

    def __init__(self) -> None:
        super().__init__(httpx.AsyncClient(), "http://scoring.invalid", ttl_s=60)
        self.asked = 0

    async def _ask(self, token: str) -> frozenset[str]:
        self.asked += 1
        await asyncio.sleep(0.05)
        return frozenset({"T-1"})


def principal(token: str) -> Principal:
    return Principal(
        subject="lead",
        kind="user",
        client_id="spa",
        name=None,
        organisation_code="EQA",
        organisation_name=None,
        role_code=None,
        role_name=None,
        scopes=frozenset(),
        permissions=frozenset(),
        token=token,
        claims={"exp": 4_000_000_000},
    )


async def test_a_burst_with_one_token_asks_once() -> None:
    teams = CountingLeadTeams()
    answers = await asyncio.gather(*(teams.led_by(principal("a")) for _ in range(24)))
    assert set(answers) == {frozenset({"T-1"})}
    assert teams.asked == 1


async def test_different_tokens_ask_separately() -> None:
    teams = CountingLeadTeams()
    await asyncio.gather(teams.led_by(principal("a")), teams.led_by(principal("b")))
    assert teams.asked == 2


async def test_one_cancelled_waiter_does_not_cancel_the_others() -> None:
    teams = CountingLeadTeams()
    first = asyncio.ensure_future(teams.led_by(principal("a")))
    second = asyncio.ensure_future(teams.led_by(principal("a")))
    await asyncio.sleep(0.01)
    first.cancel()
    assert await second == frozenset({"T-1"})
    assert teams.asked == 1
