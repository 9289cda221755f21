"""When Postgres drops the service's connections (a restart, a failover, an administrator
terminating backends), the next requests get new connections: no request fails because a
pooled connection had died while it sat idle."""

import asyncio
from typing import Any

import asyncpg
import httpx
from equitas_stack.stack import Stack
from sqlalchemy.engine import make_url

from services.scoring.tests.api.hef import NewTeam, all_rated, create_person
from tests.support.fixtures import Tokens


async def _drop_scoring_connections(stack: Stack) -> int:
    """Terminate the service's backends and wait until they are gone: the test is about
    connections that died while idle, not one dying during a request (that one gets a 503)."""
    database = f"{stack.config.database_prefix}scoring"
    dsn = make_url(stack.database_url).set(drivername="postgresql").render_as_string(False)
    admin = await asyncpg.connect(dsn)
    try:
        rows = await admin.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
        terminated = [row["pid"] for row in rows]
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", terminated
        )
        for _ in range(100):
            alive = await admin.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])", terminated
            )
            if not alive:
                break
            await asyncio.sleep(0.1)
        # The closed sockets reach the workers' event loops, idle meanwhile, at once.
        await asyncio.sleep(0.5)
        return len(terminated)
    finally:
        await admin.close()


async def test_requests_after_the_database_dropped_every_connection(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    new_team: NewTeam,
    nhs_number: Any,
    stack: Stack,
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, team, nhs_number())
    # Enough requests at once that the pool holds several open connections.
    for response in [
        await gateway.get(f"/api/scoring/people/{person['id']}", headers=headers) for _ in range(5)
    ]:
        assert response.status_code == 200

    assert await _drop_scoring_connections(stack) > 0

    # More requests than any pool holds: the ORM path and the direct (asyncpg) hot path.
    for _ in range(25):
        read = await gateway.get(f"/api/scoring/people/{person['id']}", headers=headers)
        assert read.status_code == 200, read.text
    for _ in range(25):
        submitted = await gateway.post(
            f"/api/scoring/people/{person['id']}/assessments?submit=true",
            json={
                "episode_type": "review",
                "assessed_on": "2026-02-01",
                "responses": all_rated("low"),
            },
            headers=headers,
        )
        assert submitted.status_code == 201, submitted.text
