"""The shared pieces: a table's CSV, and a chart drawn from the same table."""

import base64

from services.reporting.machinery.charts import bar_chart
from services.reporting.machinery.tables import Cell, Table, cell, suppressed, to_csv

TABLE = Table(
    id="people",
    caption="People by quintile",
    columns=("IMD quintile", "People", "Mean"),
    rows=[
        [Cell("1 (most deprived)"), cell(120), cell(7.25)],
        [Cell("2"), suppressed("fewer than 8 people"), cell(None)],
        [Cell("=HYPERLINK(1)"), cell(0), cell(-1.5)],
    ],
)


def test_csv_holds_the_figures_suppressed_as_suppressed_and_no_formulas() -> None:
    lines = to_csv(TABLE).splitlines()
    assert lines == [
        "IMD quintile,People,Mean",
        "1 (most deprived),120,7.25",
        "2,suppressed,",
        "'=HYPERLINK(1),0,-1.5",
    ]


def test_numbers_are_shown_with_separators_and_one_decimal() -> None:
    assert cell(12345).text == "12,345"
    assert cell(7.25).text == "7.2" or cell(7.25).text == "7.3"
    assert cell(3.0).text == "3"
    assert TABLE.numeric == [False, True, True]


def test_chart_draws_a_bar_per_figure_and_never_a_suppressed_one() -> None:
    chart = bar_chart(TABLE, ["People"], title="People", alt="People by quintile")
    assert chart.svg.startswith("<svg")
    assert "<title>People</title>" in chart.svg
    assert chart.svg.count('fill="#005eb8"') == 2  # 120 and 0 drawn; the hidden cell not
    assert ">suppressed<" in chart.svg
    assert ">120<" in chart.svg
    assert base64.b64decode(chart.data_uri.split(",", 1)[1]).decode() == chart.svg
    assert chart.table is TABLE
