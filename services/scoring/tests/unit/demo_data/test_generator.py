"""Synthetic people: deterministic, valid test-range NHS numbers, plausible spreads."""

import random
import re
import statistics
import tracemalloc
from collections import Counter
from dataclasses import asdict
from datetime import date
from itertools import islice

import pytest

from services.scoring.demo_data import generator
from services.scoring.demo_data.generator import DEFAULT_AS_OF, generate_people
from services.scoring.demo_data.organisations import DemoDataError, default_organisation_tree
from services.scoring.demo_data.person import SyntheticPerson
from services.scoring.feed.pseudonymise import age_in_years
from services.scoring.people.ethnicity import EthnicCategory
from services.scoring.people.nhs_number import check_digit, is_test_range, is_valid_nhs_number
from services.scoring.reference_data.lookup import DeprivationLookup, default_lookup

TREE = default_organisation_tree()


@pytest.fixture(scope="module")
def lookup() -> DeprivationLookup:
    return default_lookup()


@pytest.fixture(scope="module")
def people(lookup: DeprivationLookup) -> list[SyntheticPerson]:
    return list(generate_people(7, 20_000, TREE, lookup))


def test_the_global_random_guard_is_active() -> None:
    with pytest.raises(AssertionError):
        random.random()
    with pytest.raises(AssertionError):
        random.choice([1, 2])


def test_same_seed_same_people(lookup: DeprivationLookup) -> None:
    first = [asdict(p) for p in generate_people(3, 2_000, TREE, lookup)]
    again = [asdict(p) for p in generate_people(3, 2_000, TREE, lookup)]
    assert first == again


def test_different_seed_different_people(lookup: DeprivationLookup) -> None:
    a = [p.nhs_number for p in generate_people(3, 100, TREE, lookup)]
    b = [p.nhs_number for p in generate_people(4, 100, TREE, lookup)]
    assert a != b


def test_a_shorter_run_is_a_prefix_of_a_longer_one(lookup: DeprivationLookup) -> None:
    short = list(generate_people(3, 50, TREE, lookup))
    long = list(generate_people(3, 500, TREE, lookup))
    assert long[:50] == short


def test_nhs_numbers_are_valid_unique_and_in_the_test_range(
    people: list[SyntheticPerson],
) -> None:
    numbers = [p.nhs_number for p in people if p.nhs_number is not None]
    assert len(numbers) >= 0.99 * len(people)
    assert len(set(numbers)) == len(numbers)
    assert all(is_valid_nhs_number(n) and is_test_range(n) for n in numbers)


def test_fast_check_digit_matches_the_reference_implementation() -> None:
    for serial in range(0, 1_000_000, 997):
        assert generator._test_range_check_digit(serial) == check_digit(f"999{serial:06d}")


def test_numbers_stay_unique_when_the_range_runs_out(
    monkeypatch: pytest.MonkeyPatch, lookup: DeprivationLookup
) -> None:
    # Shrink the range to 1,000 bodies (999 000 000-999 000 999): 1,200 people exhaust it.
    monkeypatch.setattr(generator, "_TEST_BODIES", 1_000)
    people = list(generate_people(1, 1_200, TREE, lookup))
    numbers = [p.nhs_number for p in people if p.nhs_number is not None]
    valid_bodies = sum(check_digit(f"999{s:06d}") is not None for s in range(1_000))
    assert len(numbers) == len(set(numbers)) == valid_bodies
    assert all(n.startswith("999000") for n in numbers)


def test_deciles_spread_with_more_people_in_deprived_areas(people: list[SyntheticPerson]) -> None:
    deciles = Counter(p.imd_decile for p in people)
    for decile in range(1, 11):
        assert deciles[decile] >= 0.03 * len(people)
    assert deciles[1] > deciles[10]
    unknown = sum(p.imd_status == "unknown_postcode" for p in people) / len(people)
    assert 0.02 <= unknown <= 0.04
    found = [p for p in people if p.imd_status == "found"]
    assert all(p.imd_vintage == "IoD2019" and p.lsoa_code for p in found)


def test_adults_18_to_80_skewed_younger(people: list[SyntheticPerson]) -> None:
    ages = [age_in_years(p.birth_date, DEFAULT_AS_OF) for p in people]
    assert min(ages) == 18
    assert max(ages) == 80
    assert statistics.median(ages) < 45


def test_ethnic_categories_are_plausible(people: list[SyntheticPerson]) -> None:
    counts = Counter(p.ethnic_category for p in people)
    assert counts.most_common(1)[0][0] is EthnicCategory.WHITE_BRITISH
    assert 0.65 < counts[EthnicCategory.WHITE_BRITISH] / len(people) < 0.82
    assert counts[EthnicCategory.NOT_STATED] > 0
    assert counts[EthnicCategory.NOT_KNOWN] > 0
    assert len(counts) == len(EthnicCategory)


def test_organisations_are_consistent(people: list[SyntheticPerson]) -> None:
    for person in people[:2_000]:
        team = TREE.get(person.team_code)
        assert team.parent_code == person.trust_code
        practice = TREE.get(person.gp_practice_code)
        assert practice.parent_code == TREE.get(person.trust_code).parent_code
        assert re.fullmatch(r"[A-Z]\d{5}", person.gp_practice_code)
        assert person.local_id.startswith(person.trust_code)
    assert {p.team_code for p in people} == {t.code for t in TREE.teams}


def test_sex_and_names(people: list[SyntheticPerson]) -> None:
    sexes = Counter(p.sex.value for p in people)
    assert sexes["male"] > sexes["female"] > sexes["other"] > 0
    assert all(p.given_name and p.family_name for p in people)


def test_interpreters_have_a_language(people: list[SyntheticPerson]) -> None:
    needing = [p for p in people if p.interpreter_required]
    assert needing
    assert all(p.language for p in needing)
    assert all(p.language is None for p in people if not p.interpreter_required)


def test_streams_without_building_the_whole_list(lookup: DeprivationLookup) -> None:
    # Measured in memory, not time: a million people built up front would take hundreds
    # of megabytes; ten taken from the stream take next to nothing.
    tracemalloc.start()
    try:
        first = list(islice(generate_people(1, 1_000_000, TREE, lookup), 10))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(first) == 10
    assert peak < 20 * 1024 * 1024


def test_negative_count(lookup: DeprivationLookup) -> None:
    with pytest.raises(DemoDataError):
        list(generate_people(1, -1, TREE, lookup))


def test_as_of_moves_birth_dates(lookup: DeprivationLookup) -> None:
    later = date(2030, 4, 1)
    people = list(generate_people(5, 500, TREE, lookup, as_of=later))
    assert all(18 <= age_in_years(p.birth_date, later) <= 80 for p in people)
