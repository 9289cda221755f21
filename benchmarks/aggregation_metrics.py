"""Aggregation's metrics at national scale: the main summary and a national time series
against the same GROUP BY as raw SQL, on a store of 1,000,000 people x 4 assessments.

Load: a synthetic generator (seeded) streams ``assessment_fact`` rows into a database of
its own (migrated like the service's) with COPY: 40 trusts (5 teams each) under 4 ICBs of
region YZZ, three financial years (2023/24 to 2025/26), each person with a fixed IMD
decile, sex, ethnic group and age band and four assessments 3 to 7 months apart. Scores
JSON holds the overall score only (the summary reads the column; a full HEF's JSON would
only make the load slower). Then ANALYZE, and ``rebuild_rollups`` makes the summary rollups
from the facts as a bulk load needs (decision 0034; timed: ``rollup_rebuild_s``).

Measured, alternately, each ``ROUNDS`` times after a warm-up:

- ``summary``: ``metrics.compute_summary`` for a national reader (region YZZ) at trust x
  quarter x IMD quintile: the SQL, t intervals, disclosure control over the whole table and
  the JSON answer (``model_dump_json``), as the route does them (no HTTP);
- ``raw_sql``: the same GROUP BY (trust, quarter, IMD quintile: distinct people,
  assessments, avg and stddev of the score) as one plain statement;
- ``timeseries``: ``metrics.compute_timeseries`` for the region by month;
- beside them (``detail``): the same summary for one ICB's commissioner (10 trusts) and,
  at team x quarter x IMD quintile, for one trust's analyst.

``summary_ratio_to_raw_sql`` is raw SQL p95 / summary p95 (1 = no cost over the query).
Also in ``detail``: the same summary once from the facts (``rollups=False``), and disclosure
control of the summary's table alone, cold (its cache cleared) and cached.
Size: ``EQUITAS_BENCH_AGGREGATION_PEOPLE`` (default 1,000,000; e.g. 20000 for a quick run)
and ``EQUITAS_BENCH_AGGREGATION_ROUNDS`` (default 7; the p95 of 7 is their slowest).
Writes ``var/bench/aggregation_metrics.json`` and merges ``people``, ``summary_p50_ms``,
``summary_p95_ms``, ``raw_sql_p95_ms``, ``summary_ratio_to_raw_sql`` and
``timeseries_p95_ms`` into ``var/bench/aggregation.json`` (the feed benchmark writes other
keys there).
"""

import asyncio
import gc
import json
import os
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import asyncpg
import numpy as np
from equitas_stack.stack import REPO

from benchmarks.harness import RESULTS_DIR, BenchContext, load_average, run_facts
from services.aggregation.access.scope import Basis, ReaderScope
from services.aggregation.disclosure import protect
from services.aggregation.disclosure.protect import _statuses
from services.aggregation.feed.rollup_writes import rebuild_rollups
from services.aggregation.hierarchy import repository
from services.aggregation.hierarchy.reference import read_reference
from services.aggregation.hierarchy.rules import Level
from services.aggregation.metrics import (
    Breakdown,
    MetricQuery,
    Period,
    compute_summary,
    compute_timeseries,
)
from services.aggregation.metrics.common import THRESHOLD, check_query
from services.aggregation.metrics.summary import aggregate, people_table
from services.common.database import prepare_database, service_database_url

NAME = "aggregation_metrics"
TARGETS = {"summary_p95_ms": 150.0, "summary_ratio_to_raw_sql": 0.5}
PEOPLE = int(os.environ.get("EQUITAS_BENCH_AGGREGATION_PEOPLE", "1000000"))
ASSESSMENTS = 4
TRUSTS = 40
TEAMS_PER_TRUST = 5
ICBS = 4
REGION = "YZZ"
FIRST_DAY = date(2023, 4, 1)
CHUNK = 50_000
# Each statement reads every fact: at 4,000,000 facts a round takes tens of seconds here.
WARMUP = 1
ROUNDS = int(os.environ.get("EQUITAS_BENCH_AGGREGATION_ROUNDS", "7"))
SEED = 20261207

RAW_SQL = """
SELECT organisation_code, quarter_start, imd_quintile, count(DISTINCT person_key) AS people,
       count(*) AS assessments, avg(overall_score) AS mean, stddev_samp(overall_score) AS sd
FROM assessment_fact WHERE instrument = 'hef'
GROUP BY organisation_code, quarter_start, imd_quintile
"""

SEXES = np.array(["female", "male", "other", "unknown"])
GROUPS = np.array(
    ["white", "mixed", "asian_or_asian_british", "black_or_black_british", "other",
     "not_stated", "not_known"]
)  # fmt: skip
AGE_BANDS = np.array(["18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84"])


def run(context: BenchContext) -> dict[str, Any]:
    load_before = load_average()
    measured = asyncio.run(_run(context))
    result: dict[str, Any] = {
        **measured,
        "targets": TARGETS,
        **run_facts(context.options, load_before=load_before),
    }
    result["warnings"] = _warnings(result)
    keys = ("people", "summary_p50_ms", "summary_p95_ms", "raw_sql_p95_ms",
            "summary_ratio_to_raw_sql", "timeseries_p95_ms", "rollup_rebuild_s")  # fmt: skip
    _merge_into("aggregation", {k: result[k] for k in keys})
    return result


async def _run(context: BenchContext) -> dict[str, Any]:
    server = context.stack.database_url
    database = f"{context.stack.config.database_prefix}aggregation_metrics"
    await prepare_database(server, database, REPO / "services/aggregation/db/migrations")
    dsn = service_database_url(server, database).replace("postgresql+asyncpg", "postgresql")
    conn = await asyncpg.connect(dsn)
    try:
        await _hierarchy(conn)
        print(f"  loading {PEOPLE:,} people x {ASSESSMENTS} assessments (COPY) ...", flush=True)
        started = time.perf_counter()
        await conn.copy_to_table("assessment_fact", source=_rows(), columns=COLUMNS, format="text")
        load_s = time.perf_counter() - started
        print(f"  loaded in {load_s:.0f} s; analysing ...", flush=True)
        await conn.execute("ANALYZE assessment_fact")
        print("  rebuilding the rollups ...", flush=True)
        started = time.perf_counter()
        await rebuild_rollups(conn)
        rebuild_s = time.perf_counter() - started
        await conn.execute("ANALYZE rollup_cell, rollup_placement")
        print(f"  rollups rebuilt in {rebuild_s:.0f} s", flush=True)
        facts = await conn.fetchval("SELECT count(*) FROM assessment_fact")
        units = await repository.units_under(conn, [REGION], date.today())
        scope = ReaderScope(Basis.organisation, REGION, Level.region, units, frozenset())
        summary_query = MetricQuery(
            level=Level.trust, period=Period.quarter, by=(Breakdown.imd_quintile,)
        )
        series_query = MetricQuery(level=Level.region, period=Period.month)
        # Beside the headline: what an ICB's commissioner (10 trusts) and a trust's analyst
        # (its 5 teams) wait for, the same summary over their own organisation.
        icb_units = await repository.units_under(conn, [_icb(0)], date.today())
        icb = ReaderScope(Basis.organisation, _icb(0), Level.icb, icb_units, frozenset())
        trust_units = await repository.units_under(conn, [_trust(0)], date.today())
        trust = ReaderScope(Basis.organisation, _trust(0), Level.trust, trust_units, frozenset())
        team_query = MetricQuery(
            level=Level.team, period=Period.quarter, by=(Breakdown.imd_quintile,)
        )

        async def summary() -> None:
            answer = await compute_summary(conn, scope, summary_query)
            answer.model_dump_json()

        async def raw_sql() -> None:
            await conn.fetch(RAW_SQL)

        async def timeseries() -> None:
            answer = await compute_timeseries(conn, scope, series_query)
            answer.model_dump_json()

        async def icb_summary() -> None:
            (await compute_summary(conn, icb, summary_query)).model_dump_json()

        async def trust_summary() -> None:
            (await compute_summary(conn, trust, team_query)).model_dump_json()

        # As the service runs (services/common/app.py): what was built before frozen,
        # collections every 20,000 objects (at Python's default, collections scanning the
        # loaded benchmark's objects cost more than the summary itself).
        thresholds = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(20_000, *thresholds[1:])
        try:
            timings = await _alternate({"summary": summary, "raw_sql": raw_sql,
                                        "timeseries": timeseries, "icb_summary": icb_summary,
                                        "trust_summary": trust_summary})  # fmt: skip
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
        rows = len((await compute_summary(conn, scope, summary_query)).rows)
        started = time.perf_counter()
        from_facts = await compute_summary(conn, scope, summary_query, rollups=False)
        from_facts.model_dump_json()
        facts_ms = (time.perf_counter() - started) * 1000
        same = from_facts == await compute_summary(conn, scope, summary_query)
        disclosure = await _protect_timings(conn, scope, summary_query)
    finally:
        await conn.close()
    p = {name: _percentiles(values) for name, values in timings.items()}
    return {
        "people": PEOPLE,
        "summary_p50_ms": p["summary"]["p50_ms"],
        "summary_p95_ms": p["summary"]["p95_ms"],
        "raw_sql_p95_ms": p["raw_sql"]["p95_ms"],
        "summary_ratio_to_raw_sql": round(p["raw_sql"]["p95_ms"] / p["summary"]["p95_ms"], 3),
        "timeseries_p95_ms": p["timeseries"]["p95_ms"],
        "rollup_rebuild_s": round(rebuild_s, 1),
        "detail": {
            **p,
            "summary_from_facts_ms": round(facts_ms, 1),
            "rollup_equals_facts": same,
            "disclosure": disclosure,
            "facts": facts,
            "summary_rows": rows,
            "trusts": TRUSTS,
            "load_s": round(load_s, 1),
            "rounds": ROUNDS,
        },
    }


async def _protect_timings(
    conn: asyncpg.Connection, scope: ReaderScope, query: MetricQuery
) -> dict[str, float]:
    """Disclosure control of the summary's whole table alone: cold (cache cleared) and
    cached (as repeated summaries of an unchanged store get it)."""
    checked = await check_query(conn, scope, query)
    table, _ = people_table(await aggregate(conn, scope, checked))
    timings: dict[str, float] = {"cells": float(len(table.counts))}
    for name in ("cold_ms", "cached_ms"):
        if name == "cold_ms":
            _statuses.cache_clear()
        started = time.perf_counter()
        protect(table, THRESHOLD, "people")
        timings[name] = round((time.perf_counter() - started) * 1000, 2)
    return timings


async def _alternate(
    calls: dict[str, Callable[[], Awaitable[None]]],
) -> dict[str, list[float]]:
    """Each call in turn, ``ROUNDS`` times after ``WARMUP``: drift hits all alike."""
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for round_number in range(WARMUP + ROUNDS):
        for name, call in calls.items():
            started = time.perf_counter()
            await call()
            if round_number >= WARMUP:
                timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


async def _hierarchy(conn: asyncpg.Connection) -> None:
    """The demo file, and the bench's ICBs, trusts and teams under region YZZ."""
    await repository.load_reference(conn, read_reference())
    units = [(f"QB{i}", f"Bench ICB {i}", "icb") for i in range(1, ICBS + 1)]
    units += [(_trust(t), f"Bench Trust {t}", "trust") for t in range(TRUSTS)]
    units += [
        (_team(t, k), f"Bench Team {t}-{k}", "team")
        for t in range(TRUSTS)
        for k in range(TEAMS_PER_TRUST)
    ]
    links = [(f"QB{i}", REGION) for i in range(1, ICBS + 1)]
    links += [(_trust(t), _icb(t)) for t in range(TRUSTS)]
    links += [(_team(t, k), _trust(t)) for t in range(TRUSTS) for k in range(TEAMS_PER_TRUST)]
    await conn.executemany(
        "INSERT INTO org_unit VALUES ($1, $2, $3, 'reference', now()) ON CONFLICT DO NOTHING",
        units,
    )
    await conn.executemany(
        "INSERT INTO org_link (child_code, parent_code, valid_from, source, created_at) "
        "VALUES ($1, $2, '2013-04-01', 'reference', now()) ON CONFLICT DO NOTHING",
        links,
    )


def _trust(t: int) -> str:
    return f"B{t:02d}"


def _icb(t: int) -> str:
    return f"QB{t % ICBS + 1}"


def _team(t: int, k: int) -> str:
    return f"B{t:02d}-T{k}"


COLUMNS = [
    "person_key", "assessment_key", "revision", "instrument", "variant",
    "instrument_version", "episode_type", "assessed_on", "month_start", "quarter_start",
    "financial_year", "organisation_code", "commissioner_code", "team_code", "age_band",
    "sex", "ethnic_category", "ethnic_group", "imd_decile", "imd_quintile", "core20",
    "imd_vintage", "overall_score", "scores", "bands", "item_values", "complete",
]  # fmt: skip
EPISODES = ("referral", "review", "review", "discharge")


async def _rows() -> AsyncIterator[bytes]:
    """COPY text rows, a chunk of people at a time (seeded: every run loads the same)."""
    rng = np.random.default_rng(SEED)
    for first in range(0, PEOPLE, CHUNK):
        count = min(CHUNK, PEOPLE - first)
        trust = rng.integers(0, TRUSTS, count)
        team = rng.integers(0, TEAMS_PER_TRUST, count)
        decile = rng.integers(1, 11, count)
        sex = SEXES[rng.choice(4, count, p=[0.48, 0.48, 0.02, 0.02])]
        group = GROUPS[rng.choice(7, count, p=[0.78, 0.03, 0.08, 0.04, 0.02, 0.03, 0.02])]
        age = AGE_BANDS[rng.integers(0, len(AGE_BANDS), count)]
        start = rng.integers(0, 365 * 3 - 600, count)
        gaps = rng.integers(90, 210, (count, ASSESSMENTS - 1))
        base = rng.normal(30 - decile, 8, count)
        lines: list[str] = []
        for i in range(count):
            person = first + i
            day_offset = int(start[i])
            code = _trust(int(trust[i]))
            fixed = (
                f"{code}\t{_icb(int(trust[i]))}\t{_team(int(trust[i]), int(team[i]))}\t"
                f"{age[i]}\t{sex[i]}\tA\t{group[i]}\t{decile[i]}\t{(decile[i] + 1) // 2}\t"
                f"{'t' if decile[i] <= 2 else 'f'}\t2019"
            )
            for a in range(ASSESSMENTS):
                if a:
                    day_offset += int(gaps[i, a - 1])
                day = FIRST_DAY + timedelta(days=day_offset)
                score = max(0, min(87, round(float(base[i]) - 2 * a)))
                quarter = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
                year = day.year if day.month >= 4 else day.year - 1
                lines.append(
                    f"pk_bench_{person:08d}\tak_bench_{person:08d}_{a}\t1\thef\tstandard\t"
                    f"1.0.0-provisional\t{EPISODES[a]}\t{day}\t{day.replace(day=1)}\t"
                    f"{quarter}\t{year}\t{fixed}\t{score}\t"
                    f'{{"overall": {{"total": {score}}}}}\t{{}}\t{{}}\tt\n'
                )
        yield "".join(lines).encode()


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
    if result["summary_p95_ms"] > TARGETS["summary_p95_ms"]:
        missed.append(
            f"summary p95 {result['summary_p95_ms']} ms is over the {TARGETS['summary_p95_ms']}"
            " ms target"
        )
    if result["summary_ratio_to_raw_sql"] < TARGETS["summary_ratio_to_raw_sql"]:
        missed.append(
            f"summary is {result['summary_ratio_to_raw_sql']} of raw SQL's speed (target "
            f"{TARGETS['summary_ratio_to_raw_sql']})"
        )
    if PEOPLE < 1_000_000:
        missed.append(f"a quick run: {PEOPLE:,} people, not 1,000,000")
    return missed
