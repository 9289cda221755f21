"""Aggregation's feed consumer: how fast it applies the feed, and how far behind scoring it
runs while clinicians submit.

Throughput (``consumer_events_per_s``): synthetic feed pages as scoring serves them (whole
HEFs with the engine's scores, pseudonymous keys; mostly submissions, some amendments,
deletions and restores; about two assessments a person) are consumed by the service's own
``FeedConsumer.catch_up_from`` reading them from memory instead of HTTP: each page decoded
and prepared while the one before is applied (``feed.apply.apply_page``: facts, ledger,
people's first and latest, rollups, checkpoint, one transaction a page of 1,000), to a
store of their own. A first batch fills the store, so the measured batch meets existing
people and facts. No HTTP: this is the consumer's own cost. The process's garbage
collection is set as the service sets it. Decoding and preparing the measured pages alone
are timed afterwards (``decode_us_per_event``, ``prepare_us_per_event``).

Lag (``feed_lag_s``): scoring takes submits at ``LOAD_RATE`` a second (open loop, over the
seeded caseload of ``TEAM``) while a probe submits one more HEF every half second for
another person and times how long until its fact is in the running aggregation service's
store (the service's own consumer: half-second polls when caught up). The 95th percentile
of the probes is the headline.

Writes ``var/bench/aggregation_feed.json`` and merges its two keys into
``var/bench/aggregation.json`` (which the metrics benchmark writes too).
"""

import asyncio
import gc
import json
import os
import random
import statistics
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
from equitas_stack.stack import REPO

from benchmarks.harness import RESULTS_DIR, BenchContext, load_average, run_facts
from benchmarks.load import LoadResult, Target, run_paced
from services.aggregation.feed.apply import ensure_checkpoint
from services.aggregation.feed.consumer import ConsumerOptions, FeedConsumer
from services.aggregation.feed.contract import FeedPage, parse_page
from services.aggregation.feed.facts import prepare_page
from services.aggregation.tests.feed_events import HEF_SECTIONS, feed_items
from services.common.database import prepare_database, service_database_url

NAME = "aggregation_feed"
TARGETS = {"consumer_events_per_s": 10_000.0, "feed_lag_s": 2.0}
FILL_EVENTS = 50_000
MEASURED_EVENTS = 50_000
PAGE = 1000
TEAM = "EQA-LD-SOUTH"
USER = "clinician.b"
PEOPLE = 300
LOAD_RATE = 200.0
PROBE_EVERY_S = 0.5
HEF_ITEMS = [item for items in HEF_SECTIONS.values() for item in items]


def run(context: BenchContext) -> dict[str, Any]:
    load_before = load_average()
    throughput = asyncio.run(_throughput(context))
    lag = _lag(context)
    result: dict[str, Any] = {
        "consumer_events_per_s": throughput["events_per_s"],
        "feed_lag_s": lag["p95_s"],
        "throughput": throughput,
        "lag": lag,
        "targets": TARGETS,
        **run_facts(context.options, load_before=load_before),
    }
    result["warnings"] = _warnings(result)
    _merge_into("aggregation", {k: result[k] for k in ("consumer_events_per_s", "feed_lag_s")})
    return result


# -- throughput ---------------------------------------------------------------------------


Page = tuple[str, bytes]  # the page's next cursor, and the page as the feed serves it


def _pages(rng: random.Random, count: int, start: int, people: int) -> list[Page]:
    items = list(feed_items(rng, count, start_txid=start, people=people))
    pages = []
    for i in range(0, count, PAGE):
        body = {
            "events": items[i : i + PAGE],
            "next_cursor": items[i + PAGE - 1]["cursor"],
            "remaining": max(0, count - i - PAGE),
        }
        pages.append((body["next_cursor"], orjson.dumps(body)))
    return pages


class _FeedInMemory(FeedConsumer):
    """The service's consumer, reading pages from memory: by the cursor each is read after."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        super().__init__(
            dsn="",
            scoring_url="http://feed.invalid",
            http=httpx.AsyncClient(),
            options=ConsumerOptions(page_size=PAGE),
        )
        self.pages = pages

    async def read_page(self, cursor: str) -> FeedPage:
        raw = self.pages.get(cursor)
        if raw is None:  # after the last page: nothing more, as the feed says when caught up
            raw = orjson.dumps({"events": [], "next_cursor": cursor, "remaining": 0})
        return parse_page(raw)


async def _apply_all(conn: asyncpg.Connection, pages: list[Page], cursor: str) -> str:
    by_cursor: dict[str, bytes] = {}
    after = cursor
    for next_cursor, raw in pages:
        by_cursor[after] = raw
        after = next_cursor
    consumer = _FeedInMemory(by_cursor)
    try:
        cursor, _ = await consumer.catch_up_from(conn, cursor)
    finally:
        await consumer.http.aclose()
    return cursor


def _python_alone(pages: list[Page]) -> dict[str, float]:
    """CPU per event of decoding the pages, and of preparing them, without the database."""
    started = time.process_time()
    decoded = [parse_page(raw) for _, raw in pages]
    decode = time.process_time() - started
    started = time.process_time()
    for page in decoded:
        prepare_page(page)
    prepare = time.process_time() - started
    events = sum(len(page.events) for page in decoded)
    return {
        "decode_us_per_event": round(decode / events * 1e6, 1),
        "prepare_us_per_event": round(prepare / events * 1e6, 1),
    }


async def _throughput(context: BenchContext) -> dict[str, Any]:
    server = context.stack.database_url
    database = f"{context.stack.config.database_prefix}aggregation_throughput"
    migrations = REPO / "services" / "aggregation" / "db" / "migrations"
    await prepare_database(server, database, migrations)
    dsn = service_database_url(server, database).replace("postgresql+asyncpg", "postgresql")
    rng = random.Random(20261207)
    print(f"  making {FILL_EVENTS + MEASURED_EVENTS:,} synthetic feed events ...", flush=True)
    fill = _pages(rng, FILL_EVENTS, 1_000, FILL_EVENTS // 2)
    measured = _pages(rng, MEASURED_EVENTS, 10_000_000, MEASURED_EVENTS // 2)
    conn = await asyncpg.connect(dsn)
    thresholds = gc.get_threshold()
    try:
        # As the service runs: what start-up built frozen, collections every 20,000 objects.
        gc.collect()
        gc.freeze()
        gc.set_threshold(20_000, *thresholds[1:])
        cursor = await ensure_checkpoint(conn)
        print(f"  applying {FILL_EVENTS:,} events to fill the store ...", flush=True)
        cursor = await _apply_all(conn, fill, cursor)
        await conn.execute("VACUUM (ANALYZE)")
        print(f"  applying {MEASURED_EVENTS:,} events (measured) ...", flush=True)
        backend = await conn.fetchval("SELECT pg_backend_pid()")
        backend_cpu = _process_cpu_s(backend)
        started = time.perf_counter()
        cpu = time.process_time()
        await _apply_all(conn, measured, cursor)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        backend_after = _process_cpu_s(backend)
        database_cpu = (
            None if backend_cpu is None or backend_after is None else backend_after - backend_cpu
        )
        facts = await conn.fetchval("SELECT count(*) FROM assessment_fact")
        people = await conn.fetchval("SELECT count(*) FROM person_fact")
        alone = _python_alone(measured)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        await conn.close()
    return {
        "events_per_s": round(MEASURED_EVENTS / elapsed, 1),
        "events": MEASURED_EVENTS,
        "page_size": PAGE,
        "seconds": round(elapsed, 3),
        "consumer_cpu_s": round(cpu, 3),
        # The Postgres backend's CPU for the same work (when Postgres runs on this host),
        # and events per CPU-second of the two together (they take turns: the rate of an
        # otherwise idle machine). On a machine loaded by other work the wall-clock rate
        # says as much about the others.
        "database_cpu_s": None if database_cpu is None else round(database_cpu, 3),
        "events_per_cpu_s": (
            None if database_cpu is None else round(MEASURED_EVENTS / (cpu + database_cpu), 1)
        ),
        "facts_after": facts,
        "people_after": people,
        **alone,
    }


def _process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process on this host (None if it is not here)."""
    try:
        if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
            return None  # another host's (or namespace's) process id
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- lag ----------------------------------------------------------------------------------


def _people(context: BenchContext, token: str) -> list[str]:
    ids: list[str] = []
    cursor: str | None = None
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=context.public_url, timeout=30) as http:
        while True:
            params = {"team": TEAM, "limit": "200", **({"cursor": cursor} if cursor else {})}
            page = http.get("/api/scoring/people", params=params, headers=headers)
            page.raise_for_status()
            body = page.json()
            ids.extend(p["id"] for p in body["items"])
            cursor = body["next_cursor"]
            if cursor is None:
                return ids


def _hef(episode_type: str, assessed_on: date, *, only: str | None = None) -> dict[str, Any]:
    codes = ("none", "low", "moderate", "high")
    return {
        "episode_type": episode_type,
        "assessed_on": assessed_on.isoformat(),
        "responses": {item: only or codes[i % 4] for i, item in enumerate(HEF_ITEMS)},
    }


# A probe's HEF: every indicator at high impact (3 x 29), which the seed's random ratings
# practically never give, so its fact is told apart from the seeded ones of the same date.
PROBE_SCORE = 3.0 * len(HEF_ITEMS)


def _lag(context: BenchContext) -> dict[str, Any]:
    print(f"  seeding {PEOPLE} people into {TEAM} ...", flush=True)
    print("  " + context.seed("--people", str(PEOPLE), "--team", TEAM), flush=True)
    token = context.user_token(USER)
    people = _people(context, token)
    if len(people) < 2:
        raise RuntimeError(f"{USER} sees too few people on {TEAM}'s caseload")
    probe_person, load_people = people[0], people[1:]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    today = min(date(2026, 6, 1), datetime.now(UTC).date())
    body = httpx.Request("POST", "/", json=_hef("review", today)).content
    paths = [f"/api/scoring/people/{p}/assessments?submit=true" for p in load_people]
    target = Target(context.public_url, "POST", paths, headers, body)
    aggregation = service_database_url(
        context.stack.database_url, f"{context.stack.config.database_prefix}aggregation"
    ).replace("postgresql+asyncpg", "postgresql")
    seconds = context.options.seconds
    asyncio.run(_caught_up(aggregation, timeout_s=300))

    loaded: dict[str, LoadResult] = {}
    load = threading.Thread(
        target=lambda: loaded.setdefault(
            "load", run_paced(target, connections=20, seconds=seconds, rate=LOAD_RATE)
        )
    )
    print(f"  {LOAD_RATE:.0f} submits/s for {seconds:.0f} s, probing the lag ...", flush=True)
    load.start()
    lags, longest = asyncio.run(_probe(context, token, probe_person, aggregation, seconds, today))
    load.join()
    ordered = sorted(lags)
    return {
        "longest_transaction_on_server_s": round(longest, 3),
        "p50_s": round(statistics.median(ordered), 3),
        "p95_s": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3),
        "max_s": round(ordered[-1], 3),
        "probes": len(ordered),
        "load_offered_per_s": LOAD_RATE,
        "load": loaded["load"].as_dict() if "load" in loaded else None,
    }


async def _caught_up(dsn: str, *, timeout_s: float) -> None:
    """Wait until the service's consumer has nothing left to read (after the seed)."""
    deadline = time.monotonic() + timeout_s
    conn = await asyncpg.connect(dsn)
    try:
        while time.monotonic() < deadline:
            row = await conn.fetchrow(
                "SELECT behind_events, checked_at FROM feed_checkpoint WHERE feed = 'scoring'"
            )
            recent = datetime.now(UTC) - timedelta(seconds=2)
            if (
                row
                and row["checked_at"]
                and row["checked_at"] > recent
                and not row["behind_events"]
            ):
                return
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise RuntimeError("aggregation's consumer did not catch up with the seeded feed")


async def _probe(
    context: BenchContext, token: str, person: str, dsn: str, seconds: float, day: date
) -> tuple[list[float], float]:
    """Every PROBE_EVERY_S submit one HEF for ``person``, each dated a day earlier than the
    last (so each fact is known by its date), without waiting for the previous one; time
    each from its 201 until its fact is in the store. Also the longest transaction seen
    running anywhere on the server meanwhile: the feed serves nothing past the oldest one
    (decision 0005), so another database's long transaction shows here as lag."""
    conn = await asyncpg.connect(dsn)
    acknowledged: dict[date, float] = {}
    lags: list[float] = []
    longest = 0.0
    headers = {"Authorization": f"Bearer {token}"}
    sent = 0

    async def submit(http: httpx.AsyncClient, on: date) -> None:
        answer = await http.post(
            f"/api/scoring/people/{person}/assessments",
            params={"submit": "true"},
            json=_hef("ad-hoc", on, only="high"),
            headers=headers,
        )
        if answer.status_code != 201:
            raise RuntimeError(f"probe submit answered {answer.status_code}")
        acknowledged[on] = time.monotonic()

    try:
        async with httpx.AsyncClient(base_url=context.public_url, timeout=30) as http:
            submits: list[asyncio.Task[None]] = []
            end = time.monotonic() + seconds
            next_at = time.monotonic()
            while time.monotonic() < end or acknowledged or len(lags) < sent:
                now = time.monotonic()
                if now >= next_at and now < end:
                    sent += 1
                    submits.append(asyncio.create_task(submit(http, day - timedelta(days=sent))))
                    next_at += PROBE_EVERY_S
                if acknowledged:
                    seen = await conn.fetch(
                        "SELECT assessed_on FROM assessment_fact WHERE team_code = $1 "
                        "AND episode_type = 'ad-hoc' AND assessed_on = ANY($2::date[]) "
                        "AND overall_score = $3",
                        TEAM,
                        list(acknowledged),
                        PROBE_SCORE,
                    )
                    for row in seen:
                        lags.append(time.monotonic() - acknowledged.pop(row["assessed_on"]))
                longest = max(longest, float(await conn.fetchval(_LONGEST) or 0.0))
                if now > end + 60:
                    raise RuntimeError("probes' facts did not appear within 60 s")
                await asyncio.sleep(0.02)
            await asyncio.gather(*submits)
    finally:
        await conn.close()
    return lags, longest


# Age of the oldest transaction holding a transaction id anywhere on the server.
_LONGEST = """
    SELECT extract(epoch FROM max(clock_timestamp() - xact_start))
    FROM pg_stat_activity WHERE backend_xid IS NOT NULL
"""


# -- results ------------------------------------------------------------------------------


def _merge_into(name: str, values: dict[str, Any]) -> None:
    """Read-update-write ``var/bench/<name>.json``: other benchmarks write keys there too."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    current: dict[str, Any] = {}
    if path.exists():
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            current = {}
    current.update(values)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")


def _warnings(result: dict[str, Any]) -> list[str]:
    missed = []
    if result["consumer_events_per_s"] < TARGETS["consumer_events_per_s"]:
        missed.append(
            f"consumer_events_per_s {result['consumer_events_per_s']} < "
            f"{TARGETS['consumer_events_per_s']}"
        )
    if result["feed_lag_s"] >= TARGETS["feed_lag_s"]:
        missed.append(f"feed_lag_s {result['feed_lag_s']} >= {TARGETS['feed_lag_s']}")
    load = result["lag"]["load"]
    out = []
    if load and load["ok_per_s"] < 0.98 * LOAD_RATE:
        out.append(
            f"scoring answered {load['ok_per_s']}/s of the {LOAD_RATE:.0f}/s offered while the "
            "lag was measured"
        )
    if missed:
        out.append("target missed: " + "; ".join(missed))
    return out
