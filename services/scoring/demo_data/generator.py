"""Deterministic synthetic people and HEF assessments for demos and load tests.

Nothing here is real. NHS numbers come from the range reserved for testing
(999 000 0000 - 999 999 9999, never issued; NHS Data Dictionary Modulus 11 applied,
bodies whose check digit would be 10 skipped), postcodes from the synthetic sample
directory, organisations from the fictional demo tree. Randomness comes only from
``random.Random`` instances seeded by the caller (never the module-level generator), so
the same seed always gives the same data.

Proportions are plausible, not estimates:
- age 18-80 skewed young, and ~58% male: people known to adult learning disability
  services are younger and more often male than the population (Public Health England,
  "People with learning disabilities in England" reports);
- ethnic category roughly as the 2011 census for England, with ~3.5% "not stated" (Z)
  and ~2.5% "not known" (99) so completeness reports have something to show;
- more people in deprived deciles: learning disability is more common in deprived areas
  (Emerson & Baines 2010, the HEF's source on determinants).
A person is a ``person.SyntheticPerson``; their HEF assessments come from
``assessments.generate_assessments`` and their FHIR Patient from
``fhir_patient.to_uk_core_patient``.
"""

import random
from bisect import bisect
from collections.abc import Container, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from math import gcd

from services.scoring.demo_data.organisations import (
    DemoDataError,
    Organisation,
    OrganisationKind,
    OrganisationTree,
)
from services.scoring.demo_data.person import SyntheticPerson
from services.scoring.people.ethnicity import EthnicCategory
from services.scoring.people.sex import Sex
from services.scoring.reference_data.lookup import (
    DeprivationLookup,
    DeprivationResult,
    DeprivationStatus,
)

DEFAULT_AS_OF = date(2025, 4, 1)
_TEST_BODIES = 1_000_000  # bodies 999 000 000 - 999 999 999 of the reserved test range
_UNKNOWN_POSTCODE_RATE = 0.03
_NO_NHS_NUMBER_RATE = 0.005  # a few records arrive without one (local id only)

_MALE_NAMES = str.split(
    "Adam Ahmed Aiden Ali Amir Arjun Ben Callum Daniel David Dylan Ethan Harry Hassan Isaac "
    "Jack Jacob James Jamal Kai Kofi Liam Luca Mohammed Noah Oliver Omar Reuben Ryan Samuel "
    "Thomas Tomasz Yusuf Zain"
)
_FEMALE_NAMES = str.split(
    "Aisha Amara Amelia Ava Chloe Ella Emily Erin Fatima Grace Hannah Isla Jade Jasmine Leah "
    "Lily Maryam Maya Mia Nadia Niamh Olivia Poppy Priya Ruby Sakura Sofia Sophie Zara Zofia"
)
_FAMILY_NAMES = str.split(
    "Adebayo Ahmed Ali Bailey Begum Brown Campbell Chen Clarke Davies Evans Green Hall "
    "Harris Hughes Hussain Jackson James Johnson Jones Khan Kowalski Lewis Martin Mensah "
    "Morgan Murphy Nowak Okafor Patel Roberts Robinson Shah Singh Smith Taylor Thomas "
    "Thompson Walker White Williams Wilson Wood Wright Young"
)

# (category, relative weight): roughly England 2011 census, plus Z and 99 for completeness.
_ETHNICITY_WEIGHTS = (
    (EthnicCategory.WHITE_BRITISH, 740),
    (EthnicCategory.WHITE_IRISH, 9),
    (EthnicCategory.WHITE_OTHER, 45),
    (EthnicCategory.MIXED_WHITE_BLACK_CARIBBEAN, 8),
    (EthnicCategory.MIXED_WHITE_BLACK_AFRICAN, 3),
    (EthnicCategory.MIXED_WHITE_ASIAN, 6),
    (EthnicCategory.MIXED_OTHER, 5),
    (EthnicCategory.ASIAN_INDIAN, 25),
    (EthnicCategory.ASIAN_PAKISTANI, 20),
    (EthnicCategory.ASIAN_BANGLADESHI, 8),
    (EthnicCategory.ASIAN_OTHER, 15),
    (EthnicCategory.BLACK_CARIBBEAN, 11),
    (EthnicCategory.BLACK_AFRICAN, 18),
    (EthnicCategory.BLACK_OTHER, 5),
    (EthnicCategory.CHINESE, 7),
    (EthnicCategory.OTHER, 10),
    (EthnicCategory.NOT_STATED, 35),
    (EthnicCategory.NOT_KNOWN, 25),
)
_ETHNICITIES = [c for c, _ in _ETHNICITY_WEIGHTS]
_ETHNICITY_CUMULATIVE = list(accumulate(w for _, w in _ETHNICITY_WEIGHTS))

# Languages (BCP-47) for people who need an interpreter, by category; BSL ("bfi") otherwise.
_SIGN_LANGUAGE = ("bfi",)
_LANGUAGES = {
    EthnicCategory.WHITE_OTHER: ("pl", "ro", "lt"),
    EthnicCategory.ASIAN_INDIAN: ("pa", "gu"),
    EthnicCategory.ASIAN_PAKISTANI: ("ur", "pa"),
    EthnicCategory.ASIAN_BANGLADESHI: ("bn", "syl"),
    EthnicCategory.ASIAN_OTHER: ("ta", "ps"),
    EthnicCategory.BLACK_AFRICAN: ("so", "ti"),
    EthnicCategory.CHINESE: ("yue", "zh"),
    EthnicCategory.OTHER: ("ar", "ku"),
}


# (postcode, LSOA, IMD decile, IMD vintage, status value): resolved once per run, as a
# plain tuple because attribute and enum access per person is measurable at 1m people.
_Place = tuple[str, str | None, int | None, str | None, str]


def _as_place(result: DeprivationResult) -> _Place:
    return (
        result.postcode_normalised or "",
        result.lsoa_code,
        result.imd_decile,
        result.imd_vintage,
        result.status.value,
    )


@dataclass(frozen=True, slots=True)
class _TrustPlan:
    trust: Organisation
    teams: tuple[str, ...]
    practices: tuple[str, ...]
    places: tuple[_Place, ...]  # resolved postcodes people here may live at
    cumulative: tuple[float, ...]


def _place_weight(result: DeprivationResult) -> float:
    if result.imd_decile is None:
        return 0.3
    weight = 1.6 - 0.1 * result.imd_decile  # decile 1: 1.5, decile 10: 0.6
    return weight * (0.3 if result.status is DeprivationStatus.TERMINATED_POSTCODE else 1.0)


def _trust_plans(tree: OrganisationTree, lookup: DeprivationLookup) -> list[_TrustPlan]:
    """Split the directory's postcode districts between trusts, so each trust has a patch."""
    trusts = [t for t in tree.trusts if tree.children(t.code, OrganisationKind.TEAM)]
    if not trusts:
        raise DemoDataError("the organisation tree has no trust with a team")
    postcodes = sorted(lookup.postcodes)
    if not postcodes:
        raise DemoDataError("the deprivation lookup has no postcodes")
    districts = sorted({p.split(" ")[0] for p in postcodes})
    share = {d: i * len(trusts) // len(districts) for i, d in enumerate(districts)}
    plans = []
    for number, trust in enumerate(trusts):
        places = tuple(
            lookup.for_postcode(p) for p in postcodes if share[p.split(" ")[0]] == number
        ) or tuple(lookup.for_postcode(p) for p in postcodes)
        icb = trust.parent_code
        practices = tuple(p.code for p in tree.practices if p.parent_code == icb)
        if not practices:
            raise DemoDataError(f"no GP practice in {trust.code}'s ICB {icb}")
        teams = tuple(t.code for t in tree.children(trust.code, OrganisationKind.TEAM))
        cumulative = tuple(accumulate(_place_weight(p) for p in places))
        plans.append(_TrustPlan(trust, teams, practices, tuple(map(_as_place, places)), cumulative))
    return plans


def _weighted_digit_sums(weights: tuple[int, int, int]) -> tuple[int, ...]:
    return tuple(
        a * weights[0] + b * weights[1] + c * weights[2]
        for a in range(10)
        for b in range(10)
        for c in range(10)
    )


# Modulus 11 (NHS Data Dictionary) for bodies 999 xxx xxx, by table: the 999 prefix
# contributes 9*10 + 9*9 + 9*8, and each 3-digit half of the serial its weighted sum.
# Equivalent to ``nhs_number.check_digit`` (a unit test compares them) but ~10x faster,
# which matters when streaming a million people.
_PREFIX_SUM = 9 * 10 + 9 * 9 + 9 * 8
_HIGH_SUMS = _weighted_digit_sums((7, 6, 5))
_LOW_SUMS = _weighted_digit_sums((4, 3, 2))


def _test_range_check_digit(serial: int) -> int | None:
    """Check digit of body ``999`` + ``serial`` (6 digits); None when it would be 10."""
    check = 11 - (_PREFIX_SUM + _HIGH_SUMS[serial // 1000] + _LOW_SUMS[serial % 1000]) % 11
    return None if check == 10 else check % 11


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def _unknown_postcode(rng: random.Random, known: Container[str]) -> str:
    # Districts ZZ12-ZZ19 are not in the sample directory (nor in any real one).
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    while True:
        postcode = (
            f"ZZ{rng.randint(12, 19)} {rng.randrange(10)}"
            f"{letters[rng.randrange(20)]}{letters[rng.randrange(20)]}"
        )
        if postcode not in known:
            return postcode


def generate_people(
    seed: int,
    count: int,
    tree: OrganisationTree,
    lookup: DeprivationLookup,
    *,
    as_of: date = DEFAULT_AS_OF,
) -> Iterator[SyntheticPerson]:
    """Stream ``count`` synthetic people (constant memory; the same seed, the same people).

    NHS numbers are unique within a seed: the 1,000,000 bodies of the test range are
    visited in a seeded affine permutation and bodies with check digit 10 skipped, which
    leaves 909,091 valid numbers. Beyond those (only in runs near a million), people are
    generated without an NHS number, as some real records are.
    """
    if count < 0:
        raise DemoDataError("count must be zero or more")
    rng = random.Random(seed)
    plans = _trust_plans(tree, lookup)
    plan_weights = list(accumulate(len(p.teams) for p in plans))
    multiplier = rng.randrange(1, _TEST_BODIES)
    while gcd(multiplier, _TEST_BODIES) != 1:  # coprime, so the permutation is a bijection
        multiplier = rng.randrange(1, _TEST_BODIES)
    offset = rng.randrange(_TEST_BODIES)
    step = 0
    # Ages 18-80 on ``as_of``: (first possible birth day as an ordinal, days in that span).
    birth_spans = []
    for age in range(18, 81):
        earliest = _years_before(as_of, age + 1).toordinal() + 1
        birth_spans.append((earliest, _years_before(as_of, age).toordinal() - earliest + 1))
    random_ = rng.random
    for index in range(count):
        nhs_number: str | None = None
        if random_() >= _NO_NHS_NUMBER_RATE:
            while step < _TEST_BODIES:
                serial = (multiplier * step + offset) % _TEST_BODIES
                step += 1
                check = _test_range_check_digit(serial)
                if check is not None:
                    nhs_number = f"999{serial:06d}{check}"
                    break
        plan = plans[bisect(plan_weights, random_() * plan_weights[-1])]
        if random_() < _UNKNOWN_POSTCODE_RATE:
            place = _as_place(lookup.for_postcode(_unknown_postcode(rng, lookup.postcodes)))
        else:
            place = plan.places[bisect(plan.cumulative, random_() * plan.cumulative[-1])]
        roll = random_()
        sex = (
            Sex.MALE
            if roll < 0.585
            else Sex.FEMALE
            if roll < 0.985
            else Sex.OTHER
            if roll < 0.993
            else Sex.UNKNOWN
        )
        names = _MALE_NAMES if sex is Sex.MALE else _FEMALE_NAMES
        if sex in (Sex.OTHER, Sex.UNKNOWN):
            names = _MALE_NAMES if random_() < 0.5 else _FEMALE_NAMES
        # Age 18-80, more young adults than old.
        earliest, span = birth_spans[int(63 * random_() ** 1.7)]
        birth_date = date.fromordinal(earliest + int(random_() * span))
        ethnicity = _ETHNICITIES[
            bisect(_ETHNICITY_CUMULATIVE, random_() * _ETHNICITY_CUMULATIVE[-1])
        ]
        languages = _LANGUAGES.get(ethnicity, _SIGN_LANGUAGE)
        needs = random_() < (0.01 if languages is _SIGN_LANGUAGE else 0.15)
        language = languages[int(random_() * len(languages))] if needs else None
        yield SyntheticPerson(
            index=index,
            nhs_number=nhs_number,
            nhs_number_verification="02" if random_() < 0.03 else "01",
            local_id=f"{plan.trust.code}{index + 1:07d}",
            given_name=names[int(random_() * len(names))],
            family_name=_FAMILY_NAMES[int(random_() * len(_FAMILY_NAMES))],
            birth_date=birth_date,
            sex=sex,
            ethnic_category=ethnicity,
            postcode=place[0],
            lsoa_code=place[1],
            imd_decile=place[2],
            imd_vintage=place[3],
            imd_status=place[4],
            gp_practice_code=plan.practices[int(random_() * len(plan.practices))],
            trust_code=plan.trust.code,
            team_code=plan.teams[int(random_() * len(plan.teams))],
            interpreter_required=needs,
            language=language,
        )
