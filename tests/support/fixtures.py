"""Session fixtures: the real system on free ports, real tokens, and unique test data.

One stack serves the whole session. Tests stay independent by creating their own teams,
people and NHS numbers rather than by cleaning up after each other.
"""

import asyncio
import base64
import itertools
import json
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import psutil
import pytest
from equitas_idp.demo import DemoUser, load_demo_users
from equitas_stack.stack import DEMO_USERS_FILE, REPO, Stack, StackConfig, default_database_url

from tests.support.tokens import system_token, user_token


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    runs = REPO / "var" / "test-runs"
    # Keep the logs of the last runs for debugging, except those of finished sessions.
    for old in runs.glob("*") if runs.exists() else []:
        if old.name.isdigit() and not psutil.pid_exists(int(old.name)):
            shutil.rmtree(old, ignore_errors=True)
    run_dir = runs / str(os.getpid())
    prefix = f"equitas_test_{os.getpid()}_"
    config = StackConfig.on_free_ports(
        database_url=default_database_url(),
        database_prefix=prefix,
        var_dir=run_dir,
        environment="test",
        log_level="WARNING",
    )
    system = Stack(config)
    system.start()
    try:
        yield system
    finally:
        system.stop()
        if config.database_url:
            asyncio.run(_drop_databases(config.database_url, prefix))


async def _drop_databases(server_url: str, prefix: str) -> None:
    conn = await asyncpg.connect(server_url)
    try:
        names = await conn.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", prefix + "%"
        )
        for row in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def public_url(stack: Stack) -> str:
    return stack.config.public_url


@pytest.fixture(scope="session")
async def gateway(public_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=public_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def demo_users() -> dict[str, DemoUser]:
    users = load_demo_users(DEMO_USERS_FILE)
    return {u.username: u for u in users}


# A cached token is used while it has at least this long left: a whole run can outlast the
# IdP's 10-minute tokens on a busy machine (every test after then got 401 expired_token).
TOKEN_MARGIN_S = 120


def _expires_at(token: str) -> float:
    """The token's ``exp`` (read, not verified: the services verify it)."""
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return float(claims["exp"])


@dataclass
class Tokens:
    public_url: str
    _cache: dict[tuple[str, str], str]

    def _cached(self, key: tuple[str, str]) -> str | None:
        token = self._cache.get(key)
        if token is None or _expires_at(token) - time.time() < TOKEN_MARGIN_S:
            return None
        return token

    async def user(self, username: str) -> str:
        key = ("user", username)
        token = self._cached(key)
        if token is None:
            async with httpx.AsyncClient(timeout=30) as http:
                token = self._cache[key] = await user_token(http, self.public_url, username)
        return token

    async def system(self, client_id: str, scope: str) -> str:
        key = (client_id, scope)
        token = self._cached(key)
        if token is None:
            token = self._cache[key] = await system_token(self.public_url, client_id, scope)
        return token

    async def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.user(username)}"}


@pytest.fixture(scope="session")
def tokens(public_url: str) -> Tokens:
    return Tokens(public_url, {})


@pytest.fixture(scope="session")
def idp_keys_dir(stack: Stack) -> Path:
    return stack.config.var_dir / "idp" / "keys"


def _nhs_numbers() -> Iterator[str]:
    """Valid numbers from the reserved test range 999 000 0000 - 999 999 9999."""
    for body in itertools.count(999_100_000):
        digits = str(body)
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 10:
            continue
        yield digits + str(0 if check == 11 else check)


_numbers = _nhs_numbers()


@pytest.fixture
def nhs_number() -> Callable[[], str]:
    return lambda: next(_numbers)


async def create_team(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    members: dict[str, str],
    *,
    org_admin: str = "org.admin",
) -> str:
    """A new team of the org admin's organisation with these demo users in these roles."""
    users = {u.username: u for u in load_demo_users(DEMO_USERS_FILE)}
    code = f"T-{uuid.uuid4().hex[:10].upper()}"
    admin = await tokens.headers(org_admin)
    created = await gateway.post(
        "/api/scoring/teams", json={"code": code, "name": f"Test team {code}"}, headers=admin
    )
    assert created.status_code == 201, created.text
    for username, role in members.items():
        user = users[username]
        put = await gateway.put(
            f"/api/scoring/teams/{code}/members/{user.uid}",
            json={"display_name": user.name, "role": role},
            headers=admin,
        )
        assert put.status_code == 200, put.text
    return code


@pytest.fixture
def new_team(gateway: httpx.AsyncClient, tokens: Tokens) -> Callable[..., Awaitable[str]]:
    async def make(members: dict[str, str], *, org_admin: str = "org.admin") -> str:
        return await create_team(gateway, tokens, members, org_admin=org_admin)

    return make
