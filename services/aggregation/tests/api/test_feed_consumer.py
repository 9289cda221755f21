"""The feed consumer in the running system: a HEF recorded through the gateway becomes a
fact in aggregation's store within seconds; an amendment replaces it, a deletion removes
it, a restore brings it back; a sync on demand; readiness shows the lag; only the lease
holder applies."""

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any, get_args

import asyncpg
import httpx
import jsonschema
import pytest
import yaml
from equitas_stack.stack import REPO, Stack

from services.aggregation.feed.consumer import (
    ConsumerOptions,
    FeedConsumer,
    LeaseHeld,
    feed_http_client,
)
from services.aggregation.feed.contract import FeedEventType, parse_page
from services.aggregation.tests.api.feed_support import (
    HEF_ITEMS,
    create_person,
    database_dsn,
    eventually,
    service_db,
    submit_hef,
)
from services.common.client_credentials import ClientCredentials
from services.common.database import prepare_database
from tests.support.fixtures import Tokens

NewTeam = Any
AGGREGATION_KEY = REPO / "deploy" / "dev-idp" / "clients" / "aggregation-service.key.pem"


async def facts_of(stack: Stack, team: str) -> list[asyncpg.Record]:
    async with service_db(stack, "aggregation") as db:
        rows: list[asyncpg.Record] = await db.fetch(
            "SELECT * FROM assessment_fact WHERE team_code = $1 ORDER BY assessed_on", team
        )
        return rows


async def person_facts(stack: Stack, person_key: str) -> list[asyncpg.Record]:
    async with service_db(stack, "aggregation") as db:
        rows: list[asyncpg.Record] = await db.fetch(
            "SELECT * FROM person_fact WHERE person_key = $1", person_key
        )
        return rows


async def test_a_hef_becomes_a_fact_and_follows_amend_delete_and_restore(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any, stack: Stack
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, team, nhs_number())
    submitted = await submit_hef(gateway, headers, person["id"], "low")
    assert submitted.status_code == 201, submitted.text

    facts = await eventually(lambda: facts_of(stack, team), lambda rows: len(rows) == 1)
    assert len(facts) == 1, (
        f"the submitted HEF did not reach the store within 15 s:\n{stack.log_tail('aggregation')}"
    )
    fact = facts[0]
    assert fact["revision"] == 1
    assert fact["person_key"].startswith("pk_")
    assert fact["assessment_key"].startswith("ak_")
    assert (fact["instrument"], fact["variant"], fact["episode_type"]) == (
        "hef",
        "standard",
        "referral",
    )
    assert fact["organisation_code"] == "EQA"
    assert fact["age_band"] == "45-54"  # born 1980-02-10, assessed 2026-05-20: 46
    assert (fact["sex"], fact["ethnic_category"], fact["ethnic_group"]) == (
        "male",
        "Z",
        "not_stated",
    )
    assert fact["assessed_on"] == date(2026, 5, 20)
    assert (fact["month_start"], fact["quarter_start"], fact["financial_year"]) == (
        date(2026, 5, 1),
        date(2026, 4, 1),
        2026,
    )
    assert fact["overall_score"] == 29.0  # 29 indicators at low impact (1)
    assert '"impact": "low"' in fact["bands"]
    assert json.loads(fact["item_values"])["housing"] == 1  # json as written (decision 0048)
    assert fact["complete"] is True

    # An amendment replaces the earlier revision.
    url = f"/api/scoring/assessments/{submitted.json()['id']}"
    amended = await gateway.post(
        f"{url}/amend",
        json={"reason": "Rated against the wrong week", "responses": _all("moderate")},
        headers={**headers, "If-Match": submitted.headers["etag"]},
    )
    assert amended.status_code == 200, amended.text
    facts = await eventually(
        lambda: facts_of(stack, team), lambda rows: [r["revision"] for r in rows] == [2]
    )
    assert [(r["revision"], r["overall_score"]) for r in facts] == [(2, 58.0)]

    # A later review: the person's first and latest.
    review = await submit_hef(
        gateway, headers, person["id"], "none", assessed_on="2026-08-03", episode_type="review"
    )
    assert review.status_code == 201, review.text
    await eventually(lambda: facts_of(stack, team), lambda rows: len(rows) == 2)
    people = await person_facts(stack, fact["person_key"])
    assert [
        tuple(p[c] for c in ("assessments", "first_episode_type", "first_overall_score"))
        + tuple(p[c] for c in ("latest_episode_type", "latest_overall_score"))
        for p in people
    ] == [(2, "referral", 58.0, "review", 0.0)]

    # A deletion removes it; a restore brings it back.
    deleted = await gateway.delete(
        url,
        params={"reason": "Duplicate entry"},
        headers={**headers, "If-Match": amended.headers["etag"]},
    )
    assert deleted.status_code == 204, deleted.text
    facts = await eventually(lambda: facts_of(stack, team), lambda rows: len(rows) == 1)
    assert [r["episode_type"] for r in facts] == ["review"]
    people = await person_facts(stack, fact["person_key"])
    assert [(p["assessments"], p["first_episode_type"]) for p in people] == [(1, "review")]

    restored = await gateway.post(f"{url}/restore", headers=await tokens.headers("org.admin"))
    assert restored.status_code == 200, restored.text
    facts = await eventually(lambda: facts_of(stack, team), lambda rows: len(rows) == 2)
    assert [(r["episode_type"], r["revision"]) for r in facts] == [("referral", 2), ("review", 1)]
    people = await person_facts(stack, fact["person_key"])
    assert [(p["assessments"], p["first_episode_type"]) for p in people] == [(2, "referral")]


async def test_a_sync_on_demand_catches_up_and_readiness_shows_the_lag(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any, stack: Stack
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, team, nhs_number())
    assert (await submit_hef(gateway, headers, person["id"], "high")).status_code == 201

    synced = await gateway.post(
        "/api/aggregation/feed/sync", headers=await tokens.headers("org.admin")
    )
    assert synced.status_code == 200, synced.text
    assert synced.json()["caught_up"] is True
    assert synced.json()["events_behind"] == 0
    assert len(await facts_of(stack, team)) == 1  # applied before the answer

    refused = await gateway.post("/api/aggregation/feed/sync", headers=headers)
    assert refused.status_code == 403

    ready = await gateway.get("/api/aggregation/readyz")
    assert ready.status_code == 200, ready.text
    gauges = ready.json()["gauges"]
    assert gauges["feed_lease_held"] == 1.0  # one worker: it holds the lease
    assert gauges["feed_events_behind"] == 0.0
    assert 0.0 <= gauges["feed_lag_seconds"] < 5.0
    assert 0.0 <= gauges["feed_checked_seconds_ago"] < 10.0
    assert gauges["feed_events_applied"] >= 1.0


async def test_every_event_the_feed_serves_matches_the_contract(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    """Every event scoring serves, from the start of the feed, validates against the
    committed contract (openapi/scoring.yaml) and parses as aggregation reads it."""
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, team, nhs_number(), ethnic_category="99")
    submitted = await submit_hef(gateway, headers, person["id"], "not_assessed")
    url = f"/api/scoring/assessments/{submitted.json()['id']}"
    amended = await gateway.post(
        f"{url}/amend",
        json={"reason": "Now assessed", "responses": _all("high")},
        headers={**headers, "If-Match": submitted.headers["etag"]},
    )
    deleted = await gateway.delete(
        url,
        params={"reason": "Wrong person"},
        headers={**headers, "If-Match": amended.headers["etag"]},
    )
    assert deleted.status_code == 204, deleted.text
    restored = await gateway.post(f"{url}/restore", headers=await tokens.headers("org.admin"))
    assert restored.status_code == 200, restored.text

    document = yaml.safe_load((REPO / "openapi" / "scoring.yaml").read_text())
    validator = jsonschema.Draft202012Validator(
        {"$ref": "#/components/schemas/FeedPage", "components": document["components"]}
    )
    auth = {"Authorization": f"Bearer {await tokens.system('aggregation-service', 'feed:read')}"}
    cursor, seen = "0", set()
    while True:
        page = await gateway.get("/api/scoring/feed", params={"after": cursor}, headers=auth)
        assert page.status_code == 200, page.text
        body = page.json()
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert errors == []
        parse_page(page.content)  # aggregation's reading of the page accepts it too
        seen |= {e["event_type"] for e in body["events"] if e["payload"]["team_code"] == team}
        if not body["events"]:
            break
        cursor = body["next_cursor"]
    assert seen == set(get_args(FeedEventType))


def _credentials(public_url: str) -> ClientCredentials:
    return ClientCredentials(
        f"{public_url}/idp/token",
        "aggregation-service",
        AGGREGATION_KEY.read_bytes(),
        "feed:read",
        kid="aggregation-service-rs256-1",
    )


async def test_only_the_lease_holder_applies(stack: Stack, public_url: str) -> None:
    """The service's own consumer holds the lease on its store: another consumer (a second
    replica) stands by and applies nothing. On a store of their own, two consumers
    started together: one applies everything, the other is refused the lease."""
    async with _credentials(public_url) as credentials, feed_http_client(credentials) as http:
        replica = FeedConsumer(
            dsn=database_dsn(stack, "aggregation"), scoring_url=public_url, http=http
        )
        with pytest.raises(LeaseHeld):
            await replica.catch_up()

        dsn = await _fresh_store(stack, "aggregation_pair")
        first, second = (FeedConsumer(dsn=dsn, scoring_url=public_url, http=http) for _ in range(2))
        results = await asyncio.gather(first.catch_up(), second.catch_up(), return_exceptions=True)
        refused = [r for r in results if isinstance(r, LeaseHeld)]
        applied = [r for r in results if isinstance(r, int)]
        # Usually one is refused; if the first finished before the second asked, the
        # second found nothing left to apply. Either way nothing is applied twice.
        assert len(refused) + len(applied) == 2, results
        conn = await asyncpg.connect(dsn)
        try:
            counted = await conn.fetchval(
                "SELECT events_applied FROM feed_checkpoint WHERE feed = 'scoring'"
            )
        finally:
            await conn.close()
        assert counted == sum(applied)
        assert counted == await _feed_events_up_to(stack, dsn)


async def test_a_consumer_whose_feed_is_unreachable_keeps_trying(
    stack: Stack, public_url: str
) -> None:
    """Scoring away (here: nothing listens where the feed should be): the background task
    logs, waits and retries; it never ends, and applies nothing."""
    dsn = await _fresh_store(stack, "aggregation_unreachable")
    async with _credentials(public_url) as credentials, feed_http_client(credentials) as http:
        consumer = FeedConsumer(
            dsn=dsn,
            scoring_url="http://127.0.0.1:9",  # discard port: connection refused
            http=http,
            options=ConsumerOptions(retry_max_s=0.2, standby_interval_s=0.1),
        )
        task = asyncio.create_task(consumer.run())
        await asyncio.sleep(3)
        assert not task.done(), task
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    conn = await asyncpg.connect(dsn)
    try:
        applied = await conn.fetchval("SELECT events_applied FROM feed_checkpoint")
    finally:
        await conn.close()
    assert applied == 0


async def _fresh_store(stack: Stack, name: str) -> str:
    database = f"{stack.config.database_prefix}{name}"
    await prepare_database(stack.database_url, database, _MIGRATIONS)
    return database_dsn(stack, name)


_MIGRATIONS = Path(__file__).resolve().parents[2] / "db" / "migrations"


async def _feed_events_up_to(stack: Stack, dsn: str) -> int:
    """Events of scoring's feed up to the store's checkpoint."""
    conn = await asyncpg.connect(dsn)
    try:
        cursor = await conn.fetchval("SELECT cursor FROM feed_checkpoint WHERE feed = 'scoring'")
    finally:
        await conn.close()
    txid, _, seq = cursor.partition(".")
    async with service_db(stack, "scoring") as db:
        counted: int = await db.fetchval(
            "SELECT count(*) FROM feed_event WHERE (txid, seq) <= ($1::text::xid8, $2)",
            txid,
            int(seq),
        )
    return counted


def _all(code: str) -> dict[str, str]:
    return dict.fromkeys(HEF_ITEMS, code)
