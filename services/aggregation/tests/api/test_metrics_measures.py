"""Paired change, SII/RII, completeness and the funnel through the gateway, on known facts."""

from datetime import date

import httpx
import numpy as np
from equitas_stack.stack import Stack
from scipy import stats

from services.aggregation.tests.api.metrics_facts import SECTIONS, Fact, insert_facts, new_codes
from tests.support.fixtures import Tokens


async def test_paired_change_counts_the_lost_and_the_direction(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    (team,) = new_codes()
    facts: list[Fact] = []
    changes = [-3] * 10 + [0] * 8 + [2] * 8  # 10 improved (lower is better), 8 same, 8 worse
    for d in changes:
        first = Fact(team, date(2026, 4, 2), 20)
        facts += [first, Fact(team, date(2026, 10, 2), 20 + d, person_key=first.person_key)]
    facts += [Fact(team, date(2026, 10, 3), 15) for _ in range(9)]  # not followed up
    await insert_facts(stack, facts)
    answer = await gateway.get(
        "/api/aggregation/change",
        # Its own team only: the whole table is protected as one, and other tests' small
        # teams of EQA in the same months could hide this one's cells.
        params={"level": "team", "organisation": team, "period": "financial_year",
                "from": "2026-04-01"},
        headers=await tokens.headers("analyst"),
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["direction"] == "lower_is_better"
    (row,) = [r for r in body["rows"] if r["unit"]["code"] == team]
    assert row["paired"]["value"] == 25  # 26 rounded to the nearest 5
    assert row["not_followed_up"]["value"] == 10  # 9
    assert row["improved_count"]["value"] == 10
    d = np.array(changes, dtype=float)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    assert abs(row["mean_change"]["value"] - d.mean()) < 1e-9
    assert abs(row["mean_change"]["upper"] - (d.mean() + half)) < 1e-9
    improved = row["improved"]
    assert abs(improved["value"] - 100 * 10 / 26) < 1e-9
    assert improved["lower"] < improved["value"] < improved["upper"]


async def test_paired_change_of_a_determinant_reads_the_first_and_latest_facts(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    # Person rows keep only the overall score (decision 0048): a determinant's change comes
    # from the person's first and latest facts. Each determinant's total is a fifth of the
    # overall score in these facts.
    (team,) = new_codes()
    facts: list[Fact] = []
    changes = [-5] * 12 + [5] * 8  # each determinant: 12 by -1, 8 by +1
    for d in changes:
        first = Fact(team, date(2026, 4, 2), 20)
        facts += [first, Fact(team, date(2026, 10, 2), 20 + d, person_key=first.person_key)]
    await insert_facts(stack, facts)
    params = {"level": "team", "organisation": team, "period": "financial_year",
              "from": "2026-04-01"}  # fmt: skip
    headers = await tokens.headers("analyst")
    one = await gateway.get(
        "/api/aggregation/change", params={**params, "determinant": "social"}, headers=headers
    )
    assert one.status_code == 200, one.text
    (row,) = [r for r in one.json()["rows"] if r["unit"]["code"] == team]
    assert row["improved_count"]["value"] == 10  # 12, rounded to the nearest 5
    assert abs(row["mean_change"]["value"] - (-0.2)) < 1e-9
    each = await gateway.get(
        "/api/aggregation/change", params={**params, "by": "determinant"}, headers=headers
    )
    assert each.status_code == 200, each.text
    rows = [r for r in each.json()["rows"] if r["unit"]["code"] == team]
    assert sorted(r["breakdown"]["determinant"] for r in rows) == sorted(SECTIONS)
    for r in rows:
        assert r["worse_count"]["value"] == 10  # 8
        assert abs(r["mean_change"]["value"] - (-0.2)) < 1e-9


async def test_sii_across_quintiles_and_refused_when_a_quintile_is_small(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    team, small = new_codes(2)
    facts = [
        Fact(team, date(2026, 11, 2), 30 - 4 * q + (i % 3), imd_decile=2 * q - 1)
        for q in range(1, 6)
        for i in range(10)
    ]
    facts += [Fact(small, date(2026, 11, 2), 10, imd_decile=2 * q - 1) for q in range(1, 6)]
    await insert_facts(stack, facts)
    # Each team on its own: in one table, the small team's hidden cells would hide the
    # other's too (a quintile's total less the small one's would give it away).
    rows = {}
    for code in (team, small):
        answer = await gateway.get(
            "/api/aggregation/inequality",
            params={"level": "team", "organisation": code, "from": "2026-10-01",
                    "to": "2026-12-31"},
            headers=await tokens.headers("analyst"),
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        rows |= {r["unit"]["code"]: r for r in answer.json()["rows"]}
    sii = rows[team]["sii"]
    # Equal quintiles: ranks 0.1..0.9; the least-squares slope of the quintile means.
    means = np.array([30 - 4 * q + 0.9 for q in range(1, 6)])
    slope = np.polyfit([0.1, 0.3, 0.5, 0.7, 0.9], means, 1)[0]
    assert abs(sii["value"] - slope) < 1e-9
    assert sii["lower"] < sii["value"] < sii["upper"]
    assert rows[team]["rii"]["value"] is not None
    assert rows[small]["sii"]["value"] is None
    assert "withheld" in rows[small]["sii"]["withheld"]
    by = await gateway.get(
        "/api/aggregation/inequality", params={"by": "sex"},
        headers=await tokens.headers("analyst"),
    )  # fmt: skip
    assert by.status_code == 422
    assert by.json()["errors"][0]["field"] == "query.by"


async def test_completeness_keeps_not_stated_apart(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    (team,) = new_codes()
    facts = [Fact(team, date(2026, 12, 1), 10) for _ in range(20)]
    facts += [Fact(team, date(2026, 12, 1), 10, ethnic_group="not_stated") for _ in range(10)]
    facts += [Fact(team, date(2026, 12, 1), 10, ethnic_group="not_known", imd_decile=None)
              for _ in range(10)]  # fmt: skip
    await insert_facts(stack, facts)
    answer = await gateway.get(
        "/api/aggregation/completeness",
        params={"level": "team", "organisation": "EQA", "from": "2026-12-01",
                "to": "2026-12-31"},
        headers=await tokens.headers("analyst"),
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    (row,) = [r for r in answer.json()["rows"] if r["unit"]["code"] == team]
    fields = {f["field"]: f for f in row["fields"]}
    assert fields["ethnic_group"]["not_stated"]["value"] == 10
    assert fields["ethnic_group"]["unknown"]["value"] == 10
    assert abs(fields["ethnic_group"]["unknown_percent"]["value"] - 50) < 1e-9
    assert fields["imd_decile"]["unknown"]["value"] == 10
    assert fields["sex"]["unknown"] == {"value": 0, "suppressed": False, "reason": None}


async def test_funnel_for_a_commissioner_in_code_order(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    answer = await gateway.get(
        "/api/aggregation/funnel",
        params={"measure": "moderate_or_high"},
        headers=await tokens.headers("commissioner"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["parent"]["code"] == "QZZ"
    codes = [u["unit"]["code"] for u in body["units"]]
    assert codes == sorted(codes)
    assert {u["unit"]["level"] for u in body["units"]} <= {"trust"}
    assert "not a ranking" in " ".join(body["caveats"])
    lead = await gateway.get("/api/aggregation/funnel", headers=await tokens.headers("team.lead"))
    assert lead.status_code == 403


async def test_funnel_limits_of_a_trusts_teams(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    team_a, team_b = new_codes(2)
    facts: list[Fact] = []
    for team, improved in ((team_a, 40), (team_b, 10)):
        for i in range(50):
            first = Fact(team, date(2025, 5, 1), 20)
            later = 15 if i < improved else 20
            facts += [first, Fact(team, date(2025, 9, 1), later, person_key=first.person_key)]
    await insert_facts(stack, facts)
    answer = await gateway.get(
        "/api/aggregation/funnel",
        params={"organisation": "EQA", "from": "2025-08-01", "to": "2025-09-30"},
        headers=await tokens.headers("analyst"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    units = {u["unit"]["code"]: u for u in body["units"]}
    p0 = body["baseline"]["value"] / 100
    assert abs(p0 - 0.5) < 1e-9  # only these two teams have pairs in those months
    z95, z998 = 1.959964, 3.090232
    half = z998 * (p0 * (1 - p0) / 50) ** 0.5
    assert abs(units[team_a]["limits_99_8"]["upper"] - 100 * (p0 + half)) < 1e-4
    assert units[team_a]["significance"] == "High (0.001)"
    assert units[team_b]["significance"] == "Low (0.001)"
    assert (
        abs(units[team_a]["limits_95"]["lower"] - 100 * (p0 - z95 * (p0 * (1 - p0) / 50) ** 0.5))
        < 1e-4
    )
    assert body["curve"][0]["denominator"] == 8
