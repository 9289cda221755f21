"""The summary and time series through the gateway: exact figures from known facts, small
numbers suppressed, a commissioner's trusts side by side, a team lead's teams only."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import httpx
from equitas_stack.stack import Stack

from services.aggregation.tests.api.metrics_facts import Fact, insert_facts, new_codes
from tests.support.fixtures import Tokens
from tests.support.tokens import user_token

NewTeam = Callable[..., Awaitable[str]]


def rows_of(body: dict[str, Any], unit: str) -> list[dict[str, Any]]:
    return [r for r in body["rows"] if r["unit"]["code"] == unit]


async def test_analyst_summary_of_a_team_counts_rounds_and_hides(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    (team,) = new_codes()
    # Quintile 3 (decile 5): 12 people; quintile 1 (decile 1): 3 people (hidden), and so
    # the second smallest in the row is hidden too, never worked out as total minus the rest.
    facts = [Fact(team, date(2026, 5, 1), 10 + i % 4, imd_decile=5) for i in range(12)]
    facts += [Fact(team, date(2026, 5, 2), 30, imd_decile=1) for _ in range(3)]
    facts += [Fact(team, date(2026, 5, 3), 20, imd_decile=9) for _ in range(9)]
    await insert_facts(stack, facts)
    headers = await tokens.headers("analyst")
    answer = await gateway.get(
        "/api/aggregation/summary",
        # Its own team only: protected as one table with other tests' EQA teams, which
        # choices of secondary suppression fall where depends on them.
        params={"level": "team", "organisation": team, "by": "imd_quintile",
                "from": "2026-04-01", "to": "2026-06-30"},
        headers=headers,
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    body = answer.json()
    rows = {r["breakdown"]["imd_quintile"]: r for r in rows_of(body, team)}
    assert set(rows) == {"1", "2", "3", "4", "5", "unknown"}
    assert rows["3"]["people"] == {"value": 10, "suppressed": False, "reason": None}
    assert rows["3"]["assessments"]["value"] == 10
    mean = rows["3"]["mean_score"]
    assert abs(mean["value"] - 11.5) < 1e-9
    assert mean["lower"] < 11.5 < mean["upper"]
    assert rows["1"]["people"]["suppressed"]
    assert rows["1"]["people"]["value"] is None
    assert rows["1"]["people"]["reason"] == "fewer than 8 people"
    assert rows["1"]["mean_score"]["value"] is None
    assert rows["1"]["mean_score"]["withheld"]
    assert rows["5"]["people"]["suppressed"]  # 9: hidden so the 3 cannot be worked out
    assert rows["2"]["people"] == {"value": 0, "suppressed": False, "reason": None}
    assert body["suppression"]["primary"] >= 1
    assert body["suppression"]["secondary"] >= 1
    assert body["method"]["mean"].startswith("Student's t")
    assert body["caveats"]
    assert "threshold" in body["suppression"]
    assert rows["3"]["period"] == {"start": "2026-04-01", "label": "2026/27 Q1"}


async def test_bands_by_determinant_with_wilson(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    (team,) = new_codes()
    facts = [Fact(team, date(2026, 7, 1), 10, highest=2) for _ in range(20)]
    facts += [Fact(team, date(2026, 7, 1), 10, highest=1) for _ in range(20)]
    await insert_facts(stack, facts)
    answer = await gateway.get(
        "/api/aggregation/summary",
        params={"level": "team", "organisation": "EQA", "by": "determinant",
                "from": "2026-07-01", "to": "2026-07-31", "period": "month"},
        headers=await tokens.headers("analyst"),
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    rows = rows_of(answer.json(), team)
    assert {r["breakdown"]["determinant"] for r in rows} == {
        "social", "biological", "communication", "behaviour", "provision"}  # fmt: skip
    bands = {b["band"]: b for b in rows[0]["bands"]}
    assert bands["moderate"]["count"]["value"] == 20
    assert abs(bands["moderate"]["percent"]["value"] - 50) < 1e-9
    assert bands["high"]["count"] == {"value": 0, "suppressed": False, "reason": None}
    assert rows[0]["period"]["label"] == "2026-07"


async def test_commissioner_sees_both_trusts_side_by_side(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    team_a, team_b = new_codes(2)
    facts = [Fact(team_a, date(2026, 8, 1), 12) for _ in range(10)]
    facts += [Fact(team_b, date(2026, 8, 1), 14, organisation_code="EQB") for _ in range(10)]
    await insert_facts(stack, facts)
    answer = await gateway.get(
        "/api/aggregation/summary",
        params={"level": "trust", "from": "2026-07-01", "to": "2026-09-30"},
        headers=await tokens.headers("commissioner"),
    )
    assert answer.status_code == 200, answer.text
    units = {r["unit"]["code"]: r for r in answer.json()["rows"]}
    assert {"EQA", "EQB"} <= set(units)
    assert units["EQA"]["unit"]["name"] == "Equitas Demo Trust A"
    assert units["EQB"]["people"]["value"] >= 10
    above = await gateway.get(
        "/api/aggregation/summary", params={"level": "region"},
        headers=await tokens.headers("commissioner"),
    )  # fmt: skip
    assert above.status_code == 403
    assert above.json()["errors"][0]["field"] == "query.level"
    analyst = await gateway.get(
        "/api/aggregation/summary", params={"level": "trust", "from": "2026-07-01"},
        headers=await tokens.headers("analyst"),
    )  # fmt: skip
    assert {r["unit"]["code"] for r in analyst.json()["rows"]} == {"EQA"}


async def test_team_lead_sees_only_their_team(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, new_team: NewTeam, public_url: str
) -> None:
    mine = await new_team({"team.lead": "lead", "clinician.a": "member"})
    (other,) = new_codes()
    await insert_facts(stack, [Fact(mine, date(2026, 9, 1), 11) for _ in range(8)])
    await insert_facts(stack, [Fact(other, date(2026, 9, 1), 11) for _ in range(8)])
    # A token of its own: aggregation remembers a token's teams for a minute (decision 0021),
    # and the session's team.lead token may have been seen before this team was made.
    async with httpx.AsyncClient(timeout=30) as http:
        lead = {"Authorization": f"Bearer {await user_token(http, public_url, 'team.lead')}"}
    answer = await gateway.get(
        "/api/aggregation/summary", params={"level": "team", "from": "2026-09-01"}, headers=lead
    )
    assert answer.status_code == 200, answer.text
    codes = {r["unit"]["code"] for r in answer.json()["rows"]}
    assert mine in codes
    assert other not in codes
    default = await gateway.get("/api/aggregation/summary", headers=lead)
    assert {r["unit"]["level"] for r in default.json()["rows"]} == {"team"}
    trust = await gateway.get("/api/aggregation/summary", params={"level": "trust"}, headers=lead)
    assert trust.status_code == 403
    assert trust.json()["errors"][0]["field"] == "query.level"
    theirs = await gateway.get(
        "/api/aggregation/summary", params={"level": "team", "organisation": other}, headers=lead
    )
    assert theirs.status_code == 403
    assert theirs.json()["errors"][0]["field"] == "query.organisation"
    clinician = await gateway.get(
        "/api/aggregation/summary", headers=await tokens.headers("clinician.a")
    )
    assert clinician.status_code == 403


async def test_bad_parameters_are_named(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    headers = await tokens.headers("analyst")
    cases = [
        ({"by": ["sex", "sex"]}, "query.by"),
        ({"by": ["sex", "age_band", "ethnic_group", "imd_decile"]}, "query.by"),
        ({"by": ["imd_decile", "imd_quintile"]}, "query.by"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "query.to"),
        ({"level": "galaxy"}, "query.level"),
        ({"period": "week"}, "query.period"),
        ({"from": "yesterday"}, "query.from"),
        ({"structure_on": "2026-01-01"}, "query.structure_on"),
        ({"instrument": "HEF!"}, "query.instrument"),
    ]
    for params, field in cases:
        answer = await gateway.get("/api/aggregation/summary", params=params, headers=headers)
        assert answer.status_code == 422, (params, answer.text)
        assert answer.json()["errors"][0]["field"] == field, answer.text


async def test_timeseries_in_period_order(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    (team,) = new_codes()
    facts = [Fact(team, date(2026, m, 10), m) for m in (4, 5, 6) for _ in range(8)]
    await insert_facts(stack, facts)
    answer = await gateway.get(
        "/api/aggregation/timeseries",
        # Its own team only: the whole table is protected as one, and other tests' small
        # teams of EQA in the same months could hide this one's cells.
        params={"level": "team", "organisation": team, "period": "month",
                "from": "2026-04-01", "to": "2026-06-30"},
        headers=await tokens.headers("board.member"),
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    (series,) = [s for s in answer.json()["series"] if s["unit"]["code"] == team]
    assert [p["period"]["label"] for p in series["points"]] == ["2026-04", "2026-05", "2026-06"]
    assert [p["mean_score"]["value"] for p in series["points"]] == [4, 5, 6]


async def test_a_two_way_table_is_protected_whole(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    (team,) = new_codes()
    facts = [
        Fact(team, date(2026, 2, 2), 10, ethnic_group=group, imd_decile=decile)
        for group in ("white", "asian_or_asian_british")
        for decile in (1, 3)
        for _ in range(10)
    ]
    facts += [Fact(team, date(2026, 2, 2), 10, ethnic_group="mixed", imd_decile=1)
              for _ in range(2)]  # fmt: skip
    await insert_facts(stack, facts)
    answer = await gateway.get(
        "/api/aggregation/summary",
        params={"level": "team", "organisation": "EQA", "by": ["ethnic_group", "imd_quintile"],
                "from": "2026-01-01", "to": "2026-03-31"},
        headers=await tokens.headers("analyst"),
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    rows = [r for r in answer.json()["rows"] if r["unit"]["code"] == team]
    assert len(rows) == 7 * 6  # every ethnic group x every quintile (and unknown)
    cell = {(r["breakdown"]["ethnic_group"], r["breakdown"]["imd_quintile"]): r for r in rows}
    assert cell[("mixed", "1")]["people"]["reason"] == "fewer than 8 people"
    # Its column (quintile 1: 10 + 2 + 10) hides another cell, so the column's total less
    # the shown cells cannot give the 2 away.
    column = [cell[(g, "1")] for g in ("white", "mixed", "asian_or_asian_british")]
    assert sum(r["people"]["suppressed"] for r in column) >= 2
    assert cell[("white", "2")]["people"]["value"] == 10
