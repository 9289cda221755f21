"""Demo data seeding: what the seed writes is what the API reads, access rules hold, and
every run (every ``make run``) puts the demo users in their teams, whatever the database
already holds.

The session's database is shared with tests that create their own teams and people (NHS
numbers counting up from 999 100 000 0), so the seed used here is one whose people's NHS
numbers stay clear of that range.
"""

import subprocess
import sys
import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
from equitas_idp.demo import DemoUser
from equitas_stack.__main__ import PEOPLE_NOT_LOADED as STACK_PEOPLE_NOT_LOADED
from equitas_stack.stack import REPO, Stack
from sqlalchemy.dialects import postgresql

from services.common.database import service_database_url
from services.scoring.assessments.models import Assessment
from services.scoring.assessments.service import Loaded, publish
from services.scoring.demo_data.generator import generate_people
from services.scoring.demo_data.organisations import OrganisationKind, OrganisationTree
from services.scoring.demo_data.person import SyntheticPerson
from services.scoring.demo_data.rows import (
    ASSESSMENT_COLUMNS,
    PERSON_COLUMNS,
    BuildContext,
    build_batch,
    hef_definition,
)
from services.scoring.demo_data.seed import PEOPLE_NOT_LOADED
from services.scoring.feed.models import FeedEvent
from services.scoring.feed.payload import assessment_key
from services.scoring.feed.pseudonymise import person_key
from services.scoring.organisations.models import Organisation, Team
from services.scoring.people.models import Person
from services.scoring.reference_data.lookup import default_lookup
from services.scoring.settings import DEV_PSEUDONYMISATION_KEY
from services.scoring.tests.api.feed_helpers import read_feed
from services.scoring.tests.api.fhir_helpers import body as fhir_body
from services.scoring.tests.api.fhir_helpers import epr_headers, patient, scoring_db
from tests.support.fixtures import Tokens

PEOPLE = 40
NORTH = "EQA-LD-NORTH"
# Bodies the shared fixtures hand out (tests/support/fixtures.py counts up from here).
FIXTURE_SERIALS = range(100_000, 200_000)


def _people(seed: int, count: int) -> list[SyntheticPerson]:
    return list(generate_people(seed, count, OrganisationTree.default(), default_lookup()))


def _clear_seed() -> tuple[int, list[SyntheticPerson]]:
    """The first seed whose people avoid the fixtures' NHS numbers and put a few in NORTH."""
    for candidate in range(1, 10_000):
        people = _people(candidate, PEOPLE)
        clear = all(
            p.nhs_number is None or int(p.nhs_number[3:9]) not in FIXTURE_SERIALS for p in people
        )
        if clear and sum(p.team_code == NORTH for p in people) >= 2:
            return candidate, people
    raise AssertionError("no usable seed")  # pragma: no cover


def _run_seed(stack: Stack, *args: str, status: int = 0) -> str:
    """The seed as ``make run`` runs it (equitas_stack.__main__.load_demo_data)."""
    done = subprocess.run(
        [sys.executable, "-m", "services.scoring.demo_data.seed", *args],
        env=stack.env("scoring"),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == status, done.stdout + done.stderr
    return done.stdout + done.stderr


async def _count(stack: Stack, table: str) -> int:
    url = service_database_url(stack.database_url, f"{stack.config.database_prefix}scoring")
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql", 1))
    try:
        count: int = await conn.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
        return count
    finally:
        await conn.close()


async def _all_people(gateway: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "200", **({"cursor": cursor} if cursor else {})}
        page = await gateway.get("/api/scoring/people", params=params, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        people.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return people


async def _teams_of(gateway: httpx.AsyncClient, tokens: Tokens, username: str) -> set[str]:
    me = await gateway.get("/api/scoring/me", headers=await tokens.headers(username))
    assert me.status_code == 200, me.text
    return {f"{t['code']} {t['role']}" for t in me.json()["teams"]}


async def test_seeded_people_and_histories_are_served_to_their_team_only(
    stack: Stack,
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    nhs_number: Any,
    demo_users: dict[str, DemoUser],
) -> None:
    seed, generated = _clear_seed()
    # An EPR pushes a Patient before the demo data loads (as during make run's start).
    pushed = await gateway.post(
        "/fhir/Patient", content=fhir_body(patient(nhs_number())), headers=await epr_headers(tokens)
    )
    assert pushed.status_code == 201, pushed.text
    before = await _count(stack, "person")
    out = _run_seed(stack, "--people", str(PEOPLE), "--seed", str(seed))
    assert f"{PEOPLE} people" in out, out
    assert "team memberships in place" in out, out
    assert await _count(stack, "person") == before + PEOPLE

    clinician_a = await tokens.headers("clinician.a")
    listing = await gateway.get(
        "/api/scoring/people", params={"team": NORTH, "limit": "200"}, headers=clinician_a
    )
    assert listing.status_code == 200, listing.text
    north = listing.json()["items"]
    expected = {p.nhs_number for p in generated if p.team_code == NORTH}
    assert {p["nhs_number"] for p in north} == expected
    assert all(p["teams"] == [NORTH] for p in north)

    person = north[0]
    history = await gateway.get(
        f"/api/scoring/people/{person['id']}/assessments", headers=clinician_a
    )
    assert history.status_code == 200, history.text
    body = history.json()
    assert len(body["assessments"]) >= 2
    assert {a["status"] for a in body["assessments"]} == {"submitted"}
    assert body["assessments"][0]["episode_type"] == "referral"
    profile = body["profiles"][0]
    assert profile["change_since_first"] is not None
    assert profile["change_since_first"]["items"]
    one = await gateway.get(
        f"/api/scoring/assessments/{profile['latest']['id']}", headers=clinician_a
    )
    assert one.status_code == 200, one.text
    assert one.json()["created_by"] == "demo-data"
    assert one.json()["team_code"] == NORTH

    # The feed publishes the seeded events keyed to the person, as it does the API's.
    secret = stack.env("scoring").get("EQUITAS_PSEUDONYMISATION_KEY", DEV_PSEUDONYMISATION_KEY)
    feed_token = await tokens.system("aggregation-service", "feed:read")
    events, _ = await read_feed(gateway, {"Authorization": f"Bearer {feed_token}"}, "0")
    key = assessment_key(secret.encode(), profile["latest"]["id"])
    [seeded] = [e["payload"] for e in events if e["payload"].get("assessment_key") == key]
    assert seeded["person_key"] == person_key(
        secret.encode(), nhs_number=person["nhs_number"], local_id=None, organisation_code="EQA"
    )
    assert (seeded["team_code"], seeded["event"]) == (NORTH, "assessment.submitted")
    assert seeded["age_band"] is not None

    # clinician.b works in EQA-LD-SOUTH: none of NORTH's people, whatever way they ask.
    clinician_b = await tokens.headers("clinician.b")
    not_theirs = await gateway.get(
        "/api/scoring/people", params={"team": NORTH}, headers=clinician_b
    )
    assert not_theirs.status_code == 422
    visible = {p["id"] for p in await _all_people(gateway, clinician_b)}
    assert visible.isdisjoint(p["id"] for p in north)
    hidden = await gateway.get(f"/api/scoring/people/{person['id']}", headers=clinician_b)
    assert hidden.status_code == 404

    # Every start seeds again: the teams are put back, the people are not loaded twice.
    admin = await tokens.headers("org.admin")
    subject = demo_users["clinician.b"].uid
    removed = await gateway.delete(
        f"/api/scoring/teams/EQA-LD-SOUTH/members/{subject}", headers=admin
    )
    assert removed.status_code == 204, removed.text
    assert "EQA-LD-SOUTH member" not in await _teams_of(gateway, tokens, "clinician.b")
    counts = [await _count(stack, t) for t in ("person", "assessment", "feed_event")]
    again = _run_seed(stack, "--people", str(PEOPLE), "--seed", str(seed))
    assert f"people of seed {seed} are loaded already" in again, again
    assert [await _count(stack, t) for t in ("person", "assessment", "feed_event")] == counts
    # (Other tests put demo users in teams of their own too.)
    assert "EQA-LD-SOUTH member" in await _teams_of(gateway, tokens, "clinician.b")
    assert f"{NORTH} lead" in await _teams_of(gateway, tokens, "team.lead")
    assert "EQB-LD-NORTH member" in await _teams_of(gateway, tokens, "clinician.trustb")

    # Another seed's people clash with these (the same local ids in the same trust): none
    # of them is written, and the teams are in all the same.
    other = next(
        c for c in range(seed + 1, 10_000) if _people(c, 1)[0].trust_code == generated[0].trust_code
    )
    clash = ["--people", str(PEOPLE), "--seed", str(other)]
    failed = _run_seed(stack, *clash, status=PEOPLE_NOT_LOADED)
    assert "team memberships in place" in failed, failed
    assert "the people were not loaded" in failed, failed
    assert [await _count(stack, t) for t in ("person", "assessment", "feed_event")] == counts


def test_make_run_reads_the_seed_status_the_seed_gives() -> None:
    assert STACK_PEOPLE_NOT_LOADED == PEOPLE_NOT_LOADED


class _Recorder:
    """A session that keeps what is added and asks the real database what is selected."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.added: list[Any] = []

    def add(self, row: Any) -> None:
        self.added.append(row)

    async def scalar(self, statement: Any) -> Any:
        sql = statement.compile(
            dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
        )
        return await self.conn.fetchval(str(sql))


@pytest.mark.parametrize("seed", [7, 2026])
async def test_seeded_feed_events_are_what_publish_writes(seed: int, stack: Stack) -> None:
    """Each seeded feed payload equals the one ``assessments.service.publish`` builds for the
    same person and assessment, so aggregation cannot tell seeded data from real use (the
    seed's ages are Python's, publish's the database's ``completed_years``)."""
    tree = OrganisationTree.default()
    trusts = {t.code: t for t in tree.trusts}
    organisations = {
        code: Organisation(
            id=uuid.uuid4(), ods_code=code, name=t.name, parent_ods_code=t.parent_code
        )
        for code, t in trusts.items()
    }
    teams = {
        t.code: Team(
            id=uuid.uuid4(),
            organisation_id=organisations[t.parent_code or ""].id,
            code=t.code,
            name=t.name,
        )
        for t in tree.of_kind(OrganisationKind.TEAM)
    }
    secret = b"a-test-secret-that-is-long-enough-for-hmac"
    ctx = BuildContext(
        seed=seed,
        secret=secret,
        as_of=date(2026, 6, 30),
        now=datetime(2026, 7, 1, tzinfo=UTC),
        months_min=12,
        months_max=24,
        organisation_ids={code: o.id for code, o in organisations.items()},
        commissioners={code: t.parent_code for code, t in trusts.items()},
        team_ids={code: t.id for code, t in teams.items()},
    )
    people = _people(seed, 12)
    batch = build_batch(ctx, people)
    assert len(batch.people) == len(batch.caseload) == 12
    assert len(batch.assessments) == len(batch.revisions) == len(batch.feed)
    persons = {
        row[0]: Person(**dict(zip(PERSON_COLUMNS, row, strict=True))) for row in batch.people
    }
    team_by_id = {t.id: t for t in teams.values()}
    organisation_by_id = {o.id: o for o in organisations.values()}
    settings = SimpleNamespace(pseudonymisation_key=secret.decode())
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(settings=settings)))
    async with scoring_db(stack) as conn:
        for row, feed_row in zip(batch.assessments, batch.feed, strict=True):
            event_type, occurred_at, payload, person_id, context = feed_row
            fields = dict(zip(ASSESSMENT_COLUMNS, row, strict=True))
            fields["responses"] = orjson.loads(fields["responses"])
            fields["scores"] = orjson.loads(fields["scores"])
            fields["free_text_flags"] = orjson.loads(fields["free_text_flags"])
            assessment = Assessment(**fields)
            team = team_by_id[assessment.team_id]
            person = persons[assessment.person_id]
            loaded = Loaded(assessment, person, team, organisation_by_id[team.organisation_id])
            session = _Recorder(conn)
            await publish(session, request, "assessment.submitted", loaded, hef_definition())  # type: ignore[arg-type]
            [event] = session.added
            assert isinstance(event, FeedEvent)
            assert event_type == event.event_type
            assert orjson.loads(payload) == orjson.loads(orjson.dumps(event.payload))
            assert (person_id, orjson.loads(context)) == (event.person_id, event.context)
            assert occurred_at == assessment.submitted_at
            assert assessment.assessed_on <= ctx.as_of
