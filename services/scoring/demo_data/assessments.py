"""Synthetic HEF assessment histories for synthetic people.

Schedule: an assessment at referral, reviews about every six months, and sometimes a
discharge assessment, over an episode of 12-24 months, one of the patterns local HEF
practice follows (instruments reference, section 1: referral, 6-monthly review,
discharge). Ratings use the provisional HEF scale codes (none, low, moderate, high, plus
not assessed); exposure starts higher in more deprived deciles and falls on average over
the episode, as HEF service reports describe, with some people getting worse. Randomness
comes only from a ``random.Random`` seeded by the caller's seed and the person's local id.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.scoring.demo_data.organisations import DemoDataError
from services.scoring.demo_data.person import SyntheticPerson


class AssessmentPoint(StrEnum):
    REFERRAL = "referral"
    REVIEW = "review"
    DISCHARGE = "discharge"


@dataclass(frozen=True, slots=True)
class SyntheticAssessment:
    local_id: str
    nhs_number: str | None
    team_code: str
    sequence: int  # 0 = the referral assessment
    point: AssessmentPoint
    assessed_on: date
    ratings: dict[str, str]  # HEF item id -> none | low | moderate | high | not_assessed


_RATING_CODES = ("none", "low", "moderate", "high")
NOT_ASSESSED = "not_assessed"


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise DemoDataError("unreachable: every month has 28 days")  # pragma: no cover


def generate_assessments(
    seed: int,
    person: SyntheticPerson,
    hef_item_ids: Sequence[str],
    start: date,
    months: int,
) -> list[SyntheticAssessment]:
    """HEF assessments for one person's episode within ``months`` from ``start``.

    Referral in the window's first quarter (at most 90 days in), reviews about every six
    months over an episode of 12-24 months (cut at the window's end), and, for about half
    of episodes that end inside the window, a discharge assessment. The random stream is
    seeded by ``seed`` and the person's local id, so one person's history does not depend
    on who else is generated.
    """
    if months < 1:
        raise DemoDataError("months must be at least 1")
    if not hef_item_ids:
        raise DemoDataError("at least one HEF item id is needed")
    rng = random.Random(f"{seed}:{person.local_id}")
    window_end = _add_months(start, months)
    referral = start + timedelta(days=rng.randrange(min(90, months * 30 // 4) + 1))
    episode_end = _add_months(referral, rng.randint(12, 24))
    dates: list[tuple[AssessmentPoint, date]] = [(AssessmentPoint.REFERRAL, referral)]
    review = 1
    while True:
        due = _add_months(referral, 6 * review) + timedelta(days=rng.randint(-14, 21))
        if due > min(episode_end, window_end):
            break
        dates.append((AssessmentPoint.REVIEW, due))
        review += 1
    if episode_end <= window_end and rng.random() < 0.5:
        if episode_end - dates[-1][1] < timedelta(days=30):
            dates.pop()  # a review this close to discharge is the discharge assessment
        dates.append((AssessmentPoint.DISCHARGE, episode_end))

    # Latent exposure on the 0-3 scale: worse in more deprived deciles, varying by person
    # and indicator, falling with time in the episode for most people (not all).
    decile = person.imd_decile if person.imd_decile is not None else 5.5
    level = 1.0 + 0.12 * (10 - decile) + rng.gauss(0, 0.4)
    item_levels = [level + rng.gauss(0, 0.6) for _ in hef_item_ids]
    improvement = rng.gauss(0.3, 0.25)  # per six months
    assessments = []
    for sequence, (point, day) in enumerate(dates):
        elapsed = (day - referral).days / 182.6
        ratings = {}
        for item_id, item_level in zip(hef_item_ids, item_levels, strict=True):
            if rng.random() < 0.03:
                ratings[item_id] = NOT_ASSESSED
                continue
            value = round(item_level - improvement * elapsed + rng.gauss(0, 0.35))
            ratings[item_id] = _RATING_CODES[min(3, max(0, value))]
        assessments.append(
            SyntheticAssessment(
                local_id=person.local_id,
                nhs_number=person.nhs_number,
                team_code=person.team_code,
                sequence=sequence,
                point=point,
                assessed_on=day,
                ratings=ratings,
            )
        )
    return assessments
