"""Load synthetic demo data straight into the scoring database (``make run``, ``make
demo-data``).

``python -m services.scoring.demo_data.seed [--users-file FILE] [--people N] [--seed S]
[--months-min M] [--months-max M] [--as-of YYYY-MM-DD] [--team CODE] [--jobs J]``

Two steps, each in its own transaction, so the first holds whatever the second meets:

1. ``structure``: the trusts and ICBs of ``OrganisationTree.default()``, the community
   learning disability teams of each trust and, with ``--users-file``, the demo users'
   team memberships (``memberships``), all upserted: every run puts them in place, even
   into a database that holds people already (an EPR's push, earlier test data).
2. ``people_load``: ``--people`` synthetic people on their team's caseload with their HEF
   histories as submitted assessments (revision 1 and the ``assessment.submitted`` feed
   event, built by ``rows`` as the API builds them; a test compares the two). Skipped when
   this seed's people are in already. Authors are ``demo-data``; nothing is written to the
   audit log (no one read or changed anything).

Everything is deterministic for a given ``--seed`` and ``--as-of``. Exit status: 0 when
both steps are done; ``PEOPLE_NOT_LOADED`` (3) when the organisations, teams and
memberships are in but the people could not be loaded; anything else when nothing could be.
"""

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from services.common.database import ensure_database, service_database_url, upgrade_to_head
from services.scoring.demo_data.memberships import (
    DemoStaffMember,
    read_demo_staff,
    staff_in_teams,
)
from services.scoring.demo_data.organisations import DemoDataError, OrganisationTree
from services.scoring.demo_data.people_load import (
    PARALLEL_FROM_PEOPLE,
    PeopleLoaded,
    PeopleOptions,
    load_people,
)
from services.scoring.demo_data.rows import BuildContext
from services.scoring.demo_data.structure import DemoStructure, upsert_structure
from services.scoring.reference_data.imd import load_imd_file
from services.scoring.reference_data.lookup import DeprivationLookup, default_lookup
from services.scoring.reference_data.postcodes import load_postcode_directory
from services.scoring.settings import ScoringSettings

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "db" / "migrations"
USERS_FILE_VARIABLE = "EQUITAS_DEMO_USERS_FILE"
PEOPLE_NOT_LOADED = 3  # exit status: step 1 is in, step 2 is not
# Serialises concurrent seed runs (two stacks starting on one database).
_ADVISORY_LOCK = 0x45515453  # "EQTS"


class PeopleNotLoaded(Exception):
    """Step 2 failed; step 1 (``structure``) is in the database."""

    def __init__(self, structure: DemoStructure, reason: str) -> None:
        super().__init__(reason)
        self.structure = structure


@dataclass(frozen=True)
class SeedSummary:
    structure: DemoStructure
    people: PeopleLoaded
    seconds: float
    seed: int

    def lines(self) -> list[str]:
        if self.people.already_loaded:
            people = f"Demo data: the people of seed {self.seed} are loaded already; none added"
        else:
            rate = self.people.people / self.seconds if self.seconds > 0 else 0.0
            people = (
                f"Demo data: {self.people.people} people, {self.people.assessments} "
                f"assessments in {self.seconds:.1f} s ({rate:.0f} people/s)"
            )
        return [self.structure.line(), people]


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


def deprivation_lookup(settings: ScoringSettings) -> DeprivationLookup:
    """The same reference data the service resolves postcodes with."""
    if settings.imd_file and settings.postcode_file:
        imd = load_imd_file(settings.imd_file, vintage=settings.imd_vintage)
        postcodes = load_postcode_directory(settings.postcode_file)
        return DeprivationLookup({settings.imd_vintage: imd}, postcodes)
    return default_lookup()


async def seed(
    database_url: str,
    options: PeopleOptions,
    *,
    secret: bytes,
    lookup: DeprivationLookup,
    staff: Sequence[DemoStaffMember] = (),
) -> SeedSummary:
    """Both steps into the scoring database at ``database_url`` (migrated already)."""
    started = time.perf_counter()
    tree = OrganisationTree.default()
    if options.team is not None and options.team not in {t.code for t in tree.teams}:
        raise DemoDataError(f"{options.team} is not a demo team")
    placed = staff_in_teams(tree, staff) if staff else []
    now = datetime.now(UTC)
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _ADVISORY_LOCK)
        async with conn.transaction():
            structure = await upsert_structure(conn, tree, placed, now)
        ctx = BuildContext(
            seed=options.seed,
            secret=secret,
            as_of=options.as_of or now.date(),
            now=now,
            months_min=options.months_min,
            months_max=options.months_max,
            organisation_ids={t.code: structure.organisation_ids[t.code] for t in tree.trusts},
            commissioners={t.code: t.parent_code for t in tree.trusts},
            team_ids=structure.team_ids,
        )
        try:
            people = await load_people(conn, ctx, options, tree, lookup)
        except asyncpg.UniqueViolationError as exc:
            raise PeopleNotLoaded(
                structure,
                f"some of these demo people are in the database already ({exc.constraint_name})"
                "; none was written. Use another --seed or an empty database.",
            ) from exc
    finally:
        await conn.close()  # and with it the advisory lock
    return SeedSummary(structure, people, time.perf_counter() - started, options.seed)


async def seed_from_settings(
    options: PeopleOptions,
    users_file: Path | None,
    settings: ScoringSettings | None = None,
) -> SeedSummary:
    settings = settings or ScoringSettings()
    staff = read_demo_staff(users_file) if users_file is not None else []
    url = await prepare_database(settings)
    lookup = await asyncio.to_thread(deprivation_lookup, settings)
    return await seed(
        url, options, secret=settings.pseudonymisation_key.encode(), lookup=lookup, staff=staff
    )


# -- command ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    options: PeopleOptions
    users_file: Path | None


def parse_args(argv: Sequence[str] | None) -> Command:
    parser = argparse.ArgumentParser(
        prog="python -m services.scoring.demo_data.seed",
        description="Load the demo organisations, teams, memberships, people and HEF "
        "assessments into the scoring database.",
    )
    parser.add_argument(
        "--users-file",
        type=Path,
        default=os.environ.get(USERS_FILE_VARIABLE) or None,
        help=f"the identity provider's demo users (YAML; default ${USERS_FILE_VARIABLE}); "
        "without one, no team memberships",
    )
    defaults = PeopleOptions()
    parser.add_argument("--people", type=int, default=defaults.people)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--months-min", type=int, default=defaults.months_min)
    parser.add_argument("--months-max", type=int, default=defaults.months_max)
    parser.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="last day of history (today)"
    )
    parser.add_argument("--team", default=None, help="only people of this demo team")
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
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
    options = PeopleOptions(
        people=args.people,
        seed=args.seed,
        months_min=args.months_min,
        months_max=args.months_max,
        as_of=args.as_of,
        team=args.team,
        batch_size=args.batch_size,
        jobs=args.jobs,
    )
    return Command(options, args.users_file)


def main(argv: Sequence[str] | None = None) -> int:
    command = parse_args(argv)
    if command.users_file is None:
        print("Demo data: no --users-file, so no demo user is put in a team.", file=sys.stderr)
    try:
        summary = asyncio.run(seed_from_settings(command.options, command.users_file))
    except DemoDataError as exc:
        print(f"Demo data not loaded: {exc}", file=sys.stderr)
        return 2
    except PeopleNotLoaded as exc:
        print(exc.structure.line(), flush=True)
        print(f"Demo data: the people were not loaded: {exc}", file=sys.stderr)
        return PEOPLE_NOT_LOADED
    print("\n".join(summary.lines()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
