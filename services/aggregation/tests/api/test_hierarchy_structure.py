"""As at and current structure (decision 0024) through the metrics: a team that moves
trust keeps its history under the old trust unless today's structure is asked for; the CCG
that commissioned the demo trusts before July 2022 keeps its figures."""

from datetime import date

import httpx
from equitas_stack.stack import Stack

from services.aggregation.tests.api.metrics_facts import Fact, insert_facts, new_codes
from tests.support.fixtures import Tokens


async def test_a_moved_team_is_restated_only_when_asked(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    (team,) = new_codes()
    admin = await tokens.headers("org.admin")
    for body in (
        {"child_code": team, "parent_code": "EQA", "valid_from": "2020-01-01",
         "child_name": "Moving team", "child_kind": "team"},
        {"child_code": team, "parent_code": "EQB", "valid_from": "2025-03-01"},
    ):  # fmt: skip
        added = await gateway.post("/api/aggregation/hierarchy/links", json=body, headers=admin)
        assert added.status_code == 201, added.text
    # Recorded under EQA before the move (as scoring knew it), EQB after.
    facts = [Fact(team, date(2025, 2, 3), 10) for _ in range(10)]
    facts += [Fact(team, date(2025, 3, 3), 10, organisation_code="EQB") for _ in range(10)]
    await insert_facts(stack, facts)
    commissioner = await tokens.headers("commissioner")
    params = {"level": "trust", "period": "financial_year", "from": "2025-02-01",
              "to": "2025-03-31"}  # fmt: skip

    async def people(structure: str) -> dict[tuple[str, str], int | None]:
        answer = await gateway.get(
            "/api/aggregation/summary", params={**params, "structure": structure},
            headers=commissioner,
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        return {
            (r["unit"]["code"], r["period"]["label"]): r["people"]["value"]
            for r in answer.json()["rows"]
        }

    as_at = await people("as_at")
    assert as_at[("EQA", "2024/25")] == 10
    assert as_at[("EQB", "2024/25")] == 10
    current = await people("current")
    assert ("EQA", "2024/25") not in current  # restated: the team is EQB's today
    assert current[("EQB", "2024/25")] == 20
    before_move = await gateway.get(
        "/api/aggregation/summary",
        params={**params, "structure": "current", "structure_on": "2025-01-01"},
        headers=commissioner,
    )
    units = {r["unit"]["code"] for r in before_move.json()["rows"]}
    assert units == {"EQA"}


async def test_the_ccg_keeps_its_years(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    (team,) = new_codes()
    await insert_facts(stack, [Fact(team, date(2021, 6, 1), 10) for _ in range(10)])
    commissioner = await tokens.headers("commissioner")
    params = {"level": "icb", "organisation": "EQA", "from": "2021-06-01", "to": "2021-06-30"}
    as_at = await gateway.get("/api/aggregation/summary", params=params, headers=commissioner)
    assert as_at.status_code == 200, as_at.text
    assert [r["unit"]["code"] for r in as_at.json()["rows"]] == ["Q9Z"]
    assert as_at.json()["rows"][0]["unit"]["name"] == "Equitas Demo CCG (closed 2022)"
    current = await gateway.get(
        "/api/aggregation/summary", params={**params, "structure": "current"},
        headers=commissioner,
    )  # fmt: skip
    assert [r["unit"]["code"] for r in current.json()["rows"]] == ["QZZ"]
