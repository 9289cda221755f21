"""The system under load and what its users work on, all made before the run.

The stack is the one ``make run``, ``make bench`` and the fault tests start
(``equitas_stack.stack.Stack``), on free 127.0.0.1 ports, with databases of its own
(``equitas_load_*``, dropped before and after) and ``var/load-stack`` for its logs. Scoring
runs two workers, as in ``make bench``.

The world: trust EQA's three clinicians each work in two teams of ``PEOPLE_PER_TEAM``
people, half of them with a submitted HEF; the feed is synced so the analyst's and the
commissioner's summaries have rows. Every token (auth code + PKCE through the IdP's login
page for staff, client credentials for the EPR) is fetched last, just before the run:
the development IdP's tokens live 10 minutes, the run and its start take less.
"""

import asyncio
import itertools
import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from equitas_idp.demo import load_demo_users
from equitas_stack.stack import DEMO_USERS_FILE, REPO, Stack, StackConfig, default_database_url

from services.common.database import ensure_database, service_database_url, upgrade_to_head
from services.scoring.people.nhs_number import check_digit
from services.scoring.tests.api.hef import all_rated
from tests.support.own_stack import drop_databases
from tests.support.tokens import system_token, user_token

DATABASE_PREFIX = "equitas_load_"
STACK_DIR = REPO / "var" / "load-stack"
CLINICIANS = ("clinician.a", "clinician.b", "team.lead")
TEAMS_PER_CLINICIAN = 2
PEOPLE_PER_TEAM = 40
EPR_CLIENT, EPR_SCOPE = "rio-epr-demo", "patient:write patient:read"  # trust EQA
SETUP_CONCURRENCY = 8
# NHS numbers (the reserved test range 999 000 0000 - 999 999 9999): the world's people
# from here, the EPRs' pushes in blocks of their own above them.
WORLD_NHS_START = 999_800_000
EPR_NHS_START = 999_810_000


class WorldError(RuntimeError):
    pass


def nhs_numbers(start: int) -> Iterator[str]:
    """Valid NHS numbers whose first nine digits count up from ``start``."""
    for body in itertools.count(start):
        check = check_digit(str(body))
        if check is not None:
            yield f"{body}{check}"


@dataclass(frozen=True)
class Team:
    code: str
    clinician: str  # the demo user (a key of Plan.tokens) who works this caseload
    people: list[str]  # every person on the caseload
    assessed: list[str]  # those with a submitted HEF (profiles and PDFs)


@dataclass(frozen=True)
class Plan:
    """Everything the users need, written to a file for the swarm's process."""

    public_url: str
    users: int
    seconds: float
    warmup_s: float
    spawn_rate: float
    max_requests: int
    seed: int
    teams: list[Team]
    tokens: dict[str, str]  # demo username or "epr" -> access token
    epr_nhs_start: int

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)  # live tokens, for minutes: the owner's only
        path.chmod(0o600)
        path.write_text(json.dumps(asdict(self)), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> "Plan":
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        raw["teams"] = [Team(**team) for team in raw["teams"]]
        return cls(**raw)


@contextmanager
def _postgres() -> Iterator[str]:
    """A server URL: EQUITAS_DATABASE_URL, the machine's Postgres, or a fresh embedded one
    (the one ``make run`` uses, in ``var/load-stack/pgdata``)."""
    server = default_database_url()
    if server is not None:
        asyncio.run(_refuse_if_in_use(server))
        asyncio.run(drop_databases(server, DATABASE_PREFIX))
        try:
            yield server
        finally:
            asyncio.run(drop_databases(server, DATABASE_PREFIX))
        return
    from pgserver.postgres_server import get_server

    pgdata = STACK_DIR / "pgdata"
    shutil.rmtree(pgdata, ignore_errors=True)
    pgdata.mkdir(parents=True)
    embedded = get_server(pgdata, cleanup_mode="stop")
    try:
        uri: str = embedded.get_uri()
        yield uri
    finally:
        embedded.cleanup()


@contextmanager
def load_stack(scoring_workers: int = 2) -> Iterator[Stack]:
    """The whole system on free ports, from empty ``equitas_load_*`` databases."""
    with _postgres() as server:
        shutil.rmtree(STACK_DIR / "log", ignore_errors=True)
        # Several workers of one service would race to create and migrate its database
        # (see benchmarks.harness.migrate): done once first, as production does.
        database = f"{DATABASE_PREFIX}scoring"
        asyncio.run(ensure_database(server, database))
        upgrade_to_head(
            REPO / "services" / "scoring" / "db" / "migrations",
            service_database_url(server, database),
        )
        config = StackConfig.on_free_ports(
            database_url=server,
            database_prefix=DATABASE_PREFIX,
            var_dir=STACK_DIR,
            environment="test",
            log_level="WARNING",
            workers={"scoring": scoring_workers},
        )
        stack = Stack(config)
        stack.start(timeout_s=180)
        try:
            yield stack
        finally:
            stack.stop()


async def _refuse_if_in_use(server: str) -> None:
    conn = await asyncpg.connect(server)
    try:
        users = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE $1", DATABASE_PREFIX + "%"
        )
    finally:
        await conn.close()
    if users:
        raise WorldError(
            f"{users} connection(s) use the {DATABASE_PREFIX}* databases: another `make load` "
            "is running on this machine; stop it first"
        )


def _ok(response: httpx.Response, status: int) -> Any:
    if response.status_code != status:
        raise WorldError(
            f"{response.request.method} {response.request.url.path}: "
            f"{response.status_code} {response.text[:300]}"
        )
    return response.json() if response.content else None


async def _team(http: httpx.AsyncClient, admin: dict[str, str], clinician: str, n: int) -> str:
    users = {u.username: u for u in load_demo_users(DEMO_USERS_FILE)}
    code = f"L{n}-{uuid.uuid4().hex[:8].upper()}"
    _ok(
        await http.post(
            "/api/scoring/teams", json={"code": code, "name": f"Load {n}"}, headers=admin
        ),
        201,
    )
    user = users[clinician]
    put = await http.put(
        f"/api/scoring/teams/{code}/members/{user.uid}",
        json={"display_name": user.name, "role": "member"},
        headers=admin,
    )
    _ok(put, 200)
    return code


async def _people(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    code: str,
    numbers: Iterator[str],
    gate: asyncio.Semaphore,
) -> tuple[list[str], list[str]]:
    """The team's caseload: people, and the half of them with a submitted HEF."""

    async def one(i: int) -> tuple[str, bool]:
        async with gate:
            person = _ok(
                await http.post(
                    "/api/scoring/people",
                    json={
                        "team_code": code, "nhs_number": next(numbers), "given_name": "Load",
                        "family_name": f"Person{chr(97 + i % 26)}",
                        "birth_date": f"{1950 + i}-03-14", "sex": ("female", "male")[i % 2],
                        "ethnic_category": "ABCDEFGHJKLMNPRS"[i % 16],
                    },
                    headers=headers,
                ),
                201,
            )  # fmt: skip
            if i % 2:
                return person["id"], False
            _ok(
                await http.post(
                    f"/api/scoring/people/{person['id']}/assessments",
                    params={"submit": "true"},
                    json={
                        "episode_type": "referral",
                        "assessed_on": "2026-05-11",
                        "responses": all_rated(("low", "moderate", "high")[i % 3]),
                    },
                    headers=headers,
                ),
                201,
            )
            return person["id"], True

    made = await asyncio.gather(*(one(i) for i in range(PEOPLE_PER_TEAM)))
    return [p for p, _ in made], [p for p, assessed in made if assessed]


async def _tokens(public_url: str) -> dict[str, str]:
    async with httpx.AsyncClient(timeout=30) as http:
        tokens = {
            name: await user_token(http, public_url, name)
            for name in (*CLINICIANS, "analyst", "commissioner")
        }
    tokens["epr"] = await system_token(public_url, EPR_CLIENT, EPR_SCOPE)
    return tokens


async def make_world(
    public_url: str,
    *,
    users: int,
    seconds: float,
    warmup_s: float,
    spawn_rate: float,
    max_requests: int,
    seed: int,
) -> Plan:
    numbers = nhs_numbers(WORLD_NHS_START)
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)
    async with httpx.AsyncClient(base_url=public_url, timeout=60) as http:
        setup_tokens = {
            name: await user_token(http, public_url, name) for name in ("org.admin", *CLINICIANS)
        }
        admin = {"Authorization": f"Bearer {setup_tokens['org.admin']}"}
        teams: list[Team] = []
        for n, clinician in enumerate(CLINICIANS * TEAMS_PER_CLINICIAN):
            code = await _team(http, admin, clinician, n)
            headers = {"Authorization": f"Bearer {setup_tokens[clinician]}"}
            people, assessed = await _people(http, headers, code, numbers, gate)
            teams.append(Team(code, clinician, people, assessed))
        # The analyst's and commissioner's summaries read what the feed brought.
        _ok(await http.post("/api/aggregation/feed/sync", headers=admin), 200)
    return Plan(
        public_url=public_url,
        users=users,
        seconds=seconds,
        warmup_s=warmup_s,
        spawn_rate=spawn_rate,
        max_requests=max_requests,
        seed=seed,
        teams=teams,
        tokens=await _tokens(public_url),
        epr_nhs_start=EPR_NHS_START,
    )
