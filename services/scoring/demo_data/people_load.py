"""The synthetic people and their HEF histories, streamed into the scoring database with
COPY in batches, in one transaction: a million people load in bounded memory, and a
failed load leaves none of them behind. The change feed serves nothing newer than the
load until it commits (decision 0005), so submits can go on meanwhile.

People already loaded are not loaded again: ids are UUIDv5 of the seed and the local id,
so a rerun with the same seed finds its first people in the database and stops there.
"""

import asyncio
import os
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from itertools import chain, islice

import asyncpg

from services.scoring.demo_data.generator import generate_people
from services.scoring.demo_data.organisations import OrganisationTree
from services.scoring.demo_data.person import SyntheticPerson
from services.scoring.demo_data.rows import (
    ASSESSMENT_COLUMNS,
    CASELOAD_COLUMNS,
    FEED_COLUMNS,
    PERSON_COLUMNS,
    REVISION_COLUMNS,
    Batch,
    BuildContext,
    build_batch,
    demo_person_id,
)
from services.scoring.reference_data.lookup import DeprivationLookup

# Below this, starting worker processes costs more than it saves.
PARALLEL_FROM_PEOPLE = 20_000


@dataclass(frozen=True)
class PeopleOptions:
    people: int = 600
    seed: int = 2026
    months_min: int = 12
    months_max: int = 24
    as_of: date | None = None  # None: today (UTC)
    team: str | None = None  # only people on this team's caseload
    batch_size: int = 1000
    # Worker processes building rows; None: one per CPU for big runs, else a thread.
    jobs: int | None = None

    def worker_count(self) -> int:
        if self.jobs is not None:
            return self.jobs
        return (os.cpu_count() or 1) if self.people >= PARALLEL_FROM_PEOPLE else 1


@dataclass(frozen=True)
class PeopleLoaded:
    people: int
    assessments: int
    already_loaded: bool = False


def demo_people(
    options: PeopleOptions, tree: OrganisationTree, lookup: DeprivationLookup, as_of: date
) -> Iterator[SyntheticPerson]:
    """``options.people`` people; with ``options.team``, only people of that team (the
    generator's stream is filtered, so they are the same people a full run gives that team)."""
    if options.team is None:
        return generate_people(options.seed, options.people, tree, lookup, as_of=as_of)
    teams = len(tree.teams)
    stream = generate_people(options.seed, options.people * teams * 4, tree, lookup, as_of=as_of)
    return islice((p for p in stream if p.team_code == options.team), options.people)


def chunks(people: Iterator[SyntheticPerson], size: int) -> Iterator[list[SyntheticPerson]]:
    while chunk := list(islice(people, size)):
        yield chunk


async def load_people(
    conn: asyncpg.Connection,
    ctx: BuildContext,
    options: PeopleOptions,
    tree: OrganisationTree,
    lookup: DeprivationLookup,
) -> PeopleLoaded:
    """Load the people in one transaction, unless the first batch's people are in already."""
    source = chunks(demo_people(options, tree, lookup, ctx.as_of), options.batch_size)
    first = next(source, None)
    if first is None:
        return PeopleLoaded(0, 0)
    ids = [demo_person_id(options.seed, person.local_id) for person in first]
    if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM person WHERE id = ANY($1))", ids):
        return PeopleLoaded(0, 0, already_loaded=True)
    people = assessments = 0
    loop = asyncio.get_running_loop()

    async def copy_when_built(future: Future[Batch]) -> None:
        nonlocal people, assessments
        batch = await asyncio.wrap_future(future, loop=loop)
        await _copy(conn, batch)
        people += len(batch.people)
        assessments += len(batch.assessments)

    pending: list[Future[Batch]] = []
    jobs = options.worker_count()
    ahead = jobs + 1  # batches being built while one loads
    async with conn.transaction():
        with _executor(jobs) as executor:
            for chunk in chain([first], source):
                pending.append(executor.submit(build_batch, ctx, chunk))
                if len(pending) >= ahead:
                    await copy_when_built(pending.pop(0))
            for future in pending:
                await copy_when_built(future)
    # Fresh statistics now, not whenever autovacuum gets round to it: with none, the
    # planner reads a whole caseload to find one person (on every new assessment).
    await conn.execute("ANALYZE")
    return PeopleLoaded(people, assessments)


def _executor(jobs: int) -> Executor:
    if jobs > 1:
        return ProcessPoolExecutor(max_workers=jobs)
    # One builder thread: Python builds the next batch while Postgres loads this one.
    return ThreadPoolExecutor(max_workers=1)


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
