"""Suppression of whole tables: the rules cell by cell, and property tests that no hidden cell
can be worked out from every shown total and margin, of 1-, 2- and 3-way tables and of parent
tables stacked over their children."""

import importlib
import itertools
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.aggregation.disclosure import Status, Table, protect, stack
from services.aggregation.statistics import suppress_count
from services.aggregation.tests.unit.disclosure import attacker

PROPERTY = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

# Small numbers often, as LD caseloads split by ethnicity and deprivation have them.
counts_strategy = st.one_of(st.just(0), st.integers(1, 7), st.integers(8, 30), st.integers(31, 200))


@st.composite
def tables(draw: st.DrawFn, max_dimensions: int = 3) -> Table:
    width = draw(st.integers(1, max_dimensions))
    sizes = [draw(st.integers(2, 3 if width == 3 else 4)) for _ in range(width)]
    categories = [[f"d{d}c{c}" for c in range(size)] for d, size in enumerate(sizes)]
    counts = {key: draw(counts_strategy) for key in itertools.product(*categories)}
    return Table.from_counts(
        [f"d{d}" for d in range(width)],
        counts,
        categories={f"d{d}": values for d, values in enumerate(categories)},
    )


def assert_nothing_can_be_worked_out(table: Table, threshold: int) -> None:
    protected = protect(table, threshold=threshold)
    cells = attacker.all_cells(table.categories, dict(table.counts))
    assert set(cells) == set(protected.cells)
    shown, small, protecting, unknown = set(), set(), set(), set()
    for key, value in cells.items():
        cell = protected.cell(key)
        assert cell.count == value
        if cell.status is Status.TOO_FINE:
            assert value > 0
            unknown.add(key)
        elif 1 <= value < threshold:
            assert cell.status is Status.PRIMARY  # every small number hidden, margins too
            small.add(key)
        elif cell.status is Status.SECONDARY:
            assert value >= threshold  # only shown, non-zero counts hide to protect another
            protecting.add(key)
        else:
            assert cell.shown == suppress_count(value, threshold)
            shown.add(key)
    for total, parts in attacker.equations(table.categories, cells):
        if total in shown:
            # Under a shown total, what is hidden never adds up to a small number.
            hidden_sum = sum(cells[part] for part in parts if part not in shown)
            assert hidden_sum == 0 or hidden_sum >= threshold, (total, hidden_sum)
    for key, (lowest, highest) in attacker.ranges(
        table.categories, cells, shown, small, protecting, threshold, frozenset(unknown)
    ).items():
        assert lowest < highest, f"{key} (count {cells[key]}) can be worked out: {lowest}"


@PROPERTY
@given(table=tables(), threshold=st.sampled_from([8, 6]))
def test_no_hidden_cell_follows_from_the_totals_and_margins(table: Table, threshold: int) -> None:
    assert_nothing_can_be_worked_out(table, threshold)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(table=tables())
def test_a_table_too_fine_to_protect_is_withheld_whole(table: Table) -> None:
    audit = importlib.import_module("services.aggregation.disclosure.audit")
    protect_module = importlib.import_module("services.aggregation.disclosure.protect")
    # The first integer program is one too many.
    with mock.patch.object(audit, "MAX_SEARCHES", 0):
        protect_module._statuses.cache_clear()
        result = protect(table)
        assert_nothing_can_be_worked_out(table, 8)
    protect_module._statuses.cache_clear()
    if any(cell.status is Status.TOO_FINE for cell in result.cells.values()):
        assert {cell.status for cell in result.cells.values()} <= {Status.TOO_FINE, Status.ZERO}
        assert result.cell((None,) * len(table.dimensions)).reason == (
            "not shown: this breakdown splits too few people too finely to protect each "
            "figure; ask for fewer breakdowns or a larger unit"
        )


@st.composite
def families(draw: st.DrawFn) -> Table:
    """A parent's table over its children: a stack whose margin over the children is the parent."""
    width = draw(st.integers(1, 2))
    sizes = [draw(st.integers(2, 3)) for _ in range(width)]
    categories = [[f"d{d}c{c}" for c in range(size)] for d, size in enumerate(sizes)]
    children = {}
    for child in range(draw(st.integers(2, 3))):
        counts = {key: draw(counts_strategy) for key in itertools.product(*categories)}
        children[f"team{child}"] = Table.from_counts(
            [f"d{d}" for d in range(width)],
            counts,
            categories={f"d{d}": values for d, values in enumerate(categories)},
        )
    return stack(children, "team")


@PROPERTY
@given(table=families())
def test_no_child_cell_follows_from_the_parent_minus_its_siblings(table: Table) -> None:
    assert_nothing_can_be_worked_out(table, 8)


@settings(max_examples=6, deadline=None, derandomize=True)
@given(data=st.data())
def test_a_three_way_breakdown_stacked_under_its_parent(data: Any) -> None:
    categories = [["a", "b"], [1, 2], ["f", "m"]]
    children = {
        team: Table.from_counts(
            ["ethnic", "imd", "sex"],
            {key: data.draw(counts_strategy) for key in itertools.product(*categories)},
            categories=dict(zip(["ethnic", "imd", "sex"], categories, strict=True)),
        )
        for team in ("t1", "t2")
    }
    assert_nothing_can_be_worked_out(stack(children, "team"), 8)


@st.composite
def regions(draw: st.DrawFn) -> Table:
    """Teams within trusts within an ICB: a stack of stacks (a team is in one trust only, so
    the other trusts' columns for it are zeros everyone knows)."""
    sizes = draw(st.integers(2, 3))
    categories = [f"c{c}" for c in range(sizes)]
    trusts = {}
    for trust in range(2):
        teams = {}
        for team in range(draw(st.integers(1, 2))):
            counts = {(c,): draw(counts_strategy) for c in categories}
            teams[f"t{trust}team{team}"] = Table.from_counts(
                ["d0"], counts, categories={"d0": categories}
            )
        trusts[f"trust{trust}"] = stack(teams, "team")
    return stack(trusts, "trust")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(table=regions())
def test_no_team_cell_follows_from_its_trust_or_icb(table: Table) -> None:
    assert_nothing_can_be_worked_out(table, 8)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(data=st.data())
def test_the_same_table_is_always_protected_the_same_way(data: Any) -> None:
    table = data.draw(tables())
    shuffled = data.draw(st.permutations(list(table.counts.items())))
    again = Table(table.dimensions, table.categories, dict(shuffled))
    first = protect(table).cells
    # Worked out afresh, not recalled: the choices themselves are deterministic.
    importlib.import_module("services.aggregation.disclosure.protect")._statuses.cache_clear()
    assert protect(again).cells == first


def one_way(*counts: int) -> Table:
    return Table.from_counts(["group"], {(f"g{i}",): c for i, c in enumerate(counts)})


def statuses(table: Table) -> dict[Any, str]:
    return {key: cell.status.value for key, cell in protect(table).cells.items()}


def test_a_lone_small_cell_takes_the_next_smallest_with_it() -> None:
    assert statuses(one_way(3, 40, 12, 100)) == {
        ("g0",): "primary",
        ("g1",): "rounded",
        ("g2",): "secondary",
        ("g3",): "rounded",
        (None,): "rounded",
    }


def test_small_cells_adding_up_to_a_small_number_hide_one_more() -> None:
    # 1 + 2 under a shown total would show a group of 3.
    result = statuses(one_way(1, 2, 50, 100))
    assert [result[(f"g{i}",)] for i in range(4)] == ["primary", "primary", "secondary", "rounded"]


def test_two_sevens_under_a_shown_fourteen_hide_the_total() -> None:
    result = protect(one_way(7, 7))
    assert result.cell((None,)).status is Status.SECONDARY
    assert result.cell((None,)).reason == (
        "hidden so that a number below 8 cannot be worked out from the totals"
    )


def test_zero_stays_zero_and_shown_counts_are_rounded() -> None:
    result = protect(one_way(0, 57, 16))
    assert [result.shown((f"g{i}",)) for i in range(3)] == [0, 55, 15]
    assert result.shown((None,)) == 75


def test_a_small_total_is_hidden_and_says_why() -> None:
    result = protect(one_way(3, 0, 2), unit="assessments")
    assert result.cell((None,)).status is Status.PRIMARY
    assert result.cell((None,)).reason == "fewer than 8 assessments"


def test_derived_figures_are_withheld_with_their_counts() -> None:
    table = Table.from_counts(
        ["band", "imd"],
        {
            ("high", 1): 177,
            ("low", 1): 3,
            ("high", 2): 40,
            ("low", 2): 30,
            ("high", 3): 50,
            ("low", 3): 60,
        },
    )
    result = protect(table)
    assert result.withheld(("low", 1)) == "withheld: fewer than 8 people"
    # 177 of 180 would show the 3 others: hidden with them, and so is the percentage.
    assert result.cell(("high", 1)).status is Status.SECONDARY
    assert result.proportion_withheld(("high", 1), (None, 1)) is not None
    assert result.withheld(("high", 3), (None, 3)) is None
    assert result.proportion_withheld(("high", 3), (None, 3)) is None
    assert result.proportion_withheld((None, 3), (None, None)) is None


def test_sii_is_refused_when_a_quantile_is_hidden_or_empty() -> None:
    table = Table.from_counts(
        ["imd", "event"],
        {(q, e): 20 for q in range(1, 6) for e in ("yes", "no")} | {(5, "yes"): 0},
    )
    result = protect(table)
    populations = [(q, None) for q in range(1, 6)]
    assert result.sii_withheld([(q, "yes") for q in range(1, 5)], populations) is None
    assert "no one" in (result.sii_withheld([(q, "yes") for q in range(1, 6)], populations) or "")


def test_stacking_children_makes_the_parent_the_margin() -> None:
    first = Table.from_counts(["imd"], {(1,): 10, (2,): 3})
    second = Table.from_counts(["imd"], {(2,): 20, (3,): 5})
    family = stack({"A": first, "B": second}, "team")
    assert family.dimensions == ("team", "imd")
    assert family.categories == (("A", "B"), (1, 2, 3))
    values = family.values()
    assert values[(None, 2)] == 23
    assert values[("A", 3)] == 0
    assert values[(None, None)] == 38


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Table(("a",), (("x", "x"),), {}), "lists a category twice"),
        (lambda: Table(("a",), (("x",),), {("y",): 1}), "not a category"),
        (lambda: Table(("a",), (("x",),), {("x",): -1}), "zero or more"),
        (lambda: Table(("a",), (("x",),), {("x",): 1.5}), "whole number"),
        (lambda: Table(("a", "a"), (("x",), ("y",)), {}), "named once"),
        (lambda: protect(one_way(1), threshold=0), "threshold"),
    ],
)
def test_bad_tables_are_refused(build: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_a_breakdown_nobody_is_in_is_its_zero_margins() -> None:
    # A dataset with no rows yet has no categories to break down by: zeros, not an error.
    empty = protect(
        Table.from_counts(["period", "group"], {}, categories={"period": ["before", "after"]})
    )
    assert {key: cell.shown for key, cell in empty.cells.items()} == {
        ("before", None): 0,
        ("after", None): 0,
        (None, None): 0,
    }
    assert empty.withheld(("before", None)) is None
