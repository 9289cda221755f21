"""Recording HEFs through the gateway and reading what aggregation made of them."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg
import httpx
from equitas_stack.stack import Stack

from services.aggregation.tests.feed_events import HEF_SECTIONS
from services.common.database import service_database_url

HEF_ITEMS = [item for items in HEF_SECTIONS.values() for item in items]
T = TypeVar("T")


def database_dsn(stack: Stack, service: str) -> str:
    url = service_database_url(stack.database_url, f"{stack.config.database_prefix}{service}")
    return url.replace("postgresql+asyncpg", "postgresql")


@asynccontextmanager
async def service_db(stack: Stack, service: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(database_dsn(stack, service))
    try:
        yield conn
    finally:
        await conn.close()


async def eventually(
    probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], *, timeout_s: float = 15.0
) -> T:
    """Ask ``probe`` until ``done`` says yes (or time runs out: the last answer)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = await probe()
        if done(value) or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.1)


async def create_person(
    gateway: httpx.AsyncClient, headers: dict[str, str], team: str, nhs_number: str, **extra: Any
) -> dict[str, Any]:
    body = {
        "team_code": team,
        "nhs_number": nhs_number,
        "given_name": "Sam",
        "family_name": "Feedtest",
        "birth_date": "1980-02-10",
        "sex": "male",
        "ethnic_category": "Z",
        **extra,
    }
    response = await gateway.post("/api/scoring/people", json=body, headers=headers)
    assert response.status_code == 201, response.text
    person: dict[str, Any] = response.json()
    return person


async def submit_hef(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    person_id: str,
    code: str,
    *,
    assessed_on: str = "2026-05-20",
    episode_type: str = "referral",
) -> httpx.Response:
    """A complete standard HEF, every indicator rated ``code``, submitted in one request."""
    return await gateway.post(
        f"/api/scoring/people/{person_id}/assessments",
        params={"submit": "true"},
        json={
            "episode_type": episode_type,
            "assessed_on": assessed_on,
            "responses": dict.fromkeys(HEF_ITEMS, code),
        },
        headers=headers,
    )
