"""Which parts of the measures table a filter needs: every part that may hold a matching
row, and none that cannot; and a filter's decision on what is known of a row never
contradicts the row's own test."""

from dataclasses import fields
from datetime import date

import pytest

from services.aggregation.bi.filter import parse_filter
from services.aggregation.bi.plan import Cells, Part, needed, needs_cells, parts_at
from services.aggregation.hierarchy.rules import Level
from services.aggregation.metrics.query import Breakdown, Period
from services.aggregation.tests.unit.bi_rows import suppressed_row, tidy_row
from services.aggregation.tests.unit.test_bi_filter import ROWS

ICB_PARTS = parts_at([Level.trust, Level.icb])  # an ICB's own level and the one below
Q1, Q2, YEAR = date(2026, 4, 1), date(2026, 7, 1), date(2026, 4, 1)
CELLS: Cells = {
    (Level.trust, Period.quarter): {("EQA", Q1), ("EQB", Q2), ("(unplaced)", Q1)},
    (Level.trust, Period.financial_year): {("EQA", YEAR), ("EQB", YEAR), ("(unplaced)", YEAR)},
    (Level.icb, Period.quarter): {("QEQ", Q1), ("QEQ", Q2)},
    (Level.icb, Period.financial_year): {("QEQ", YEAR)},
}


def _needed(text: str | None, cells: Cells | None = CELLS) -> set[tuple[str, str, str]]:
    condition = None if text is None else parse_filter(text)
    return {
        (p.level.value, p.period.value, "+".join(b.value for b in p.by) or "all")
        for p in needed(ICB_PARTS, condition, cells if needs_cells(condition) else None)
    }


def test_the_table_has_24_parts_for_an_icb_and_no_filter_needs_them_all() -> None:
    assert len(ICB_PARTS) == 24
    assert len(_needed(None)) == 24
    assert len(_needed("measure eq 'people'")) == 24  # every part has people


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("organisation_level eq 'trust' and period_type eq 'quarter'", 6),
        ("breakdown eq 'all'", 4),
        ("breakdown eq 'ethnic_group x imd_quintile'", 4),
        ("breakdown_value eq 'all'", 24),  # other parts: it depends on their groups
        ("not (period_type eq 'quarter')", 12),
        ("instrument eq 'board-self-assessment'", 0),
        ("organisation_level in ('team', 'region')", 0),
        ("startswith(breakdown, 'ethnic')", 8),
        ("organisation_level eq 'icb' or measure eq 'people'", 24),
        ("organisation_level eq 'icb' and breakdown eq 'sex' and measure eq 'people'", 2),
    ],
)
def test_the_columns_a_part_fixes_decide(text: str, expected: int) -> None:
    assert len(_needed(text)) == expected


def test_a_filter_on_organisation_or_period_asks_for_the_cells() -> None:
    assert needs_cells(parse_filter("organisation_code eq 'EQA'"))
    assert needs_cells(parse_filter("not (period_end lt 2026-01-01)"))
    assert not needs_cells(parse_filter("breakdown eq 'all' and suppressed eq false"))
    assert not needs_cells(None)


def test_the_cells_decide_organisation_and_period() -> None:
    # EQA is a trust: the ICB's parts cannot hold it.
    assert {level for level, _, _ in _needed("organisation_code eq 'EQA'")} == {"trust"}
    assert len(_needed("organisation_code eq 'EQA'")) == 12
    assert len(_needed("organisation_code in ('EQA', 'QEQ')")) == 24
    assert _needed("organisation_code eq 'NOWHERE'") == set()
    # No period starts in 2099: nothing to build (the authorisation matrix asks this).
    assert _needed("period_start ge 2099-01-01") == set()
    # Quarter labels are not financial years' labels, and the reverse.
    assert {p for _, p, _ in _needed("period eq '2026/27 Q2'")} == {"quarter"}
    assert {p for _, p, _ in _needed("period eq '2026/27'")} == {"financial_year"}
    # Q2 of 2026/27 only at trust level for EQB: not EQA's cells.
    both = "organisation_code eq 'EQA' and period_start eq 2026-07-01"
    assert _needed(both) == set()
    assert len(_needed("period_end eq 2027-03-31 and organisation_level eq 'trust'")) == 6
    # A part with no cells at all has no rows.
    empty: Cells = {key: set() for key in CELLS}
    assert _needed("organisation_code ne 'EQA'", empty) == set()


def test_without_cells_organisation_and_period_filters_keep_every_part() -> None:
    assert len(_needed("organisation_code eq 'EQA'", None)) == 24


def test_a_part_knows_its_columns() -> None:
    part = Part(Level.trust, Period.quarter, (Breakdown.ethnic_group, Breakdown.imd_quintile))
    assert part.known() == {
        "organisation_level": "trust",
        "period_type": "quarter",
        "instrument": "hef",
        "breakdown": "ethnic_group x imd_quintile",
    }
    assert Part(Level.icb, Period.financial_year, ()).known()["breakdown_value"] == "all"
    assert part.query().by == part.by
    assert part.query().level is Level.trust


FILTERS = [
    "organisation_code eq 'EQA'",
    "organisation_code ne 'EQA' and period_start ge 2026-04-01",
    "not (organisation_code eq 'EQB' or suppressed eq true)",
    "startswith(period, '2026') and not endswith(breakdown, 'x')",
    "contains(breakdown_value, 'asian') or measure in ('people', 'x')",
    "period_end le 2026-06-30 or breakdown_value gt '1'",
]
ROWS_TO_DECIDE = [*ROWS, tidy_row(), suppressed_row(organisation_code="EQB")]


@pytest.mark.parametrize("text", FILTERS)
@pytest.mark.parametrize("known_columns", [1, 4, 8, 16])
def test_a_decision_never_contradicts_the_row(text: str, known_columns: int) -> None:
    condition = parse_filter(text)
    names = [f.name for f in fields(ROWS[0])]
    for row in ROWS_TO_DECIDE:
        for shift in range(len(names)):
            chosen = (names[shift:] + names[:shift])[:known_columns]
            decision = condition.decide({n: getattr(row, n) for n in chosen})
            assert decision is None or decision == condition(row)
        # Everything known: always decided, as the row's own test.
        assert condition.decide({n: getattr(row, n) for n in names}) == condition(row)
