"""The board tools' own views through the gateway: objectives adopted, assigned to a board
role, turned into actions and tracked; progress over the years; the scorecard at a glance and
over time."""

import httpx
import pytest
from equitas_stack.stack import Stack

from services.scoring.tests.api.board_helpers import (
    assurance_answers,
    commission,
    create,
    ok,
    self_assessment_answers,
)
from tests.support.fixtures import Tokens


@pytest.fixture
async def commissioned(stack: Stack) -> None:
    await commission(stack.database_url, stack.config.database_prefix, "EQA", "QZZ")


async def test_objectives_adopted_assigned_actioned_and_tracked(
    gateway: httpx.AsyncClient, tokens: Tokens, commissioned: None
) -> None:
    board = await tokens.headers("board.member")
    made = await create(gateway, board, "board-self-assessment",
                        responses=self_assessment_answers("not_in_place"), submit=True)  # fmt: skip
    results = ok(
        await gateway.get(
            f"/api/scoring/organisational-assessments/{made['id']}/board-results", headers=board
        )
    )
    priority = [o["ref"] for o in results["suggested_objectives"] if o["priority"]]
    assert priority == ["3.5", "4.7", "3.9", "9.3", "3.4", "6.1"]
    adopted = ok(
        await gateway.post(
            "/api/scoring/organisations/EQA/objectives",
            json={"ref": "3.4", "source_assessment_id": made["id"]},
            headers=board,
        ),
        201,
    )
    assert (adopted["board_role"], adopted["status"], adopted["priority"]) == (
        "chief_executive", "adopted", True,
    )  # fmt: skip
    reassigned = ok(
        await gateway.patch(
            f"/api/scoring/objectives/{adopted['id']}",
            json={"board_role": "chair", "status": "in_progress"},
            headers={**board, "If-Match": '"1"'},
        )
    )
    assert (reassigned["board_role"], reassigned["status"]) == ("chair", "in_progress")
    action = ok(
        await gateway.post(
            f"/api/scoring/objectives/{adopted['id']}/actions",
            json={"description": "Name the lead at the May board", "owner": "Chair",
                  "due_on": "2026-05-31"},
            headers=board,
        ),
        201,
    )  # fmt: skip
    done = ok(
        await gateway.patch(
            f"/api/scoring/actions/{action['id']}",
            json={"status": "done"},
            headers={**board, "If-Match": '"1"'},
        )
    )
    assert done["status"] == "done"
    assert done["done_on"] is not None
    listed = ok(await gateway.get("/api/scoring/organisations/EQA/objectives", headers=board))
    mine = next(o for o in listed["adopted"] if o["id"] == adopted["id"])
    assert [a["status"] for a in mine["actions"]] == ["done"]
    assert {o["ref"] for o in listed["library"]} >= {"3.4", "6.1", "3.5", "4.7", "3.9", "9.3"}
    unknown = await gateway.post(
        "/api/scoring/organisations/EQA/objectives", json={"ref": "99.9"}, headers=board
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body.ref"
    # The commissioner reads but does not adopt; another trust's board sees nothing.
    icb = await tokens.headers("commissioner")
    assert (await gateway.get("/api/scoring/organisations/EQA/objectives", headers=icb)).is_success
    refused = await gateway.post(
        "/api/scoring/organisations/EQA/objectives", json={"ref": "6.1"}, headers=icb
    )
    assert refused.status_code == 403
    other = await tokens.headers("clinician.trustb")
    assert (
        await gateway.get("/api/scoring/organisations/EQA/objectives", headers=other)
    ).status_code == 404


async def test_progress_over_the_years_side_by_side(
    gateway: httpx.AsyncClient, tokens: Tokens, commissioned: None
) -> None:
    board = await tokens.headers("board.member")
    years = {"2019-06-01": "planned", "2020-06-01": "partly_in_place", "2021-06-01": "embedded"}
    for assessed_on, code in years.items():
        await create(gateway, board, "board-self-assessment", assessed_on=assessed_on,
                     responses=self_assessment_answers(code), submit=True)  # fmt: skip
    progress = ok(
        await gateway.get(
            "/api/scoring/organisations/EQA/board-self-assessment/progress",
            headers=await tokens.headers("commissioner"),
        )
    )
    by_year = {p["year"]: p for p in progress}
    assert {y: by_year[y]["domains"]["data"]["maturity_level"]["code"]
            for y in (2019, 2020, 2021)} == {
        2019: "emerging", 2020: "developing", 2021: "thriving",
    }  # fmt: skip


async def test_scorecard_at_a_glance_and_over_time(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    board = await tokens.headers("board.member")
    answers = assurance_answers("assured") | {"k5_p2": "not_assured", "k6_p3": "partly_assured"}
    notes = {"k5_p2": {"evidence": "No digital uptake report", "action": "Ask for one by June"}}
    made = await create(gateway, board, "board-assurance", responses=answers,
                        item_notes=notes, submit=True, assessed_on="2018-01-15")  # fmt: skip
    card = ok(
        await gateway.get(
            f"/api/scoring/organisational-assessments/{made['id']}/scorecard", headers=board
        )
    )
    rows = {r["code"]: r["rating"]["code"] for r in card["rows"]}
    columns = {c["code"]: c["rating"]["code"] for c in card["columns"]}
    assert rows["k5"] == "not_assured"
    assert rows["k6"] == "partly_assured"
    assert rows["k1"] == "assured"
    assert columns == {"p1": "assured", "p2": "not_assured", "p3": "partly_assured",
                       "p4": "assured", "p5": "assured"}  # fmt: skip
    assert card["overall"]["counts"] == {
        "assured": 38, "partly_assured": 1, "not_assured": 1, "not_assessed": 0,
    }  # fmt: skip
    cell = next(c for c in card["cells"] if c["item_id"] == "k5_p2")
    assert cell["action"] == "Ask for one by June"
    history = ok(
        await gateway.get(
            "/api/scoring/organisations/EQA/board-assurance/scorecards", headers=board
        )
    )
    assert made["id"] in [h["assessment_id"] for h in history]
    assert all("cells" not in h for h in history)
