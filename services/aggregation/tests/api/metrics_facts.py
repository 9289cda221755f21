"""Facts written straight into the aggregation database, for metrics tests that need exact
numbers (the end-to-end tests go through scoring and the feed). Each test uses team codes
of its own (``new_codes``), so tests never see each other's facts."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg
from equitas_stack.stack import Stack

from services.aggregation.feed.rollup_writes import add_new_people
from services.common.database import service_database_url

SECTIONS = ("social", "biological", "communication", "behaviour", "provision")
BAND_OF = {0: "none", 1: "low", 2: "moderate", 3: "high"}


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass
class Fact:
    team_code: str
    assessed_on: date
    overall_score: float
    organisation_code: str = "EQA"
    commissioner_code: str | None = "QZZ"
    person_key: str = field(default_factory=lambda: f"pk_test_{uuid.uuid4().hex}")
    imd_decile: int | None = 5
    sex: str = "female"
    ethnic_group: str = "white"
    age_band: str | None = "25-34"
    episode_type: str = "referral"
    highest: int = 1  # every determinant's highest rating (its impact band)

    def row(self) -> tuple[Any, ...]:
        section = {"total": self.overall_score / 5, "highest": self.highest,
                   "moderate_or_high": 0}  # fmt: skip
        scores = {"overall": {"total": self.overall_score, "moderate_or_high": 0}}
        scores |= {s: section for s in SECTIONS}
        bands = {s: {"impact": BAND_OF[self.highest]} for s in SECTIONS}
        day = self.assessed_on
        decile = self.imd_decile
        return (
            self.person_key, f"ak_test_{uuid.uuid4().hex}", 1, "hef", "standard",
            "1.0.0-provisional", self.episode_type, day, None, day.replace(day=1),
            quarter_start(day), day.year if day.month >= 4 else day.year - 1,
            self.organisation_code, self.commissioner_code, self.team_code, self.age_band,
            self.sex, "A", self.ethnic_group, decile,
            None if decile is None else (decile + 1) // 2,
            None if decile is None else decile <= 2, "2019", self.overall_score,
            json.dumps(scores), json.dumps(bands), "{}", True,
        )  # fmt: skip


COLUMNS = (
    "person_key, assessment_key, revision, instrument, variant, instrument_version, "
    "episode_type, assessed_on, submitted_at, month_start, quarter_start, financial_year, "
    "organisation_code, commissioner_code, team_code, age_band, sex, ethnic_category, "
    "ethnic_group, imd_decile, imd_quintile, core20, imd_vintage, overall_score, scores, "
    "bands, item_values, complete"
)


def new_codes(n: int = 1) -> list[str]:
    return [f"T-{uuid.uuid4().hex[:10].upper()}" for _ in range(n)]


async def insert_facts(stack: Stack, facts: list[Fact]) -> None:
    """The facts, each person's first and latest and the rollups (as the consumer keeps
    them)."""
    url = service_database_url(stack.database_url, f"{stack.config.database_prefix}aggregation")
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        placeholders = ", ".join(f"${i}" for i in range(1, 29))
        await conn.executemany(
            f"INSERT INTO assessment_fact ({COLUMNS}) VALUES ({placeholders})",  # noqa: S608
            [f.row() for f in facts],
        )
        people = {f.person_key for f in facts}
        await conn.execute(PERSON_FACTS, sorted(people))
        # And the summary rollups, as the consumer keeps them (fresh people only here).
        await add_new_people(conn, sorted(people))
    finally:
        await conn.close()


PERSON_FACTS = """
INSERT INTO person_fact (person_key, instrument, variant, assessments,
    first_assessment_key, first_assessed_on, first_episode_type, first_overall_score,
    latest_assessment_key, latest_assessed_on, latest_episode_type, latest_overall_score,
    organisation_code, commissioner_code, team_code, age_band, sex, ethnic_category,
    ethnic_group, imd_decile, imd_quintile, core20)
SELECT DISTINCT ON (f.person_key) f.person_key, f.instrument, f.variant,
    count(*) OVER w, first_value(f.assessment_key) OVER w, first_value(f.assessed_on) OVER w,
    first_value(f.episode_type) OVER w, first_value(f.overall_score) OVER w,
    last_value(f.assessment_key) OVER w, last_value(f.assessed_on) OVER w,
    last_value(f.episode_type) OVER w, last_value(f.overall_score) OVER w,
    last_value(f.organisation_code) OVER w, last_value(f.commissioner_code) OVER w,
    last_value(f.team_code) OVER w, last_value(f.age_band) OVER w, last_value(f.sex) OVER w,
    last_value(f.ethnic_category) OVER w, last_value(f.ethnic_group) OVER w,
    last_value(f.imd_decile) OVER w, last_value(f.imd_quintile) OVER w,
    last_value(f.core20) OVER w
FROM assessment_fact f WHERE f.person_key = ANY($1::text[])
WINDOW w AS (PARTITION BY f.person_key ORDER BY f.assessed_on, f.assessment_key
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
ORDER BY f.person_key
"""
