"""Pure rules of the summary reports and the chart axis."""

from datetime import date

from services.reporting.machinery.charts import axis
from services.reporting.org_summary.data import (
    count_cell,
    current_financial_year,
    financial_year,
    interval_cells,
    lower_first,
)


def test_financial_year_runs_from_april() -> None:
    assert financial_year(2026) == (date(2026, 4, 1), date(2027, 3, 31), "2026/27")
    assert current_financial_year(date(2027, 3, 31)) == 2026
    assert current_financial_year(date(2027, 4, 1)) == 2027


def test_hidden_figures_stay_hidden_and_say_why() -> None:
    hidden = count_cell({"value": None, "suppressed": True, "reason": "fewer than 8 people"})
    assert (hidden.text, hidden.value, hidden.suppressed) == (
        "suppressed",
        None,
        "fewer than 8 people",
    )
    shown = count_cell({"value": 10, "suppressed": False, "reason": None})
    assert (shown.text, shown.value) == ("10", 10)
    mean, span = interval_cells({"value": None, "withheld": "too few to estimate"})
    assert (mean.text, mean.suppressed, span.value) == ("withheld", "too few to estimate", None)
    mean, span = interval_cells({"value": 44.84, "lower": 38.31, "upper": 51.36})
    assert (mean.text, mean.value, span.text) == ("44.8", 44.8, "38.3 to 51.4")


def test_axis_steps_are_round_numbers() -> None:
    assert [axis(v) for v in (0, 1, 6, 8, 18, 24, 45, 100)] == [
        (0.25, 4),
        (0.25, 4),
        (2, 3),
        (2, 4),
        (5, 4),
        (10, 3),
        (20, 3),
        (25, 4),
    ]


def test_captions_keep_acronyms() -> None:
    assert lower_first("IMD quintile") == "IMD quintile"
    assert lower_first("Ethnic group") == "ethnic group"
