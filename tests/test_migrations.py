"""Each service's migrations go up from empty, all the way down, and up again."""

import asyncio
import uuid
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from equitas_stack.stack import Stack
from sqlalchemy.engine import make_url

from services.common.database import alembic_config, ensure_database, service_database_url

SERVICES_DIR = Path(__file__).parents[1] / "services"


async def _tables(url: str) -> set[str]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await conn.fetch(
            "SELECT tablename FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename != 'alembic_version'"
        )
        return {r["tablename"] for r in rows}
    finally:
        await conn.close()


async def _drop(server: str, name: str) -> None:
    dsn = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.mark.parametrize("service", ["scoring", "aggregation", "reporting"])
def test_upgrade_downgrade_upgrade(service: str, stack: Stack) -> None:
    # The server the test session uses: the machine's Postgres or the embedded one.
    server = stack.database_url
    name = f"equitas_migration_{service}_{uuid.uuid4().hex[:8]}"
    asyncio.run(ensure_database(server, name))
    url = service_database_url(server, name)
    config = alembic_config(SERVICES_DIR / service / "db" / "migrations", url)
    try:
        command.upgrade(config, "head")
        created = asyncio.run(_tables(url))
        assert created
        command.downgrade(config, "base")
        assert asyncio.run(_tables(url)) == set()
        command.upgrade(config, "head")
        assert asyncio.run(_tables(url)) == created
    finally:
        asyncio.run(_drop(server, name))


def test_scoring_refuses_to_go_back_past_feed_events_it_would_publish_incomplete(
    stack: Stack,
) -> None:
    """Feed events stored in parts (decision 0013) would lose their person fields under the
    older code: the downgrade past that migration stops while any exists."""
    server = stack.database_url
    name = f"equitas_migration_feed_{uuid.uuid4().hex[:8]}"
    asyncio.run(ensure_database(server, name))
    url = service_database_url(server, name)
    config = alembic_config(SERVICES_DIR / "scoring" / "db" / "migrations", url)

    async def add_event() -> None:
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            await conn.execute(
                "INSERT INTO feed_event (event_type, occurred_at, payload, context) "
                """VALUES ('assessment.submitted', now(), '{}', '{"age_years": 40}')"""
            )
        finally:
            await conn.close()

    try:
        command.upgrade(config, "head")
        asyncio.run(add_event())
        with pytest.raises(Exception, match="newer shape"):
            command.downgrade(config, "7c4f0b9e2d15")
        assert "feed_event" in asyncio.run(_tables(url))
    finally:
        asyncio.run(_drop(server, name))
