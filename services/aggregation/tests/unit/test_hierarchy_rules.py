"""The hierarchy's rules without a database: links, succession, overlaps, the file."""

from datetime import date

import pytest

from services.aggregation.hierarchy.reference import (
    DEFAULT_FILE,
    ReferenceFileError,
    parse_reference,
    read_reference,
)
from services.aggregation.hierarchy.rules import (
    Link,
    LinkRefused,
    UnitKind,
    kind_problem,
    parent_on,
    place_link,
)

D = date.fromisoformat
HEADER = "organisation_code,name,kind,parent_code,start_date,end_date\n"


def test_a_later_open_link_succeeds_the_open_one_and_history_stays() -> None:
    old = Link("T1", "EQA", D("2020-01-01"), None)
    placement = place_link(Link("T1", "EQB", D("2027-04-01"), None), [old])
    assert placement.succeeds == old
    assert parent_on([Link("T1", "EQA", D("2020-01-01"), D("2027-04-01")), placement.link],
                     D("2027-03-31")) == "EQA"  # fmt: skip


@pytest.mark.parametrize(
    ("new", "field"),
    [
        (Link("T1", "EQB", D("2019-06-01"), D("2021-01-01")), "body.valid_to"),
        (Link("T1", "EQB", D("2020-01-01"), None), "body.valid_from"),
        (Link("T1", "EQB", D("2027-04-01"), D("2028-01-01")), "body.valid_from"),
    ],
)
def test_overlaps_are_conflicts_naming_the_date(new: Link, field: str) -> None:
    with pytest.raises(LinkRefused) as refused:
        place_link(new, [Link("T1", "EQA", D("2020-01-01"), None)])
    assert refused.value.conflict
    assert refused.value.field == field


def test_closed_periods_cannot_be_succeeded() -> None:
    history = [Link("T1", "EQA", D("2020-01-01"), D("2025-01-01"))]
    with pytest.raises(LinkRefused):
        place_link(Link("T1", "EQB", D("2024-01-01"), None), history)
    assert place_link(Link("T1", "EQB", D("2025-01-01"), None), history).succeeds is None


def test_dates_in_order_and_no_self_parent() -> None:
    with pytest.raises(LinkRefused) as refused:
        place_link(Link("T1", "EQA", D("2020-01-01"), D("2020-01-01")), [])
    assert refused.value.field == "body.valid_to"
    assert not refused.value.conflict
    with pytest.raises(LinkRefused):
        place_link(Link("T1", "T1", D("2020-01-01"), None), [])


def test_kinds() -> None:
    assert kind_problem(UnitKind.team, UnitKind.trust) is None
    assert kind_problem(UnitKind.trust, UnitKind.ccg) is None
    assert kind_problem(UnitKind.team, UnitKind.icb) == "a team sits under a trust, not a icb"
    assert kind_problem(UnitKind.region, UnitKind.icb) is not None


def test_the_shipped_file_matches_the_demo_organisations() -> None:
    reference = read_reference(DEFAULT_FILE)
    kinds = {u.code: u.kind for u in reference.units}
    assert kinds["EQA"] is kinds["EQB"] is UnitKind.trust
    assert kinds["QZZ"] is UnitKind.icb
    assert kinds["YZZ"] is UnitKind.region
    trust_a = [link for link in reference.links if link.child_code == "EQA"]
    assert parent_on(trust_a, D("2022-06-30")) == "Q9Z"  # the CCG before July 2022
    assert parent_on(trust_a, D("2022-07-01")) == "QZZ"
    assert parent_on([x for x in reference.links if x.child_code == "EQA-LD-NORTH"],
                     D("2026-01-01")) == "EQA"  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("X,Name,trust,,,\nX,Name,team,,,\n", "line 3: X was a trust before"),
        ("X,Name,team,NOPE,2020-01-01,\n", "parent NOPE is not listed"),
        ("X,Name,team,Y,2020-13-01,\nY,Trust,trust,,,\n", "start_date"),
        ("X,Name,team,Y,,\nY,Trust,trust,,,\n", "needs a start_date"),
        ("X,Name,planet,,,\n", "kind must be one of"),
        ("X,Name,trust,I,2020-01-01,\nX,Name,trust,I,2021-01-01,\nI,ICB,icb,,,\n",
         "give that row an end_date"),
        ("X,Name,team,I,2020-01-01,\nI,ICB,icb,,,\n", "a team sits under a trust"),
    ],
)  # fmt: skip
def test_file_errors_name_the_line(body: str, message: str) -> None:
    with pytest.raises(ReferenceFileError, match=message):
        parse_reference(HEADER + body)


def test_headers_by_prefix_and_quoted_commas() -> None:
    text = (
        "Organisation Code,Name,Kind,Parent Code,Start Date,End Date\n"
        '"EQZ","Trust, with a comma",trust,,,\n'
    )
    assert parse_reference(text).units[0].name == "Trust, with a comma"
