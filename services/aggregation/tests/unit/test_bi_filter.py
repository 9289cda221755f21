"""The $filter parser: the subset BI tools send, typed, and hostile input refused with a
message that names the problem and never quotes the input."""

from datetime import date

import pytest

from services.aggregation.bi.filter import MAX_DEPTH, MAX_IN, FilterError, parse_filter
from services.aggregation.bi.query import QueryOptionError, filter_option
from services.aggregation.tests.unit.bi_rows import suppressed_row, tidy_row

ROWS = [
    tidy_row(organisation_code="EQA", period="2026-Q1", period_start=date(2026, 1, 1)),
    tidy_row(organisation_code="EQA", period="2026-Q2", period_start=date(2026, 4, 1)),
    tidy_row(organisation_code="EQB", period="2026-Q2", period_start=date(2026, 4, 1),
             breakdown="ethnic_group", breakdown_value="asian_or_asian_british"),
    suppressed_row(organisation_code="EQB", period="2026-Q3", period_start=date(2026, 7, 1),
                   organisation_name="O'Brien House"),
]  # fmt: skip


def matching(text: str) -> list[int]:
    predicate = parse_filter(text)
    return [i for i, row in enumerate(ROWS) if predicate(row)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("organisation_code eq 'EQA'", [0, 1]),
        ("organisation_code ne 'EQA'", [2, 3]),
        ("organisation_code eq 'EQB' and period eq '2026-Q2'", [2]),
        ("period eq '2026-Q1' or period eq '2026-Q3'", [0, 3]),
        ("organisation_code in ('EQA', 'EQB') and not (period eq '2026-Q2')", [0, 3]),
        ("period_start ge 2026-04-01 and period_start lt 2026-07-01", [1, 2]),
        ("period_start gt 2026-04-01", [3]),
        ("period_start le 2026-01-01", [0]),
        ("breakdown eq 'ethnic_group'", [2]),
        ("startswith(breakdown_value,'asian')", [2]),
        ("contains(period,'Q2')", [1, 2]),
        ("endswith(period, 'Q3')", [3]),
        ("suppressed eq true", [3]),
        ("suppressed ne true", [0, 1, 2]),
        ("((organisation_code eq 'EQA'))", [0, 1]),
        (
            "organisation_code eq 'EQA' or organisation_code eq 'EQB' and period eq '2026-Q3'",
            [0, 1, 3],
        ),
        ("breakdown_value eq 'O''Brien'", []),
    ],
)
def test_the_subset_filters_as_odata_says(text: str, expected: list[int]) -> None:
    assert matching(text) == expected


def test_a_quote_doubled_inside_text_is_one_quote() -> None:
    predicate = parse_filter("breakdown_value eq 'it''s'")
    assert predicate(tidy_row(breakdown_value="it's"))


HOSTILE = [
    "",
    "   ",
    "organisation_code eq 'EQA'; DROP TABLE bi_access_token",
    "organisation_code eq 'EQA' --",
    "organisation_code eq 'EQA' or 1 eq 1",
    "organisation_code eq EQA",
    'organisation_code eq "EQA"',
    "organisation_code eq 'EQA",
    "organisation_code eq 'EQA' and",
    "__import__('os').system('id')",
    "value gt 0",
    "organisation_name eq 'x'",
    "nhs_number eq '9990000018'",
    "period_start eq '2026-04-01'",
    "period_start eq 2026-02-30",
    "period_start eq 2026-04-01T00:00:00Z",
    "organisation_code eq 99999999999999999999999999999999999999",
    "organisation_code eq 1e999",
    "organisation_code eq -0x7fffffffffffffff",
    "suppressed gt true",
    "suppressed eq 'true'",
    "organisation_code eq null",
    "organisation_code eq 'A' and and period eq 'B'",
    "(organisation_code eq 'A'",
    "organisation_code eq 'A')",
    "organisation_code in ()",
    "organisation_code in ('A',)",
    "contains(value,'1')",
    "startswith(organisation_code)",
    "organisation_code eq 'A\x00'",
    "organisation_code\x00eq 'A'",
    "organisation_code eq 'A' $ 1",
    "organisation_code eq '" + "x" * 300 + "'",
    "organisation_code in (" + ",".join(f"'{i}'" for i in range(MAX_IN + 1)) + ")",
    "(" * (MAX_DEPTH + 2) + "organisation_code eq 'A'" + ")" * (MAX_DEPTH + 2),
    "not " * (MAX_DEPTH + 2) + "organisation_code eq 'A'",
    " or ".join(["organisation_code eq 'A'"] * 400),
    "organisation_code eq 'A' " * 2000,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_or_unsupported_filters_are_refused(text: str) -> None:
    with pytest.raises(FilterError) as refused:
        parse_filter(text)
    message = str(refused.value)
    assert message
    for fragment in ("DROP", "import", "9990000018", "\x00", "nhs_number"):
        assert fragment not in message  # never quoted back


def test_a_refused_filter_is_a_400_naming_the_option() -> None:
    with pytest.raises(QueryOptionError) as refused:
        filter_option("organisation_code eq")
    problem = refused.value
    assert problem.status == 400
    assert [e.field for e in problem.errors] == ["query.$filter"]
