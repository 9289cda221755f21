"""Synthetic HEF assessment histories."""

import statistics
from datetime import date, timedelta
from itertools import pairwise

import pytest

from services.scoring.demo_data.assessments import (
    AssessmentPoint,
    SyntheticAssessment,
    generate_assessments,
)
from services.scoring.demo_data.generator import generate_people
from services.scoring.demo_data.organisations import DemoDataError, default_organisation_tree
from services.scoring.demo_data.person import SyntheticPerson
from services.scoring.reference_data.lookup import default_lookup

ITEMS = [f"hef-{n:02d}" for n in range(1, 30)]
START = date(2023, 1, 1)
SCORES = {"none": 0, "low": 1, "moderate": 2, "high": 3}


@pytest.fixture(scope="module")
def people() -> list[SyntheticPerson]:
    return list(generate_people(11, 600, default_organisation_tree(), default_lookup()))


@pytest.fixture(scope="module")
def histories(people: list[SyntheticPerson]) -> list[list[SyntheticAssessment]]:
    return [generate_assessments(11, p, ITEMS, START, 24) for p in people]


def mean_rating(assessment: SyntheticAssessment) -> float:
    return statistics.mean(SCORES[r] for r in assessment.ratings.values() if r in SCORES)


def test_deterministic_per_seed_and_person(people: list[SyntheticPerson]) -> None:
    person = people[0]
    assert generate_assessments(1, person, ITEMS, START, 24) == generate_assessments(
        1, person, ITEMS, START, 24
    )
    assert generate_assessments(1, person, ITEMS, START, 24) != generate_assessments(
        2, person, ITEMS, START, 24
    )


def test_schedule_is_referral_then_six_monthly_reviews(
    histories: list[list[SyntheticAssessment]],
) -> None:
    window_end = date(2025, 1, 1)
    for history in histories:
        assert history[0].point is AssessmentPoint.REFERRAL
        assert history[0].assessed_on <= START + timedelta(days=90)
        assert [a.sequence for a in history] == list(range(len(history)))
        assert all(a.assessed_on <= window_end for a in history)
        for earlier, later in pairwise(history):
            gap = (later.assessed_on - earlier.assessed_on).days
            assert 30 <= gap <= 230  # six months, give or take a few weeks
        assert all(a.point is AssessmentPoint.REVIEW for a in history[1:-1])
    assert all(len(h) >= 2 for h in histories)
    discharged = sum(h[-1].point is AssessmentPoint.DISCHARGE for h in histories)
    assert 0.1 * len(histories) < discharged < 0.6 * len(histories)


def test_ratings_use_the_codes(histories: list[list[SyntheticAssessment]]) -> None:
    seen = {r for h in histories for a in h for r in a.ratings.values()}
    assert seen == {"none", "low", "moderate", "high", "not_assessed"}
    assert all(list(a.ratings) == ITEMS for h in histories for a in h)


def test_ratings_improve_on_average(histories: list[list[SyntheticAssessment]]) -> None:
    first = statistics.mean(mean_rating(h[0]) for h in histories)
    last = statistics.mean(mean_rating(h[-1]) for h in histories)
    assert first - last > 0.25


def test_more_deprived_start_worse(
    people: list[SyntheticPerson], histories: list[list[SyntheticAssessment]]
) -> None:
    deprived = [
        mean_rating(h[0]) for p, h in zip(people, histories, strict=True) if p.imd_decile in (1, 2)
    ]
    affluent = [
        mean_rating(h[0]) for p, h in zip(people, histories, strict=True) if p.imd_decile in (9, 10)
    ]
    assert statistics.mean(deprived) - statistics.mean(affluent) > 0.5


def test_carries_the_persons_identifiers(people: list[SyntheticPerson]) -> None:
    person = people[3]
    for assessment in generate_assessments(1, person, ITEMS, START, 12):
        assert (assessment.local_id, assessment.nhs_number, assessment.team_code) == (
            person.local_id,
            person.nhs_number,
            person.team_code,
        )


def test_short_window(people: list[SyntheticPerson]) -> None:
    history = generate_assessments(1, people[0], ITEMS, START, 1)
    assert [a.point for a in history] == [AssessmentPoint.REFERRAL]


def test_bad_arguments(people: list[SyntheticPerson]) -> None:
    with pytest.raises(DemoDataError):
        generate_assessments(1, people[0], ITEMS, START, 0)
    with pytest.raises(DemoDataError):
        generate_assessments(1, people[0], [], START, 12)
