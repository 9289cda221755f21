"""The rollups' arithmetic (decision 0034): deltas applied one change at a time end where a
count straight from the final facts does; distinct people stay distinct; the placement
check refuses every mapping that would not be exact."""

import statistics
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.aggregation.feed import rollups
from services.aggregation.feed.rollups import (
    EXACT,
    RollupFact,
    Totals,
    cell_deltas,
    cells_of,
    contributions,
    mean_and_sd,
    placement_deltas,
    placement_of,
)
from services.aggregation.hierarchy.rules import Level
from services.aggregation.metrics.query import Breakdown, MetricQuery, Period
from services.aggregation.metrics.rollup import Shape, rollup_shape, unit_map


def fact(person: str, key: str, day: date, team: str = "T1", score: float | None = 10.0,
         quintile: int | None = 3, trust: str = "R1", icb: str | None = "Q1") -> RollupFact:  # fmt: skip
    quarter = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    year = day.year if day.month >= 4 else day.year - 1
    return RollupFact(person, key, "hef", team, trust, icb, day, day.replace(day=1), quarter,
                      year, quintile, score)  # fmt: skip


def test_a_person_assessed_twice_in_a_quarter_is_one_person_there_and_in_each_month() -> None:
    cells = contributions(
        [fact("p1", "a", date(2026, 4, 2), score=4), fact("p1", "b", date(2026, 5, 2), score=6)]
    )
    quarter = ("hef", "trust", "R1", "quarter", date(2026, 4, 1), "none", "")
    assert cells[quarter] == Totals(1, 2, 2, Decimal(10), Decimal(52))
    april = ("hef", "trust", "R1", "month", date(2026, 4, 1), "none", "")
    assert (cells[april].people, cells[april].assessments) == (1, 1)
    everyone = ("hef", "all", "", "financial_year", date(2026, 4, 1), "imd_quintile", "3")
    assert cells[everyone].people == 1


def test_deleting_one_of_two_facts_in_a_cell_keeps_the_person_there() -> None:
    a, b = fact("p1", "a", date(2026, 4, 2)), fact("p1", "b", date(2026, 4, 20))
    deltas = cell_deltas([a, b], [a])
    april = ("hef", "team", "T1", "month", date(2026, 4, 1), "none", "")
    assert deltas[april] == Totals(0, -1, -1, Decimal(-10), Decimal(-100))
    # Deleting the last one takes them out.
    assert cell_deltas([a], [])[april].people == -1


def test_an_amendment_moving_the_date_moves_the_person_between_periods() -> None:
    old, new = fact("p1", "a", date(2026, 6, 30)), fact("p1", "a", date(2026, 7, 1))
    deltas = cell_deltas([old], [new])
    assert deltas[("hef", "icb", "Q1", "quarter", date(2026, 4, 1), "none", "")].people == -1
    assert deltas[("hef", "icb", "Q1", "quarter", date(2026, 7, 1), "none", "")].people == 1
    # Unchanged financial year: nothing to write there.
    assert ("hef", "icb", "Q1", "financial_year", date(2026, 4, 1), "none", "") not in deltas


def test_placements_count_facts_and_widen_dates() -> None:
    a, b = fact("p1", "a", date(2026, 4, 2)), fact("p2", "b", date(2026, 9, 2), icb=None)
    changes = placement_deltas([a], [b])
    assert changes[placement_of(a)].facts == -1
    assert changes[("hef", "T1", "R1", "")].facts == 1
    assert changes[("hef", "T1", "R1", "")].first_day == date(2026, 9, 2)


# Random histories: a few people, facts added, amended (date, team, score, quintile moved)
# and deleted one change at a time, deltas summed as the consumer writes them.
_days = st.integers(0, 500).map(lambda n: date(2025, 1, 1) + timedelta(days=n))
_facts = st.builds(
    lambda p, k, d, t, s, q: fact(f"p{p}", f"a{k}", d, f"T{t}", s, q),
    st.integers(0, 3), st.integers(0, 7), _days, st.integers(0, 2),
    st.one_of(st.none(), st.integers(0, 87).map(float), st.floats(0, 87, allow_nan=False)),
    st.one_of(st.none(), st.integers(1, 5)),
)  # fmt: skip
_steps = st.lists(st.tuples(st.booleans(), _facts), max_size=25)


@settings(max_examples=60, deadline=None)
@given(_steps)
def test_deltas_one_change_at_a_time_equal_a_count_from_the_final_facts(
    steps: list[tuple[bool, RollupFact]],
) -> None:
    store: dict[str, RollupFact] = {}
    cells: dict[tuple[object, ...], Totals] = {}
    for delete, f in steps:
        person_keys = {f.person_key}
        if f.assessment_key in store:
            person_keys.add(store[f.assessment_key].person_key)
        before = [x for x in store.values() if x.person_key in person_keys]
        if delete:
            store.pop(f.assessment_key, None)
        else:
            store[f.assessment_key] = f
        after = [x for x in store.values() if x.person_key in person_keys]
        for key, d in cell_deltas(before, after).items():
            t = cells.setdefault(key, Totals())
            t.people += d.people
            t.assessments += d.assessments
            t.scored += d.scored
            t.score_sum = EXACT.add(t.score_sum, d.score_sum)
            t.score_squares = EXACT.add(t.score_squares, d.score_squares)
    kept = {k: t for k, t in cells.items() if t.assessments}
    # Independently: each cell's people and assessments straight from the final facts.
    expected: dict[tuple[object, ...], tuple[int, int]] = {}
    for key in {k for f in store.values() for k in cells_of(f)}:
        members = [f for f in store.values() if key in cells_of(f)]
        expected[key] = (len({f.person_key for f in members}), len(members))
    assert {k: (t.people, t.assessments) for k, t in kept.items()} == expected
    assert all(t.people == 0 and t.scored == 0 and not t.score_sum
               for k, t in cells.items() if not t.assessments)  # fmt: skip
    assert kept == contributions(store.values())


def test_mean_and_sd_from_exact_sums() -> None:
    values = [3.0, 7.5, 11.25, 0.0, 42.0]
    s = sum((Decimal(str(v)) for v in values), Decimal(0))
    ss = sum((Decimal(str(v)) ** 2 for v in values), Decimal(0))
    mean, sd = mean_and_sd(len(values), s, ss)
    assert mean == statistics.fmean(values)
    assert abs((sd or 0) - statistics.stdev(values)) < 1e-12
    assert mean_and_sd(1, Decimal(4), Decimal(16)) == (4.0, None)
    assert mean_and_sd(0, Decimal(0), Decimal(0)) == (None, None)


def test_which_queries_a_rollup_can_answer() -> None:
    base = MetricQuery(level=Level.trust, by=(Breakdown.imd_quintile,))
    assert rollup_shape(base) == Shape("trust", "quarter", "imd_quintile")
    month = MetricQuery(level=Level.region, period=Period.month)
    assert rollup_shape(month) == Shape("all", "month", "none")
    aligned = MetricQuery(level=Level.team, start=date(2026, 4, 1), end=date(2026, 9, 30))
    assert rollup_shape(aligned) == Shape("team", "quarter", "none")
    for refused in (
        MetricQuery(level=Level.trust, by=(Breakdown.sex,)),
        MetricQuery(level=Level.trust, by=(Breakdown.imd_quintile, Breakdown.sex)),
        MetricQuery(level=Level.trust, determinant="social"),
        MetricQuery(level=Level.trust, variant="standard"),
        MetricQuery(level=Level.trust, episode_type="review"),
        MetricQuery(level=Level.trust, score="moderate_or_high"),
        MetricQuery(level=Level.trust, start=date(2026, 4, 2)),
        MetricQuery(level=Level.trust, end=date(2026, 9, 29)),
        MetricQuery(level=Level.trust, period=Period.financial_year, start=date(2026, 1, 1)),
    ):
        assert rollup_shape(refused) is None, refused


def test_the_unit_map_is_one_to_one_or_nothing() -> None:
    assert unit_map([("R1", "Q1", True), ("R2", "Q2", True), ("R3", "Q3", False)]) == {
        "R1": "Q1",
        "R2": "Q2",
    }
    # A trust under two ICBs over its dates, or partly in scope: not exact.
    assert unit_map([("R1", "Q1", True), ("R1", "Q2", True)]) is None
    assert unit_map([("R1", "Q1", True), ("R1", "Q1", False)]) is None
    # Two grain units under one unit: a person in both would count twice.
    assert unit_map([("R1", "Q1", True), ("R2", "Q1", True)]) is None
    # Unplaced is a unit of its own.
    assert unit_map([("R1", None, True)]) == {"R1": "(unplaced)"}


def test_a_facts_cells_are_every_grain_period_and_breakdown() -> None:
    cells = cells_of(fact("p1", "a", date(2027, 2, 14), quintile=None, icb=None))
    assert len(cells) == len(set(cells)) == 24
    assert ("hef", "team", "T1", "month", date(2027, 2, 1), "none", "") in cells
    assert ("hef", "trust", "R1", "quarter", date(2027, 1, 1), "imd_quintile", "unknown") in cells
    assert ("hef", "icb", "", "financial_year", date(2026, 4, 1), "none", "") in cells
    assert ("hef", "all", "", "month", date(2027, 2, 1), "imd_quintile", "unknown") in cells


def test_many_people_making_the_same_move_count_each() -> None:
    # Twenty new people in one cell, one of two people leaving another: distinct counts.
    new = [fact(f"n{i}", f"k{i}", date(2026, 4, 2)) for i in range(20)]
    stays, leaves = fact("s", "x", date(2026, 8, 2)), fact("l", "y", date(2026, 8, 3))
    deltas = cell_deltas([stays, leaves], [stays, *new])
    assert deltas[("hef", "all", "", "month", date(2026, 4, 1), "none", "")].people == 20
    august = deltas[("hef", "team", "T1", "month", date(2026, 8, 1), "none", "")]
    assert (august.people, august.assessments) == (-1, -1)
    year = deltas[("hef", "trust", "R1", "financial_year", date(2026, 4, 1), "none", "")]
    assert (year.people, year.assessments, year.scored, year.score_sum) == (
        19,
        19,
        19,
        Decimal(190),
    )


def test_deltas_are_the_same_after_the_cell_numbers_are_forgotten() -> None:
    a, b = fact("p1", "a", date(2026, 4, 2)), fact("p1", "b", date(2026, 9, 2), quintile=None)
    first = cell_deltas([a], [a, b])
    rollups._NUMBERS.LIMIT = 0  # every call now starts from no numbers
    try:
        assert cell_deltas([a], [a, b]) == first
        assert cell_deltas([a, b], [b]) == {k: Totals(-t.people, -t.assessments, -t.scored,
                                                      -t.score_sum, -t.score_squares)
                                            for k, t in cell_deltas([b], [a, b]).items()}  # fmt: skip
    finally:
        rollups._NUMBERS.LIMIT = rollups._CellNumbers.LIMIT
