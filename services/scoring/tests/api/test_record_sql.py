"""The database's ``completed_years`` (the rule of every age the service writes) and
Python's ``age_in_years`` (kept for synthetic data built outside the database, the demo
seed) must agree."""

import random
from datetime import date, timedelta

from equitas_stack.stack import Stack

from services.scoring.feed.pseudonymise import age_in_years
from services.scoring.tests.api.fhir_helpers import scoring_db


def _pairs() -> list[tuple[date, date]]:
    """(born, on) with on >= born: leap days, birthdays, year ends, and a random spread."""
    leap = date(2000, 2, 29)
    chosen = [
        (leap, date(2001, 2, 28)),
        (leap, date(2001, 3, 1)),
        (leap, date(2004, 2, 28)),
        (leap, date(2004, 2, 29)),
        (date(1990, 5, 17), date(1990, 5, 17)),
        (date(1990, 5, 17), date(2026, 5, 16)),
        (date(1990, 5, 17), date(2026, 5, 17)),
        (date(1989, 12, 31), date(2026, 1, 1)),
        (date(1990, 1, 1), date(2025, 12, 31)),
    ]
    rng = random.Random(13)
    for _ in range(500):
        born = date(1920, 1, 1) + timedelta(days=rng.randrange(40_000))
        chosen.append((born, born + timedelta(days=rng.randrange(40_000))))
    return chosen


async def test_completed_years_in_sql_are_those_of_age_in_years(stack: Stack) -> None:
    pairs = _pairs()
    async with scoring_db(stack) as conn:
        rows = await conn.fetch(
            "SELECT completed_years(x.on_date, x.born) AS years "
            "FROM unnest($1::date[], $2::date[]) WITH ORDINALITY AS x(born, on_date, n) "
            "ORDER BY x.n",
            [born for born, _ in pairs],
            [on for _, on in pairs],
        )
    assert [r["years"] for r in rows] == [age_in_years(born, on) for born, on in pairs]
