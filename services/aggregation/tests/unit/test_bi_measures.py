"""A metrics summary reshaped into tidy rows: one row per measure, suppression carried over,
periods with their last day, two-way breakdowns joined in order."""

from datetime import date

from services.aggregation.access.scope import Basis, ReaderScope
from services.aggregation.bi.measures import levels_for, period_end, tidy_rows_of
from services.aggregation.hierarchy.rules import Level
from services.aggregation.metrics.query import Period
from services.aggregation.metrics.schemas import (
    Band,
    Count,
    Interval,
    Method,
    PeriodOf,
    Summary,
    SummaryRow,
    Suppression,
    Unit,
)


def summary(rows: list[SummaryRow]) -> Summary:
    return Summary(
        instrument="hef", score="total", structure="as_at",
        method=Method(counts="people"), caveats=[],
        suppression=Suppression(rule="r", threshold=8, rounding="5", primary=0, secondary=0,
                                withheld=0),
        rows=rows,
    )  # fmt: skip


def row(
    breakdown: dict[str, str], people: Count, mean: Interval, bands: tuple[Band, ...] = ()
) -> SummaryRow:
    return SummaryRow(
        unit=Unit(code="EQA", name="Trust A", level=Level.trust),
        period=PeriodOf(start=date(2026, 4, 1), label="2026/27 Q1"),
        breakdown=breakdown, people=people,
        assessments=Count(value=people.value, suppressed=people.suppressed),
        mean_score=mean, bands=list(bands),
    )  # fmt: skip


def test_each_measure_is_a_row_with_its_suppression() -> None:
    shown = row({}, Count(value=10, suppressed=False), Interval(value=2.5, lower=2.0, upper=3.0))
    hidden = row({"ethnic_group": "mixed", "imd_quintile": "1"},
                 Count(value=None, suppressed=True, reason="fewer than 8 people"),
                 Interval(value=None, withheld="fewer than 8 people"))  # fmt: skip
    rows = list(tidy_rows_of(summary([shown, hidden]), Period.quarter))
    by = {(r.breakdown, r.measure): r for r in rows}
    people = by[("all", "people")]
    assert (people.value, people.suppressed, people.period_end) == (10.0, False, date(2026, 6, 30))
    mean = by[("all", "mean_score")]
    assert (mean.value, mean.lower_ci, mean.upper_ci, mean.denominator) == (2.5, 2.0, 3.0, 10)
    two_way = by[("ethnic_group x imd_quintile", "people")]
    assert two_way.breakdown_value == "mixed x 1"
    assert two_way.value is None
    assert two_way.suppressed
    hidden_mean = by[("ethnic_group x imd_quintile", "mean_score")]
    assert hidden_mean.suppressed
    assert hidden_mean.value is None
    assert hidden_mean.denominator is None
    assert len(rows) == 6


def test_bands_become_measures() -> None:
    banded = row({"determinant": "social"}, Count(value=20, suppressed=False),
                 Interval(value=1.0, lower=0.5, upper=1.5),
                 (Band(band="high", count=Count(value=5, suppressed=False),
                       percent=Interval(value=25.0, lower=11.2, upper=46.9)),))  # fmt: skip
    measures = {r.measure: r for r in tidy_rows_of(summary([banded]), Period.quarter)}
    assert measures["band_high_assessments"].value == 5.0
    assert measures["band_high_percent"].lower_ci == 11.2


def test_period_ends() -> None:
    assert period_end(date(2026, 4, 1), Period.financial_year) == date(2027, 3, 31)
    assert period_end(date(2027, 1, 1), Period.quarter) == date(2027, 3, 31)
    assert period_end(date(2028, 2, 1), Period.month) == date(2028, 2, 29)


def test_levels_are_the_callers_and_the_one_below() -> None:
    def scope(level: Level) -> ReaderScope:
        return ReaderScope(Basis.organisation, "X", level, frozenset(), frozenset())

    assert list(levels_for(scope(Level.icb))) == [Level.trust, Level.icb]
    assert list(levels_for(scope(Level.trust))) == [Level.team, Level.trust]
    assert list(levels_for(scope(Level.team))) == [Level.team]
