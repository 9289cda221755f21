"""``make backup`` / ``make restore`` (decision 0042): the session's databases, with every
test's data in them so far and the system still running, dumped and restored into fresh
databases; every table of every service comes back with the same rows (count and
checksum of every row) as in the snapshot that was dumped.
"""

import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from equitas_stack.backup import Backup, BackupError, backup, libpq_url, read_manifest, restore
from equitas_stack.backup_fingerprints import differences, fingerprint_database
from equitas_stack.stack import SERVICES, Stack

from services.aggregation.tests.api.feed_support import eventually, service_db
from services.scoring.tests.api.hef import all_rated, create_person
from tests.support.fixtures import Tokens, create_team
from tests.support.own_stack import drop_databases
from tests.support.world import next_nhs_number

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def made(
    stack: Stack,
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    tmp_path_factory: pytest.TempPathFactory,
) -> Backup:
    """One backup of the session's databases, after a person was assessed and the feed
    synced (so scoring, its audit log and aggregation hold rows whatever ran before)."""
    team = await create_team(gateway, tokens, {"clinician.a": "member"})
    clinician = await tokens.headers("clinician.a")
    person = await create_person(gateway, clinician, team, next_nhs_number())
    answer = await gateway.post(
        f"/api/scoring/people/{person['id']}/assessments",
        params={"submit": "true"},
        json={
            "episode_type": "referral",
            "assessed_on": "2026-04-02",
            "responses": all_rated("low"),
        },
        headers=clinician,
    )
    assert answer.status_code == 201, answer.text
    admin = await tokens.headers("org.admin")
    synced = await gateway.post("/api/aggregation/feed/sync", headers=admin)
    assert synced.status_code == 200, synced.text

    async def facts() -> int:
        async with service_db(stack, "aggregation") as db:
            found: int = await db.fetchval(
                "SELECT count(*) FROM assessment_fact WHERE team_code = $1", team
            )
            return found

    assert await eventually(facts, lambda n: n == 1, timeout_s=30) == 1, stack.log_tail(
        "aggregation"
    )
    directory = tmp_path_factory.mktemp("backup") / "made"
    return await backup(stack.database_url, directory, stack.config.database_prefix)


@pytest.fixture
async def restored_prefix(stack: Stack) -> AsyncIterator[str]:
    """A prefix no database has; whatever a test restores under it is dropped after."""
    prefix = f"equitas_restored_{os.getpid()}_{uuid.uuid4().hex[:6]}_"
    yield prefix
    await drop_databases(libpq_url(stack.database_url, "postgres"), prefix)


async def test_a_backup_restores_every_table_identically(
    stack: Stack, made: Backup, restored_prefix: str
) -> None:
    manifest = read_manifest(made.directory)  # every file as written (SHA-256)
    scoring = manifest["databases"]["scoring"]["tables"]
    for table in ("public.person", "public.assessment", "public.audit_event", "public.feed_event"):
        assert scoring[table]["rows"] > 0, table
    facts = manifest["databases"]["aggregation"]["tables"]
    assert sum(t["rows"] for name, t in facts.items() if "assessment_fact" in name) > 0

    kept = await restore(made.directory, stack.database_url, restored_prefix)

    assert kept == {}
    for service in SERVICES:
        database = libpq_url(stack.database_url, f"{restored_prefix}{service}")
        restored = await fingerprint_database(database)
        assert len(restored["tables"]) > 1, service
        assert differences(manifest["databases"][service], restored) == [], service

    # The comparison has teeth: one value changed in one row is seen.
    database = libpq_url(stack.database_url, f"{restored_prefix}reporting")
    conn = await asyncpg.connect(database)
    try:
        await conn.execute("UPDATE alembic_version SET version_num = version_num || 'x'")
    finally:
        await conn.close()
    found = differences(manifest["databases"]["reporting"], await fingerprint_database(database))
    assert len(found) == 1, found
    assert found[0].startswith("table public.alembic_version:"), found


async def test_a_restore_keeps_what_was_there_and_never_overwrites_unasked(
    stack: Stack, made: Backup, restored_prefix: str
) -> None:
    server, only = stack.database_url, ["reporting"]  # one service alone; the smallest
    await restore(made.directory, server, restored_prefix, services=only)

    with pytest.raises(BackupError, match="already exist"):
        await restore(made.directory, server, restored_prefix, services=only)

    kept = await restore(made.directory, server, restored_prefix, replace=True, services=only)

    target = f"{restored_prefix}reporting"
    assert list(kept) == [target]
    assert kept[target].startswith(f"{target}_before_")
    for database in (target, kept[target]):
        found = await fingerprint_database(libpq_url(server, database))
        assert differences(made.manifest["databases"]["reporting"], found) == []
    conn = await asyncpg.connect(libpq_url(server, "postgres"))
    try:
        names = await conn.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", f"{restored_prefix}%"
        )
    finally:
        await conn.close()
    assert sorted(r["datname"] for r in names) == sorted([target, kept[target]])


def test_a_damaged_backup_file_is_refused(made: Backup, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(made.directory, copy)
    dump = copy / "reporting.dump"
    damaged = bytearray(dump.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    dump.write_bytes(bytes(damaged))
    with pytest.raises(BackupError, match="not the file the backup wrote"):
        read_manifest(copy)


def test_backups_are_kept_from_other_users(made: Backup) -> None:
    assert made.directory.stat().st_mode & 0o077 == 0
