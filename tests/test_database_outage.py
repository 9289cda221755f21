"""Postgres restarted under load (issue 23, decision 0019).

A stack of its own, on an embedded Postgres of its own, takes a bounded load of HEF
submits (the asyncpg hot path), FHIR Patient pushes (the ORM path) and reads while its
database restarts (``pg_ctl restart -m fast``). While the database is down every answer is
a 503 with ``Retry-After`` (problem+json, or an OperationOutcome on ``/fhir``), never a
500 or a 502; once it is back, requests succeed again; and afterwards every acknowledged
write reads back and the tables hold exactly the acknowledged rows: nothing lost, nothing
written for a request that was refused.
"""

import asyncio
import os
import shutil
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest
from equitas_stack.stack import REPO, Stack, StackConfig

from services.scoring.tests.api.fhir_helpers import FHIR_JSON, body, patient, scoring_db
from services.scoring.tests.api.hef import all_rated, create_person
from tests.support.faults_report import record
from tests.support.fixtures import Tokens, create_team

pytestmark = pytest.mark.slow

CLIENTS = int(os.environ.get("OUTAGE_CLIENTS", "6"))
# Bounded in count as well as in time; `make faults` raises the load.
MAX_REQUESTS = int(os.environ.get("OUTAGE_MAX_REQUESTS", "3000"))
LOAD_BEFORE_S = 1.5
LOAD_AFTER_S = float(os.environ.get("OUTAGE_LOAD_AFTER_S", "4.0"))
PEOPLE = 6


@pytest.fixture(scope="module")
def outage_stack() -> Iterator[Stack]:
    # Never the machine's shared Postgres: this test restarts its database. Under var/
    # (pgserver's server user cannot reach pytest's private temporary directories).
    var_dir = REPO / "var" / "test-runs" / str(os.getpid()) / "database-outage"
    config = StackConfig.on_free_ports(
        database_url=None,
        var_dir=var_dir,
        environment="test",
        log_level="WARNING",
    )
    system = Stack(config)
    system.start()
    try:
        yield system
    finally:
        system.stop()
        shutil.rmtree(var_dir / "pgdata", ignore_errors=True)


@dataclass
class Load:
    """What the clients saw, and the writes acknowledged."""

    answers: list[tuple[float, str, httpx.Response]] = field(default_factory=list)
    submitted: dict[str, set[str]] = field(default_factory=dict)  # person id -> assessments
    pushed: set[str] = field(default_factory=set)  # NHS numbers of Patients created
    refused_pushes: set[str] = field(default_factory=set)
    stop_at: float = float("inf")

    def more(self) -> bool:
        return time.monotonic() < self.stop_at and len(self.answers) < MAX_REQUESTS


async def _client(
    number: int,
    http: httpx.AsyncClient,
    clinician: dict[str, str],
    epr: dict[str, str],
    people: list[str],
    nhs_number: Callable[[], str],
    load: Load,
) -> None:
    turn = number
    while load.more():
        person = people[turn % len(people)]
        kind = ("submit", "push", "read")[turn % 3]
        turn += 1
        if kind == "submit":
            response = await http.post(
                f"/api/scoring/people/{person}/assessments?submit=true",
                json={
                    "episode_type": "review",
                    "assessed_on": "2026-02-01",
                    "responses": all_rated("low"),
                },
                headers=clinician,
            )
            if response.status_code == 201:
                load.submitted[person].add(response.json()["id"])
        elif kind == "push":
            number_pushed = nhs_number()
            response = await http.post(
                "/fhir/Patient", content=body(patient(number_pushed)), headers=epr
            )
            if response.status_code == 201:
                load.pushed.add(number_pushed)
            else:
                load.refused_pushes.add(number_pushed)
        else:
            response = await http.get(f"/api/scoring/people/{person}", headers=clinician)
        load.answers.append((time.monotonic(), kind, response))


def _unexpected(kind: str, response: httpx.Response) -> str | None:
    """Why an answer is not one the outage may give, or None."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    if status != 503:
        return f"{kind}: {status} {response.text[:300]}"
    if not response.headers.get("retry-after"):
        return f"{kind}: 503 without Retry-After"
    content_type = response.headers.get("content-type", "")
    if kind == "push":
        if not content_type.startswith(FHIR_JSON):
            return f"push: 503 as {content_type}"
        if response.json().get("resourceType") != "OperationOutcome":
            return f"push: 503 without an OperationOutcome: {response.text[:300]}"
    elif not content_type.startswith("application/problem+json"):
        return f"{kind}: 503 as {content_type}"
    return None


async def _restart_during(stack: Stack, load: Load) -> tuple[float, float]:
    """Restart the database in a thread (the clients keep going); its start and end."""
    await asyncio.sleep(LOAD_BEFORE_S)
    started = time.monotonic()
    done = threading.Event()
    restart = threading.Thread(target=lambda: (stack.restart_database(), done.set()))
    restart.start()
    while restart.is_alive():
        await asyncio.sleep(0.05)
    assert done.is_set(), "pg_ctl restart failed; see the test's output"
    ended = time.monotonic()
    load.stop_at = ended + LOAD_AFTER_S
    return started, ended


@pytest.fixture
async def http(outage_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=CLIENTS * 2)
    async with httpx.AsyncClient(
        base_url=outage_stack.config.public_url, timeout=30, limits=limits
    ) as client:
        yield client


async def test_a_database_restart_under_load_answers_503_and_loses_nothing(
    outage_stack: Stack, http: httpx.AsyncClient, nhs_number: Callable[[], str]
) -> None:
    tokens = Tokens(outage_stack.config.public_url, {})
    team = await create_team(http, tokens, {"clinician.a": "member"})
    clinician = await tokens.headers("clinician.a")
    epr_token = await tokens.system("rio-epr-demo", "patient:write patient:read")
    epr = {"Authorization": f"Bearer {epr_token}", "Content-Type": FHIR_JSON}
    people = [
        (await create_person(http, clinician, team, nhs_number()))["id"] for _ in range(PEOPLE)
    ]
    load = Load(submitted={person: set() for person in people})

    clients = [_client(n, http, clinician, epr, people, nhs_number, load) for n in range(CLIENTS)]
    (down_from, back_at), *_ = await asyncio.gather(_restart_during(outage_stack, load), *clients)

    wrong = [
        reason
        for _, kind, response in load.answers
        if (reason := _unexpected(kind, response)) is not None
    ]
    assert not wrong, f"{len(wrong)} answers other than 2xx or 503: {wrong[:10]}"
    refused = [at for at, _, response in load.answers if response.status_code == 503]
    assert refused, "the restart was not seen: no request was refused"
    served_after = [at for at, _, response in load.answers if at > back_at and response.is_success]
    assert served_after, "nothing succeeded after the database came back"
    print(  # what the run measured, for whoever reads -s output
        f"{len(load.answers)} requests, {len(refused)} refused with 503 between "
        f"{min(refused) - down_from:.2f}s and {max(refused) - down_from:.2f}s after the restart "
        f"began; restart took {back_at - down_from:.2f}s; last 503 "
        f"{max(refused) - back_at:+.2f}s from the database's return"
    )

    await _reconcile(outage_stack, http, clinician, epr, load)
    record(
        "database_restart",
        {
            "clients": CLIENTS,
            "requests": len(load.answers),
            "refused_503": len(refused),
            "other_errors": 0,
            "restart_s": round(back_at - down_from, 3),
            "last_503_after_return_s": round(max(refused) - back_at, 3),
            "submits_acknowledged": sum(len(ids) for ids in load.submitted.values()),
            "patients_acknowledged": len(load.pushed),
            "reconciled": True,
        },
    )


async def _reconcile(
    stack: Stack,
    http: httpx.AsyncClient,
    clinician: dict[str, str],
    epr: dict[str, str],
    load: Load,
) -> None:
    # Every acknowledged assessment reads back, and no other one exists.
    for person, acknowledged in load.submitted.items():
        listed = await http.get(f"/api/scoring/people/{person}/assessments", headers=clinician)
        assert listed.status_code == 200, listed.text
        assert {a["id"] for a in listed.json()["assessments"]} == acknowledged
    # Every acknowledged Patient reads back by its NHS number.
    for number in sorted(load.pushed):
        found = await http.get(
            "/fhir/Patient",
            params={"identifier": f"https://fhir.nhs.uk/Id/nhs-number|{number}"},
            headers=epr,
        )
        assert found.status_code == 200, found.text
        assert found.json()["total"] == 1, number
    # The tables hold exactly what was acknowledged.
    async with scoring_db(stack) as db:
        assessments = await db.fetchval(
            "SELECT count(*) FROM assessment WHERE person_id = ANY($1::uuid[])",
            list(load.submitted),
        )
        assert assessments == sum(len(ids) for ids in load.submitted.values())
        stored = await _people_numbered(db, load.pushed | load.refused_pushes)
        assert stored == load.pushed


async def _people_numbered(db: asyncpg.Connection, numbers: set[str]) -> set[str]:
    rows = await db.fetch(
        "SELECT nhs_number FROM person WHERE nhs_number = ANY($1::text[])", list(numbers)
    )
    return {row["nhs_number"] for row in rows}


def test_the_outage_stack_is_not_the_shared_server(outage_stack: Stack) -> None:
    # The restart above must never reach the machine's Postgres, which other work uses.
    assert "127.0.0.1:5432" not in outage_stack.database_url
    assert Path(outage_stack.config.var_dir).exists()
    assert os.environ.get("EQUITAS_DATABASE_URL", "") != outage_stack.database_url
