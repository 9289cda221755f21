"""Exactly once, through crashes: a consumer process is killed (SIGKILL) many times, between
applying a page and committing it and at random moments, while catching up a store of its
own from the whole feed. Afterwards the store reconciles exactly with scoring: every
submitted, not deleted assessment at its latest revision, nothing else, every event
counted once, each person's first and latest and the summary rollups as a rebuild from the
facts gives them."""

import asyncio
import os
import random
import signal
import subprocess
import sys
from typing import Any

import asyncpg
import httpx
from equitas_stack.stack import REPO, Stack

from services.aggregation.feed.people import rebuild_person_facts
from services.aggregation.feed.rollup_writes import rebuild_rollups
from services.aggregation.tests.api.feed_support import (
    HEF_ITEMS,
    create_person,
    database_dsn,
    service_db,
    submit_hef,
)
from services.aggregation.tests.api.test_feed_consumer import (
    AGGREGATION_KEY,
    _feed_events_up_to,
    _fresh_store,
)
from tests.support.fixtures import Tokens

NewTeam = Any
MAX_RUNS = 150
_PLACEMENTS = (
    "SELECT instrument, team_code, organisation_code, commissioner_code, facts, first_day, "
    "last_day FROM rollup_placement"
)


async def _record_changes(
    gateway: httpx.AsyncClient, tokens: Tokens, team: str, nhs_number: Any
) -> None:
    """Submissions, amendments, deletions and a restore for ten people of ``team``."""
    headers = await tokens.headers("clinician.a")
    admin = await tokens.headers("org.admin")
    rng = random.Random(7)
    for n in range(10):
        person = await create_person(gateway, headers, team, nhs_number())
        first = await submit_hef(gateway, headers, person["id"], rng.choice(["low", "high"]))
        assert first.status_code == 201, first.text
        url = f"/api/scoring/assessments/{first.json()['id']}"
        etag = first.headers["etag"]
        if n % 2 == 0:
            amended = await gateway.post(
                f"{url}/amend",
                json={"reason": "Corrected ratings", "responses": dict.fromkeys(HEF_ITEMS, "none")},
                headers={**headers, "If-Match": etag},
            )
            assert amended.status_code == 200, amended.text
            etag = amended.headers["etag"]
        review = await submit_hef(
            gateway,
            headers,
            person["id"],
            "moderate",
            assessed_on="2026-09-01",
            episode_type="review",
        )
        assert review.status_code == 201, review.text
        if n in (1, 2, 5):
            deleted = await gateway.delete(
                url, params={"reason": "Entered twice"}, headers={**headers, "If-Match": etag}
            )
            assert deleted.status_code == 204, deleted.text
            if n == 5:
                restored = await gateway.post(f"{url}/restore", headers=admin)
                assert restored.status_code == 200, restored.text


async def _run_until_caught_up(stack: Stack, dsn: str) -> tuple[int, int]:
    """Start the crashing consumer until one run catches up; (kills before commit, other
    kills)."""
    public = stack.config.public_url
    argv = [sys.executable, "-m", "services.aggregation.tests.api.crash_consumer", dsn, public,
            f"{public}/idp/token", str(AGGREGATION_KEY)]  # fmt: skip
    rng = random.Random(11)
    before_commit = other = 0
    for run in range(MAX_RUNS):
        env = {
            **os.environ,
            "EQUITAS_CRASH_P": "0.5",
            "EQUITAS_CRASH_PAGE": "2",
            "EQUITAS_CRASH_SEED": str(run),
        }
        process = await asyncio.create_subprocess_exec(
            *argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        # Every third run is also killed from outside at a random moment.
        if run % 3 == 2:
            try:
                await asyncio.wait_for(process.wait(), rng.uniform(0.5, 2.5))
            except TimeoutError:
                process.send_signal(signal.SIGKILL)
        output = (await process.communicate())[0].decode(errors="replace")
        if process.returncode == 0:
            return before_commit, other
        assert process.returncode == -signal.SIGKILL, output[-2000:]
        if "killed before commit" in output:
            before_commit += 1
        else:
            other += 1
    raise AssertionError(f"not caught up after {MAX_RUNS} runs")


async def test_killed_many_times_the_store_reconciles_exactly_with_scoring(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any, stack: Stack
) -> None:
    team = await new_team({"clinician.a": "member"})
    await _record_changes(gateway, tokens, team, nhs_number)
    dsn = await _fresh_store(stack, "aggregation_crash")

    before_commit, other = await _run_until_caught_up(stack, dsn)
    assert before_commit >= 10, (before_commit, other)

    async with service_db(stack, "scoring") as scoring:
        expected = sorted(
            tuple(r)
            for r in await scoring.fetch(
                """
                SELECT a.revision, (a.scores->'overall'->'scores'->>'total')::float
                FROM assessment a JOIN team t ON t.id = a.team_id
                WHERE t.code = $1 AND a.status = 'submitted' AND a.deleted_at IS NULL
                """,
                team,
            )
        )
    assert len(expected) == 18  # 10 referrals and 10 reviews, 3 referrals deleted, 1 restored
    store = await asyncpg.connect(dsn)
    try:
        facts = sorted(
            tuple(r)
            for r in await store.fetch(
                "SELECT revision, overall_score FROM assessment_fact WHERE team_code = $1", team
            )
        )
        assert facts == expected
        # Every event of the feed up to the checkpoint counted exactly once.
        applied = await store.fetchval("SELECT events_applied FROM feed_checkpoint")
        assert applied == await _feed_events_up_to(stack, dsn)
        # The ledger and the facts agree everywhere, not just for this team.
        live = await store.fetchval("SELECT count(*) FROM assessment_feed_state WHERE NOT deleted")
        assert live == await store.fetchval("SELECT count(*) FROM assessment_fact")
        # People's first and latest are what the facts say.
        people = sorted(tuple(r) for r in await store.fetch("SELECT * FROM person_fact"))
        await rebuild_person_facts(store)
        assert people == sorted(tuple(r) for r in await store.fetch("SELECT * FROM person_fact"))
        # The rollups too (decision 0034): every cell, and each placement's facts, with its
        # kept dates covering those of its facts (they only widen between rebuilds).
        cells = sorted(tuple(r) for r in await store.fetch("SELECT * FROM rollup_cell"))
        placed = {tuple(r)[:5]: tuple(r)[5:] for r in await store.fetch(_PLACEMENTS)}
        await rebuild_rollups(store)
        assert cells == sorted(tuple(r) for r in await store.fetch("SELECT * FROM rollup_cell"))
        rebuilt = {tuple(r)[:5]: tuple(r)[5:] for r in await store.fetch(_PLACEMENTS)}
        assert placed.keys() == rebuilt.keys()
        for key, (first, last) in rebuilt.items():
            assert placed[key][0] <= first, key
            assert last <= placed[key][1], key
        # And this store agrees with the service's own, which no one killed.
        mine = sorted(
            tuple(r)
            for r in await store.fetch(
                "SELECT assessment_key, revision, person_key FROM assessment_fact "
                "WHERE team_code = $1",
                team,
            )
        )
    finally:
        await store.close()
    own = await asyncpg.connect(database_dsn(stack, "aggregation"))
    try:
        await gateway.post("/api/aggregation/feed/sync", headers=await tokens.headers("org.admin"))
        theirs = sorted(
            tuple(r)
            for r in await own.fetch(
                "SELECT assessment_key, revision, person_key FROM assessment_fact "
                "WHERE team_code = $1",
                team,
            )
        )
    finally:
        await own.close()
    assert mine == theirs
