"""What a page of the change feed becomes in the store, worked out before the page's
transaction (pure: no I/O). The consumer prepares the next page while the database applies
the one before (decision 0045).

Within a page the last event of each assessment wins: every event carries the whole
assessment as of that change, so the last says how it stands.
"""

from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson

from services.aggregation import dimensions
from services.aggregation.feed.contract import (
    PRESENT,
    FeedItem,
    FeedPage,
    FeedScores,
    collector_paused,
)
from services.aggregation.feed.rollups import FACT_FIELDS, RollupFact

OVERALL = "overall"  # the whole assessment's key beside the sections' in scores and bands
OVERALL_SCORE = "total"  # the overall score a summary means: the overall "total"

FACT_COLUMNS = (
    "person_key",
    "assessment_key",
    "revision",
    "instrument",
    "variant",
    "instrument_version",
    "episode_type",
    "assessed_on",
    "submitted_at",
    "month_start",
    "quarter_start",
    "financial_year",
    "organisation_code",
    "commissioner_code",
    "team_code",
    "age_band",
    "sex",
    "ethnic_category",
    "ethnic_group",
    "imd_decile",
    "imd_quintile",
    "core20",
    "imd_vintage",
    "overall_score",
    "scores",
    "bands",
    "item_values",
    "complete",
)
AT = {name: i for i, name in enumerate(FACT_COLUMNS)}
FactRow = tuple[Any, ...]  # an ``assessment_fact`` row, FACT_COLUMNS order

_ROLLUP_FIELDS = itemgetter(*(AT[name] for name in FACT_FIELDS))


def person_key_of(item: FeedItem) -> str:
    # An event whose person record is gone has no person key: the assessment then counts
    # as a person of its own rather than being dropped or merged with others.
    return item.payload.person_key or item.payload.assessment_key


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _scores(scores: FeedScores | None) -> tuple[float | None, str, str, bool]:
    if scores is None:
        return None, "{}", "{}", False
    overall = scores.overall
    by_group = {name: group.scores for name, group in scores.sections.items()}
    by_group[OVERALL] = overall.scores
    bands = {}
    for name, group in (*scores.sections.items(), (OVERALL, overall)):
        levels = {band: level.code for band, level in group.bands.items() if level}
        if levels:
            bands[name] = levels
    total = overall.scores.get(OVERALL_SCORE)
    return (
        None if total is None else float(total),
        _json(by_group),
        _json(bands),
        overall.completeness.complete,
    )


@lru_cache(maxsize=8192)
def _periods(day: Any) -> tuple[Any, Any, int]:
    # Many events share a date: month, quarter and financial year worked out once each.
    return (
        dimensions.month_start(day),
        dimensions.quarter_start(day),
        dimensions.financial_year(day),
    )


def fact_row(item: FeedItem) -> FactRow:
    """The ``assessment_fact`` row (``FACT_COLUMNS`` order) of an event's assessment."""
    p = item.payload
    overall, scores, bands, complete = _scores(p.scores)
    month, quarter, year = _periods(p.assessed_on)
    decile = p.imd_decile
    return (
        p.person_key or p.assessment_key,
        p.assessment_key,
        p.revision,
        p.instrument,
        p.variant,
        p.instrument_version,
        p.episode_type,
        p.assessed_on,
        p.submitted_at,
        month,
        quarter,
        year,
        p.organisation_code,
        p.commissioner_code,
        p.team_code,
        p.age_band,
        p.sex,
        p.ethnic_category,
        dimensions.ethnic_group(p.ethnic_group),
        decile,
        dimensions.imd_quintile(decile),
        dimensions.core20(decile),
        p.imd_vintage,
        overall,
        scores,
        bands,
        _json({item_id: answer.value for item_id, answer in p.answers.items()}),
        complete,
    )


def rollup_fact_of(row: FactRow) -> RollupFact:
    """What the rollups read of a fact row."""
    return RollupFact._make(_ROLLUP_FIELDS(row))


@dataclass(frozen=True, slots=True)
class PreparedPage:
    """A page with each assessment's last event, and the fact row of those it leaves
    present: everything about it that does not depend on the store."""

    page: FeedPage
    last: dict[str, FeedItem]  # assessment key -> its last event in the page
    rows: dict[str, FactRow]  # assessment key -> its fact, where the last event keeps one


def prepare_page(page: FeedPage) -> PreparedPage:
    last: dict[str, FeedItem] = {}
    for item in page.events:
        last[item.payload.assessment_key] = item
    with collector_paused():
        rows = {key: fact_row(item) for key, item in last.items() if item.event_type in PRESENT}
    return PreparedPage(page, last, rows)
