"""Ingesting 100,000 synthetic UK Core Patients through the gateway, against a floor.

Data: ``generate_people`` (seeded) -> ``to_uk_core_patient``, people with an NHS number
only, in ``transaction`` Bundles of 1,000 (``POST Patient`` entries), built and encoded
before anything is timed.

Ingest: ``SENDERS`` concurrent senders (asyncio, keep-alive connections) post the Bundles
to ``POST /fhir`` through the gateway as ``systmone-epr-demo`` (trust EQB, where no other
benchmark puts people), each taking the next Bundle as soon as its previous one is answered.
Every entry must come back ``201 Created``. ``patients_per_s`` = Patients written / wall time
from the first request to the last answer.

Floor, in the same run on the same machine: the same Bundle bytes parsed (``orjson``) and
every Patient validated with fhir.resources (``Patient.model_validate``, as the real path
does), the mapped rows (NHS number, names, birth date, gender, postcode) then ``COPY``-ed
into a scratch table of the bench database, one transaction per Bundle, in as many processes
as the scoring service has workers. It is the least any ingest that validates with
fhir.resources and writes to Postgres can cost here; ``ratio_to_floor`` says how close the
whole path (gateway, token, parsing, idempotency checks, people + versions + audit, the
response Bundle) comes to it.

Memory: RSS of the scoring workers and of this process (the loader, which holds every
Bundle in memory), sampled with psutil every 0.2 s.
"""

import asyncio
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import orjson
import psutil
from fhir.resources.R4B.patient import Patient

from benchmarks.harness import DATABASE_PREFIX, BenchContext, load_average, run_facts
from services.common.database import service_database_url
from services.scoring.demo_data.fhir_patient import to_uk_core_patient
from services.scoring.demo_data.generator import generate_people
from services.scoring.demo_data.organisations import default_organisation_tree
from services.scoring.reference_data.lookup import default_lookup

NAME = "fhir_ingest"
PATIENTS = 100_000
BUNDLE_SIZE = 1_000
SENDERS = 4
SEED = 20261125
CLIENT = "systmone-epr-demo"
TARGETS = {"patients_per_s": 3000.0, "ratio_to_floor": 0.4}
MAX_ERROR_RATE = 0.01
_FLOOR_TABLE = "bench_fhir_ingest_floor"


def build_bundles(patients: int = PATIENTS, size: int = BUNDLE_SIZE) -> list[bytes]:
    """``patients`` synthetic UK Core Patients with NHS numbers, as encoded transactions."""
    at = datetime(2025, 3, 1, tzinfo=UTC)

    def resources() -> Iterator[dict[str, Any]]:
        people = generate_people(SEED, patients * 2, default_organisation_tree(), default_lookup())
        made = 0
        for person in people:
            if person.nhs_number is None:
                continue
            yield to_uk_core_patient(person, last_updated=at)
            made += 1
            if made == patients:
                return

    bundles: list[bytes] = []
    entries: list[dict[str, Any]] = []
    for resource in resources():
        entries.append({"resource": resource, "request": {"method": "POST", "url": "Patient"}})
        if len(entries) == size:
            bundles.append(_bundle(entries))
            entries = []
    if entries:
        bundles.append(_bundle(entries))
    return bundles


def _bundle(entries: list[dict[str, Any]]) -> bytes:
    return orjson.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries})


# -- floor ----------------------------------------------------------------------------------


def _mapped_row(resource: dict[str, Any]) -> tuple[Any, ...]:
    patient = Patient.model_validate(resource)
    name = patient.name[0] if patient.name else None
    address = patient.address[0] if patient.address else None
    return (
        patient.identifier[0].value if patient.identifier else None,
        name.family if name else None,
        " ".join(str(given) for given in name.given or []) if name else None,
        patient.birthDate,
        patient.gender,
        address.postalCode if address else None,
    )


def _floor_worker(dsn: str, bodies: list[bytes]) -> int:
    """Parse, validate, map and COPY ``bodies``; the Patients done."""

    async def work() -> int:
        conn = await asyncpg.connect(dsn)
        done = 0
        try:
            for body in bodies:
                rows = [_mapped_row(e["resource"]) for e in orjson.loads(body)["entry"]]
                async with conn.transaction():
                    await conn.copy_records_to_table(_FLOOR_TABLE, records=rows)
                done += len(rows)
        finally:
            await conn.close()
        return done

    return asyncio.run(work())


def measure_floor(dsn: str, bundles: list[bytes], processes: int) -> tuple[float, float]:
    """(Patients per second over ``processes`` processes, per second in one process)."""

    async def table(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(table(
        f"DROP TABLE IF EXISTS {_FLOOR_TABLE}; CREATE TABLE {_FLOOR_TABLE} (nhs_number text, "
        "family_name text, given_name text, birth_date date, sex text, postcode text)"
    ))  # fmt: skip
    try:
        shares = [bundles[i::processes] for i in range(processes)]
        with ProcessPoolExecutor(processes) as pool:
            list(pool.map(_floor_worker, [dsn] * processes, [shares[0][:1]] * processes))  # warm
            started = time.perf_counter()
            done = sum(pool.map(_floor_worker, [dsn] * processes, shares))
            parallel = done / (time.perf_counter() - started)
        sample = bundles[:5]
        started = time.perf_counter()
        done = _floor_worker(dsn, sample)
        single = done / (time.perf_counter() - started)
    finally:
        asyncio.run(table(f"DROP TABLE IF EXISTS {_FLOOR_TABLE}"))
    return parallel, single


# -- memory ---------------------------------------------------------------------------------


class RssSampler:
    """Peak RSS of the scoring workers (summed, and the largest one) and of this process."""

    def __init__(self, scoring_pid: int) -> None:
        self._root = psutil.Process(scoring_pid)
        self._me = psutil.Process()
        self.workers_peak = 0
        self.worker_peak = 0
        self.loader_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _workers(self) -> list[psutil.Process]:
        children: list[psutil.Process] = self._root.children(recursive=True)
        return children or [self._root]  # one worker: uvicorn serves in its own process

    def sample(self) -> None:
        sizes = []
        for process in self._workers():
            try:
                sizes.append(process.memory_info().rss)
            except psutil.Error:
                continue
        self.workers_peak = max(self.workers_peak, sum(sizes))
        self.worker_peak = max([self.worker_peak, *sizes])
        self.loader_peak = max(self.loader_peak, self._me.memory_info().rss)

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in self._workers():
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
        return total

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.sample()

    def __enter__(self) -> "RssSampler":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


# -- ingest ---------------------------------------------------------------------------------


async def _ingest(base_url: str, token: str, bundles: list[bytes]) -> dict[str, Any]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for bundle in bundles:
        queue.put_nowait(bundle)
    statuses: dict[str, int] = {}
    failures: list[str] = []
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
    limits = httpx.Limits(max_connections=SENDERS)

    async def sender(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            bundle = queue.get_nowait()
            started = time.perf_counter()
            try:
                response = await http.post("/fhir", content=bundle, headers=headers)
            except httpx.HTTPError as error:
                failures.append(repr(error))
                continue
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                failures.append(f"{response.status_code}: {response.text[:300]}")
                continue
            for entry in response.json()["entry"]:
                status = entry["response"]["status"]
                statuses[status] = statuses.get(status, 0) + 1

    async with httpx.AsyncClient(base_url=base_url, timeout=600, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(sender(http) for _ in range(SENDERS)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "elapsed_s": elapsed,
        "statuses": statuses,
        "failures": failures,
        "bundle_p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else 0.0,
        "bundle_max_ms": round(1000 * latencies[-1], 1) if latencies else 0.0,
    }


def _check_once(context: BenchContext, token: str) -> None:
    """One tiny Bundle first, so a broken set-up fails clearly rather than 100 times."""
    empty = orjson.dumps({"resourceType": "Bundle", "type": "transaction", "entry": []})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
    answer = httpx.post(f"{context.public_url}/fhir", content=empty, headers=headers, timeout=30)
    if answer.status_code != 200:
        raise RuntimeError(f"POST /fhir answered {answer.status_code}: {answer.text[:500]}")


def run(context: BenchContext) -> dict[str, Any]:
    options = context.options
    print(f"  building {PATIENTS:,} UK Core Patients in Bundles of {BUNDLE_SIZE:,} ...", flush=True)
    bundles = build_bundles()
    patients = sum(len(orjson.loads(bundle)["entry"]) for bundle in bundles)
    stack = context.stack
    database = f"{DATABASE_PREFIX}scoring"
    dsn = service_database_url(stack.database_url, database).replace(
        "postgresql+asyncpg", "postgresql"
    )
    load_before = load_average()
    workers = options.scoring_workers
    print(f"  floor: parse + validate + COPY in {workers} processes ...", flush=True)
    floor_per_s, floor_single_per_s = measure_floor(dsn, bundles, workers)
    token = context.system_token(CLIENT, "patient:write", fresh_for_s=900)
    _check_once(context, token)
    print(f"  ingest: {len(bundles)} Bundles, {SENDERS} senders ...", flush=True)
    sampler = RssSampler(stack.processes["scoring"].pid)
    cpu_before = sampler.cpu_seconds()
    with sampler:
        ingest = asyncio.run(_ingest(context.public_url, token, bundles))
    scoring_cpu_s = sampler.cpu_seconds() - cpu_before
    created = ingest["statuses"].get("201 Created", 0)
    written = created + ingest["statuses"].get("200 OK", 0)
    per_s = written / ingest["elapsed_s"] if ingest["elapsed_s"] else 0.0
    ratio = per_s / floor_per_s if floor_per_s else 0.0
    mb = 1024 * 1024
    result: dict[str, Any] = {
        "patients_per_s": round(per_s, 1),
        "floor_per_s": round(floor_per_s, 1),
        "ratio_to_floor": round(ratio, 3),
        "peak_rss_mb": round(sampler.workers_peak / mb, 1),
        "peak_rss_mb_largest_worker": round(sampler.worker_peak / mb, 1),
        "loader_peak_rss_mb": round(sampler.loader_peak / mb, 1),
        "floor_single_process_per_s": round(floor_single_per_s, 1),
        "scoring_cpu_ms_per_patient": round(1000 * scoring_cpu_s / written, 3) if written else None,
        "patients": patients,
        "created": created,
        "written": written,
        "bundles": len(bundles),
        "bundle_size": BUNDLE_SIZE,
        "senders": SENDERS,
        "elapsed_s": round(ingest["elapsed_s"], 2),
        "bundle_p50_ms": ingest["bundle_p50_ms"],
        "bundle_max_ms": ingest["bundle_max_ms"],
        "entry_statuses": ingest["statuses"],
        "failed_bundles": len(ingest["failures"]),
        "targets": TARGETS,
        **run_facts(options, load_before=load_before),
        "loader_pid": os.getpid(),
    }
    result["warnings"] = warnings(result, ingest["failures"])
    return result


def warnings(result: dict[str, Any], failures: list[str]) -> list[str]:
    out = []
    failed_share = 1 - result["written"] / result["patients"] if result["patients"] else 1.0
    if failed_share > MAX_ERROR_RATE:
        first = f"; first failure: {failures[0]}" if failures else ""
        out.append(
            f"INVALID RUN: {result['patients'] - result['written']} of {result['patients']} "
            f"Patients not written ({failed_share:.1%}){first}"
        )
    missed = []
    if result["patients_per_s"] < TARGETS["patients_per_s"]:
        missed.append(f"patients_per_s {result['patients_per_s']} < {TARGETS['patients_per_s']}")
    if result["ratio_to_floor"] < TARGETS["ratio_to_floor"]:
        missed.append(f"ratio_to_floor {result['ratio_to_floor']} < {TARGETS['ratio_to_floor']}")
    if missed:
        out.append("target missed: " + "; ".join(missed))
    return out
