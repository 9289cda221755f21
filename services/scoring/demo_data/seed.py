"""Load synthetic demo data straight into the scoring database (``make demo-data``).

``python -m services.scoring.demo_data.seed [--if-empty] [--people N] [--seed S]
[--months-min M] [--months-max M] [--as-of YYYY-MM-DD] [--team CODE] [--jobs J]``

What it writes, each row shaped as the API would have written it:

- the trusts and ICBs of ``OrganisationTree.default()`` (upserted: an organisation the API
  registered earlier, e.g. ``EQA`` after an administrator's first call, is kept and
  completed), and the community learning disability teams of each trust;
- team memberships of the demo users in ``deploy/dev-idp/users.yaml`` (clinician.a and
  team.lead in ``EQA-LD-NORTH``, clinician.b in ``EQA-LD-SOUTH``, clinician.trustb in the
  first team of trust EQB);
- ``--people`` synthetic people (``generate_people``) on their team's caseload, and each
  person's HEF history (``generate_assessments``) as submitted assessments: scored with the
  engine, with revision 1 in ``assessment_revision`` and the ``assessment.submitted``
  event in the change feed, built with the same ``stored_payload`` and ``feed_context``
  ``assessments.service.publish`` uses (a test compares the two; the rows are built in
  ``demo_data.rows``). Authors are ``demo-data``; nothing is written to the audit log
  (no one read or changed anything).

Everything is deterministic for a given ``--seed`` and ``--as-of`` (ids are UUIDv5 of the
seed and the person's local id). Rows are streamed in batches with COPY, inside one
transaction, so a million people load in bounded memory and a failed run leaves nothing
behind; the change feed serves nothing newer than the load until it commits (decision 0005).
A second run into a database that already holds the same demo people fails on their
unique ids and writes nothing; ``--if-empty`` skips the run when any person exists at all,
which is what ``make run`` uses.
"""

import argparse
import asyncio
import os
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path

import asyncpg
from equitas_idp.demo import load_demo_users
from sqlalchemy.engine import make_url

from services.common.database import ensure_database, service_database_url, upgrade_to_head
from services.scoring.demo_data.generator import (
    DemoDataError,
    OrganisationKind,
    OrganisationTree,
    SyntheticPerson,
    generate_people,
)
from services.scoring.demo_data.rows import (
    ASSESSMENT_COLUMNS,
    CASELOAD_COLUMNS,
    FEED_COLUMNS,
    ID_NAMESPACE,
    PERSON_COLUMNS,
    REVISION_COLUMNS,
    Batch,
    BuildContext,
    build_batch,
    hef_definition,
    json_text,
)
from services.scoring.reference_data.imd import load_imd_file
from services.scoring.reference_data.lookup import DeprivationLookup, default_lookup
from services.scoring.reference_data.postcodes import load_postcode_directory
from services.scoring.settings import ScoringSettings

REPO = Path(__file__).resolve().parents[3]
MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "db" / "migrations"
DEFAULT_USERS_FILE = REPO / "deploy" / "dev-idp" / "users.yaml"
TEAM_SERVICE = "Community learning disability service"
REVIEW_INTERVAL_MONTHS = 6
# Fixed namespace: the same seed always gives the same ids.
# Serialises concurrent seed runs (and makes --if-empty's check race-free).
_ADVISORY_LOCK = 0x45515453  # "EQTS"
# Below this, starting worker processes costs more than it saves.
PARALLEL_FROM_PEOPLE = 20_000


@dataclass(frozen=True)
class DemoMembership:
    username: str
    team_code: str
    role: str  # member | lead


def demo_memberships(tree: OrganisationTree) -> list[DemoMembership]:
    """Who of the demo users works in which demo team (the users file's notes say so)."""
    trust_b_teams = tree.children("EQB", OrganisationKind.TEAM)
    if not trust_b_teams:
        raise DemoDataError("trust EQB has no team in the organisation tree")
    return [
        DemoMembership("clinician.a", "EQA-LD-NORTH", "member"),
        DemoMembership("team.lead", "EQA-LD-NORTH", "lead"),
        DemoMembership("clinician.b", "EQA-LD-SOUTH", "member"),
        DemoMembership("clinician.trustb", trust_b_teams[0].code, "member"),
    ]


@dataclass(frozen=True)
class SeedOptions:
    people: int = 600
    seed: int = 2026
    months_min: int = 12
    months_max: int = 24
    as_of: date | None = None  # None: today (UTC)
    team: str | None = None  # only people on this team's caseload
    if_empty: bool = False
    batch_size: int = 1000
    # Worker processes building rows; None: one per CPU for big runs, else a thread.
    jobs: int | None = None

    def worker_count(self) -> int:
        if self.jobs is not None:
            return self.jobs
        return (os.cpu_count() or 1) if self.people >= PARALLEL_FROM_PEOPLE else 1


@dataclass(frozen=True)
class SeedSummary:
    people: int
    assessments: int
    seconds: float
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "Demo data: the database already holds people; nothing loaded (--if-empty)."
        rate = self.people / self.seconds if self.seconds > 0 else 0.0
        return (
            f"Demo data: {self.people} people, {self.assessments} assessments "
            f"in {self.seconds:.1f} s ({rate:.0f} people/s)"
        )


def chunks(people: Iterator[SyntheticPerson], size: int) -> Iterator[list[SyntheticPerson]]:
    while chunk := list(islice(people, size)):
        yield chunk


def demo_people(
    options: SeedOptions, tree: OrganisationTree, lookup: DeprivationLookup, as_of: date
) -> Iterator[SyntheticPerson]:
    """``options.people`` people; with ``options.team``, only people of that team (the
    generator's stream is filtered, so they are the same people a full run gives that team)."""
    if options.team is None:
        return generate_people(options.seed, options.people, tree, lookup, as_of=as_of)
    teams = len(tree.teams)
    stream = generate_people(options.seed, options.people * teams * 4, tree, lookup, as_of=as_of)
    return islice((p for p in stream if p.team_code == options.team), options.people)


# -- database --------------------------------------------------------------------------


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """A libpq-style DSN asyncpg accepts (unix-socket ``?host=`` URLs included)."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(False)


async def prepare_database(settings: ScoringSettings) -> str:
    """Create the database and apply migrations when its tables are missing; its URL."""
    database = settings.database_name_for("scoring")
    url = service_database_url(settings.database_url, database)
    await ensure_database(settings.database_url, database)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        ready = await conn.fetchval("SELECT to_regclass('public.feed_event') IS NOT NULL")
    finally:
        await conn.close()
    if not ready:
        await asyncio.to_thread(upgrade_to_head, MIGRATIONS_DIR, url)
    return url


async def _upsert_organisations(
    conn: asyncpg.Connection, tree: OrganisationTree, now: datetime
) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    for org in (*tree.of_kind(OrganisationKind.ICB), *tree.trusts):
        ids[org.code] = await conn.fetchval(
            """
            INSERT INTO organisation (id, ods_code, name, kind, parent_ods_code, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (ods_code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
                parent_ods_code = EXCLUDED.parent_ods_code
            RETURNING id
            """,
            uuid.uuid5(ID_NAMESPACE, f"organisation:{org.code}"),
            org.code,
            org.name,
            org.kind.value,
            org.parent_code,
            now,
        )
    return ids


async def _upsert_teams(
    conn: asyncpg.Connection,
    tree: OrganisationTree,
    organisation_ids: dict[str, uuid.UUID],
    now: datetime,
) -> dict[str, uuid.UUID]:
    settings = json_text(
        {
            "episode_types": [e.code for e in hef_definition().episode_types],
            "review_interval_months": REVIEW_INTERVAL_MONTHS,
        }
    )
    ids: dict[str, uuid.UUID] = {}
    for team in tree.teams:
        if team.parent_code is None:
            raise DemoDataError(f"team {team.code} has no trust")
        team_id = await conn.fetchval(
            """
            INSERT INTO team (id, organisation_id, code, name, service, settings, created_at)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, service = EXCLUDED.service,
                settings = EXCLUDED.settings
            WHERE team.organisation_id = EXCLUDED.organisation_id
            RETURNING id
            """,
            uuid.uuid5(ID_NAMESPACE, f"team:{team.code}"),
            organisation_ids[team.parent_code],
            team.code,
            team.name,
            TEAM_SERVICE,
            settings,
            now,
        )
        if team_id is None:
            raise DemoDataError(f"team code {team.code} is already used by another organisation")
        ids[team.code] = team_id
    return ids


async def _upsert_memberships(
    conn: asyncpg.Connection,
    tree: OrganisationTree,
    team_ids: dict[str, uuid.UUID],
    users_file: Path,
    now: datetime,
) -> None:
    users = {u.username: u for u in load_demo_users(users_file)}
    for membership in demo_memberships(tree):
        user = users.get(membership.username)
        if user is None:
            raise DemoDataError(f"demo user {membership.username} is not in {users_file}")
        team_id = team_ids[membership.team_code]
        await conn.execute(
            """
            INSERT INTO membership (id, team_id, subject, display_name, role, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (team_id, subject) DO UPDATE SET display_name = EXCLUDED.display_name,
                role = EXCLUDED.role
            """,
            uuid.uuid5(ID_NAMESPACE, f"membership:{membership.team_code}:{user.uid}"),
            team_id,
            user.uid,
            user.name,
            membership.role,
            now,
        )


async def _copy(conn: asyncpg.Connection, batch: Batch) -> None:
    # Parents before children (foreign keys are checked per row).
    await conn.copy_records_to_table("person", records=batch.people, columns=PERSON_COLUMNS)
    await conn.copy_records_to_table(
        "caseload_entry", records=batch.caseload, columns=CASELOAD_COLUMNS
    )
    await conn.copy_records_to_table(
        "assessment", records=batch.assessments, columns=ASSESSMENT_COLUMNS
    )
    await conn.copy_records_to_table(
        "assessment_revision", records=batch.revisions, columns=REVISION_COLUMNS
    )
    await conn.copy_records_to_table("feed_event", records=batch.feed, columns=FEED_COLUMNS)


def deprivation_lookup(settings: ScoringSettings) -> DeprivationLookup:
    """The same reference data the service resolves postcodes with."""
    if settings.imd_file and settings.postcode_file:
        imd = load_imd_file(settings.imd_file, vintage=settings.imd_vintage)
        postcodes = load_postcode_directory(settings.postcode_file)
        return DeprivationLookup({settings.imd_vintage: imd}, postcodes)
    return default_lookup()


def _executor(jobs: int) -> Executor:
    if jobs > 1:
        return ProcessPoolExecutor(max_workers=jobs)
    # One builder thread: Python builds the next batch while Postgres loads this one.
    return ThreadPoolExecutor(max_workers=1)


async def seed(
    database_url: str,
    options: SeedOptions,
    *,
    secret: bytes,
    lookup: DeprivationLookup,
    users_file: Path = DEFAULT_USERS_FILE,
) -> SeedSummary:
    """Load demo data into the scoring database at ``database_url`` (migrated already)."""
    started = time.perf_counter()
    tree = OrganisationTree.default()
    if options.team is not None and options.team not in {t.code for t in tree.teams}:
        raise DemoDataError(f"{options.team} is not a demo team")
    now = datetime.now(UTC)
    as_of = options.as_of or now.date()
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _ADVISORY_LOCK)
            if options.if_empty and await conn.fetchval("SELECT EXISTS (SELECT 1 FROM person)"):
                return SeedSummary(0, 0, time.perf_counter() - started, skipped=True)
            # Submits go on meanwhile: the feed holds back every event newer than this
            # transaction until it commits (feed.models), so none is passed over.
            organisation_ids = await _upsert_organisations(conn, tree, now)
            team_ids = await _upsert_teams(conn, tree, organisation_ids, now)
            await _upsert_memberships(conn, tree, team_ids, users_file, now)
            ctx = BuildContext(
                seed=options.seed,
                secret=secret,
                as_of=as_of,
                now=now,
                months_min=options.months_min,
                months_max=options.months_max,
                organisation_ids={t.code: organisation_ids[t.code] for t in tree.trusts},
                commissioners={t.code: t.parent_code for t in tree.trusts},
                team_ids=team_ids,
            )
            people = assessments = 0
            loop = asyncio.get_running_loop()
            pending: list[Future[Batch]] = []
            source = chunks(demo_people(options, tree, lookup, as_of), options.batch_size)
            jobs = options.worker_count()
            ahead = jobs + 1  # batches being built while one loads
            with _executor(jobs) as executor:
                for chunk in source:
                    pending.append(executor.submit(build_batch, ctx, chunk))
                    if len(pending) >= ahead:
                        batch = await asyncio.wrap_future(pending.pop(0), loop=loop)
                        await _copy(conn, batch)
                        people += len(batch.people)
                        assessments += len(batch.assessments)
                for future in pending:
                    batch = await asyncio.wrap_future(future, loop=loop)
                    await _copy(conn, batch)
                    people += len(batch.people)
                    assessments += len(batch.assessments)
        # Fresh statistics now, not whenever autovacuum gets round to it: with none, the
        # planner reads a whole caseload to find one person (on every new assessment).
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return SeedSummary(people, assessments, time.perf_counter() - started)


async def seed_from_settings(
    options: SeedOptions, settings: ScoringSettings | None = None
) -> SeedSummary:
    settings = settings or ScoringSettings()
    url = await prepare_database(settings)
    users_file = Path(os.environ.get("EQUITAS_IDP_USERS_FILE") or DEFAULT_USERS_FILE)
    lookup = await asyncio.to_thread(deprivation_lookup, settings)
    return await seed(
        url,
        options,
        secret=settings.pseudonymisation_key.encode(),
        lookup=lookup,
        users_file=users_file,
    )


def parse_args(argv: Sequence[str] | None) -> SeedOptions:
    parser = argparse.ArgumentParser(
        prog="python -m services.scoring.demo_data.seed",
        description="Load synthetic people and HEF assessments into the scoring database.",
    )
    parser.add_argument("--if-empty", action="store_true", help="do nothing if any person exists")
    parser.add_argument("--people", type=int, default=SeedOptions.people)
    parser.add_argument("--seed", type=int, default=SeedOptions.seed)
    parser.add_argument("--months-min", type=int, default=SeedOptions.months_min)
    parser.add_argument("--months-max", type=int, default=SeedOptions.months_max)
    parser.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="last day of history (today)"
    )
    parser.add_argument("--team", default=None, help="only people of this demo team")
    parser.add_argument("--batch-size", type=int, default=SeedOptions.batch_size)
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help=f"worker processes building rows (default: one per CPU from "
        f"{PARALLEL_FROM_PEOPLE} people)",
    )
    args = parser.parse_args(argv)
    if args.people < 0:
        parser.error("--people must be zero or more")
    if not 1 <= args.months_min <= args.months_max:
        parser.error("need 1 <= --months-min <= --months-max")
    if args.batch_size < 1 or (args.jobs is not None and args.jobs < 1):
        parser.error("--batch-size and --jobs must be at least 1")
    return SeedOptions(
        people=args.people,
        seed=args.seed,
        months_min=args.months_min,
        months_max=args.months_max,
        as_of=args.as_of,
        team=args.team,
        if_empty=args.if_empty,
        batch_size=args.batch_size,
        jobs=args.jobs,
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        summary = asyncio.run(seed_from_settings(options))
    except DemoDataError as exc:
        print(f"Demo data not loaded: {exc}", file=sys.stderr)
        return 2
    except asyncpg.UniqueViolationError as exc:
        print(
            "Demo data not loaded: these demo people are already in the database "
            f"({exc.constraint_name}); nothing was written. Use --if-empty or an empty "
            "database.",
            file=sys.stderr,
        )
        return 1
    print(summary.line(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
