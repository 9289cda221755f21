"""The board tools' and HEAT's reports through the gateway with real tokens: a stored board
self-assessment, the assurance scorecard and a HEAT summary, each from records the test
makes, with scoring's figures, tagged PDF structure, and the same refusal as scoring."""

import csv
import io
import uuid

import httpx
import pytest
from pypdf import PdfReader

from services.reporting.tests.api.pdf_checks import assert_accessible, pages_text
from services.scoring.tests.api.board_helpers import (
    assurance_answers,
    create,
    ok,
    self_assessment_answers,
)
from tests.support.fixtures import Tokens

pytestmark = pytest.mark.asyncio(loop_scope="session")
REPORTS = "/api/reporting/organisational-assessments"
SCORING = "/api/scoring/organisational-assessments"
BOARD = "board.member"


def rows(text: str) -> dict[str, list[str]]:
    """A CSV's rows by their first cell."""
    return {r[0]: r[1:] for r in list(csv.reader(io.StringIO(text)))[1:]}


def flat(pdf: bytes) -> str:
    return " ".join(" ".join(pages_text(pdf)).split())


def page_size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width), float(box.height)


async def _get(
    gateway: httpx.AsyncClient, path: str, headers: dict[str, str], **params: str
) -> httpx.Response:
    answer = await gateway.get(path, params=params, headers=headers)
    assert answer.status_code == 200, (path, answer.text[:600])
    return answer


# --- Board self-assessment ------------------------------------------------------------------


@pytest.fixture(scope="module")
async def self_assessment(gateway: httpx.AsyncClient, tokens: Tokens) -> str:
    """Every question in place (3 of 4) but data, planned (1 of 4): capacity, leadership and
    partnerships 75% (maturing), data 25% (emerging), overall 61 of 100 (maturing)."""
    made = await create(
        gateway,
        await tokens.headers(BOARD),
        "board-self-assessment",
        responses=self_assessment_answers("in_place", data="planned"),
        submit=True,
    )
    return str(made["id"])


async def test_self_assessment_pdf_has_the_levels_and_objectives(
    gateway: httpx.AsyncClient, tokens: Tokens, self_assessment: str
) -> None:
    board = await tokens.headers(BOARD)
    base = f"{REPORTS}/{self_assessment}/board-self-assessment"
    pdf = await _get(gateway, f"{base}.pdf", board)
    assert pdf.headers["content-type"] == "application/pdf"
    pages = pages_text(pdf.content)
    for page in pages:
        assert "EQA · board self-assessment of 1 March 2026" in page
    text = flat(pdf.content)
    assert "Building public health capacity and capability 75 Maturing 6 6" in text
    assert "Data, insight, evidence and evaluation 25 Emerging 7 7" in text
    assert "Overall 61 Maturing 25 25" in text
    assert "Priority" in text
    assert "Reopen these answers" not in text  # a stored one needs no link
    figures = assert_accessible(pdf.content, "Board self-assessment on health inequalities")
    assert figures == 1

    domains = rows((await _get(gateway, f"{base}/domains.csv", board)).text)
    assert domains["Data, insight, evidence and evaluation"] == ["25", "Emerging", "7", "7"]
    assert domains["Overall"] == ["61", "Maturing", "25", "25"]
    # The objectives are scoring's own suggestion, priority ones first and marked.
    results = ok(await gateway.get(f"{SCORING}/{self_assessment}/board-results", headers=board))
    objectives = list(
        csv.reader(io.StringIO((await _get(gateway, f"{base}/objectives.csv", board)).text))
    )[1:]
    expected = results["suggested_objectives"]
    assert [o[1] for o in objectives] == [o["ref"] for o in expected]
    assert [o[4] == "Priority" for o in objectives] == [o["priority"] for o in expected]
    assert any(o["priority"] for o in expected)
    answers = rows((await _get(gateway, f"{base}/answers.csv", board)).text)
    assert len(answers) == 25
    assert set(v[1] for v in answers.values()) == {"In place", "Planned"}

    html = await _get(gateway, f"{base}.html", board)
    assert '<html lang="en-GB">' in html.text
    assert "Maturing" in html.text


@pytest.mark.parametrize("username", ["clinician.a", "clinician.trustb", "analyst", "norole"])
async def test_self_assessment_refused_as_scoring_refuses(
    gateway: httpx.AsyncClient, tokens: Tokens, self_assessment: str, username: str
) -> None:
    headers = await tokens.headers(username)
    direct = await gateway.get(f"{SCORING}/{self_assessment}/board-results", headers=headers)
    assert direct.status_code in (403, 404)
    for suffix in (".pdf", ".html", "/domains.csv"):
        through = await gateway.get(
            f"{REPORTS}/{self_assessment}/board-self-assessment{suffix}", headers=headers
        )
        assert through.status_code == direct.status_code
        assert through.json()["detail"] == direct.json()["detail"]


async def test_another_instruments_assessment_is_not_a_self_assessment(
    gateway: httpx.AsyncClient, tokens: Tokens, scorecard: str
) -> None:
    board = await tokens.headers(BOARD)
    direct = await gateway.get(f"{SCORING}/{scorecard}/board-results", headers=board)
    through = await gateway.get(f"{REPORTS}/{scorecard}/board-self-assessment.pdf", headers=board)
    assert direct.status_code == through.status_code == 404
    assert through.json()["detail"] == direct.json()["detail"]
    unknown = await gateway.get(
        f"{REPORTS}/{uuid.uuid4()}/board-assurance-scorecard.pdf", headers=board
    )
    assert unknown.status_code == 404


# --- Board assurance scorecard --------------------------------------------------------------


@pytest.fixture(scope="module")
async def scorecard(gateway: httpx.AsyncClient, tokens: Tokens) -> str:
    """Every cell assured but K2 P1 (not assured), K3 P2 (partly assured) and the whole of
    K8 (not assessed)."""
    answers = assurance_answers() | {"k2_p1": "not_assured", "k3_p2": "partly_assured"}
    answers |= {f"k8_p{p}": "not_assessed" for p in range(1, 6)}
    made = await create(
        gateway, await tokens.headers(BOARD), "board-assurance", responses=answers, submit=True
    )
    return str(made["id"])


async def test_scorecard_at_a_glance_with_roll_ups(
    gateway: httpx.AsyncClient, tokens: Tokens, scorecard: str
) -> None:
    board = await tokens.headers(BOARD)
    base = f"{REPORTS}/{scorecard}/board-assurance-scorecard"
    pdf = await _get(gateway, f"{base}.pdf", board)
    figures = assert_accessible(pdf.content, "Board assurance scorecard on health inequalities")
    assert figures == 1
    first = page_size(pdf.content)
    assert first[0] > first[1], "the scorecard is on landscape pages"
    text = flat(pdf.content)
    for rating in ("Not assured", "Partly assured", "Not assessed"):
        assert rating in text
    assert "All cells Not assured 33 1 1 5 0" in text

    grid = rows((await _get(gateway, f"{base}/scorecard.csv", board)).text)
    k2 = next(v for k, v in grid.items() if k.startswith("K2 "))
    assert k2 == ["Not assured", "Assured", "Assured", "Assured", "Assured", "Not assured"]
    k8 = next(v for k, v in grid.items() if k.startswith("K8 "))
    assert k8 == ["Not assessed"] * 5 + [""]  # no cell of it assessed: no roll-up
    assert grid["Each priority's roll-up"] == [
        "Not assured", "Partly assured", "Assured", "Assured", "Assured", "Not assured",
    ]  # fmt: skip

    kloes = rows((await _get(gateway, f"{base}/by-kloe.csv", board)).text)
    # Roll-up, assured, partly assured, not assured, not assessed, not rated yet.
    assert next(v for k, v in kloes.items() if k.startswith("K1 ")) == [
        "Assured",
        "5",
        "0",
        "0",
        "0",
        "0",
    ]
    assert next(v for k, v in kloes.items() if k.startswith("K3 ")) == [
        "Partly assured",
        "4",
        "1",
        "0",
        "0",
        "0",
    ]
    assert next(v for k, v in kloes.items() if k.startswith("K8 ")) == ["", "0", "0", "0", "5", "0"]
    assert kloes["All cells"] == ["Not assured", "33", "1", "1", "5", "0"]
    priorities = rows((await _get(gateway, f"{base}/by-priority.csv", board)).text)
    p1 = next(v for k, v in priorities.items() if k.startswith("P1 "))
    assert p1 == ["Not assured", "6", "0", "1", "1", "0"]
    # The same roll-ups as scoring's.
    card = ok(await gateway.get(f"{SCORING}/{scorecard}/scorecard", headers=board))
    assert card["overall"]["rating"]["label"] == "Not assured"
    cells = rows((await _get(gateway, f"{base}/cells.csv", board)).text)
    assert len(cells) == 40
    assert cells["K2 P1"][1] == "Not assured"


@pytest.mark.parametrize("username", ["clinician.a", "clinician.trustb", "norole"])
async def test_scorecard_refused_as_scoring_refuses(
    gateway: httpx.AsyncClient, tokens: Tokens, scorecard: str, username: str
) -> None:
    headers = await tokens.headers(username)
    direct = await gateway.get(f"{SCORING}/{scorecard}/scorecard", headers=headers)
    through = await gateway.get(
        f"{REPORTS}/{scorecard}/board-assurance-scorecard.pdf", headers=headers
    )
    assert through.status_code == direct.status_code in (403, 404)
    assert through.json()["detail"] == direct.json()["detail"]


# --- HEAT ------------------------------------------------------------------------------------


def _heat_answers() -> dict[str, str]:
    prepare = ["prepare_scope", "prepare_sponsor", "prepare_team", "prepare_evidence"]
    dims = ["age", "disability", "gender_reassignment", "marriage", "pregnancy", "race",
            "religion", "sex", "sexual_orientation", "socioeconomic", "geography",
            "inclusion_health"]  # fmt: skip
    answers = dict.fromkeys(prepare, "yes") | {f"dim_{d}": "considered" for d in dims}
    answers |= {"dim_race": "inequality_found", "prepare_team": "no"}
    answers |= dict.fromkeys(["refine_actions", "refine_equality_duty", "refine_measures"], "yes")
    return answers | {"assess_data": "yes", "assess_gaps": "yes", "assess_drivers": "partly"}


@pytest.fixture(scope="module")
async def heat(gateway: httpx.AsyncClient, tokens: Tokens) -> dict[str, str]:
    analyst = await tokens.headers("analyst")  # a role at the owning organisation
    name = f"Virtual wards {uuid.uuid4().hex[:6]}"
    project = ok(
        await gateway.post(
            "/api/scoring/projects", json={"name": name, "kind": "programme"}, headers=analyst
        ),
        201,
    )
    made = await create(gateway, analyst, "heat", project_id=project["id"],
                        responses=_heat_answers(), episode_type="initial",
                        review_in_months=12, submit=True)  # fmt: skip
    ok(
        await gateway.post(
            f"{SCORING}/{made['id']}/actions",
            json={"description": "Interpreter at first contact", "owner": "Service manager",
                  "due_on": "2026-09-30"},
            headers=analyst,
        ),
        201,
    )  # fmt: skip
    await create(gateway, analyst, "heat-audit", project_id=project["id"], submit=True,
                 responses={"stage_reached": "assess", "sponsor_named": "yes",
                            "data_used": "yes", "data_gaps_found": "yes",
                            "reviewed_in_time": "not_yet_due", "impact_race": "improved"})  # fmt: skip
    return {"id": str(made["id"]), "name": name}


async def test_heat_summary_with_stages_actions_and_review(
    gateway: httpx.AsyncClient, tokens: Tokens, heat: dict[str, str]
) -> None:
    analyst = await tokens.headers("analyst")
    base = f"{REPORTS}/{heat['id']}/heat-summary"
    pdf = await _get(gateway, f"{base}.pdf", analyst)
    assert assert_accessible(pdf.content, "Health Equity Assessment Tool (HEAT) summary") == 1
    text = flat(pdf.content)
    assert heat["name"] in text
    assert "Interpreter at first contact" in text
    assert "Service manager" in text
    assert "30 September 2026" in text
    assert "1 March 2027" in text  # the review, 12 months on
    assert "Audit of HEAT use" not in text

    stages = rows((await _get(gateway, f"{base}/stages.csv", analyst)).text)
    assert stages["Prepare"] == ["4", "4", "1", "no"]  # the team prompt is not yet done
    assert stages["Assess"][3] == "yes"
    direct = ok(await gateway.get(f"{SCORING}/{heat['id']}/stages", headers=analyst))
    assert [(s["title"], s["completed"]) for s in direct] == [
        (title, values[3] == "yes") for title, values in stages.items()
    ]
    dimensions = rows((await _get(gateway, f"{base}/dimensions.csv", analyst)).text)
    assert dimensions["Race and ethnicity"] == ["Considered: an inequality was found"]
    assert len(dimensions) == 12
    actions = rows((await _get(gateway, f"{base}/actions.csv", analyst)).text)
    assert actions["Interpreter at first contact"][0] == "Service manager"
    absent = await gateway.get(f"{base}/audit-use.csv", headers=analyst)
    assert absent.status_code == 404  # the audit only when asked


async def test_heat_summary_with_the_organisations_audit(
    gateway: httpx.AsyncClient, tokens: Tokens, heat: dict[str, str]
) -> None:
    analyst = await tokens.headers("analyst")
    base = f"{REPORTS}/{heat['id']}/heat-summary"
    pdf = await _get(gateway, f"{base}.pdf", analyst, audit="true")
    assert assert_accessible(pdf.content, "Health Equity Assessment Tool (HEAT) summary") == 2
    assert "Audit of HEAT use and impact across EQA" in flat(pdf.content)
    audit = ok(await gateway.get("/api/scoring/organisations/EQA/heat-audit", headers=analyst))
    use = rows((await _get(gateway, f"{base}/audit-use.csv", analyst, audit="true")).text)
    # Scoring's figures as they were when each was read: other tests add projects meanwhile.
    assert int(use["Projects and programmes"][0]) >= 1
    assert int(use["Actions taken"][0]) >= 1
    impact = rows((await _get(gateway, f"{base}/audit-impact.csv", analyst, audit="true")).text)
    assert int(impact["Race and ethnicity"][0]) >= 1
    assert audit["impact_by_group"]["impact_race"]["improved"] >= 1


@pytest.mark.parametrize("username", ["clinician.trustb", "norole"])
async def test_heat_summary_refused_as_scoring_refuses(
    gateway: httpx.AsyncClient, tokens: Tokens, heat: dict[str, str], username: str
) -> None:
    headers = await tokens.headers(username)
    direct = await gateway.get(f"{SCORING}/{heat['id']}/stages", headers=headers)
    through = await gateway.get(f"{REPORTS}/{heat['id']}/heat-summary.pdf", headers=headers)
    assert through.status_code == direct.status_code in (403, 404)
    assert through.json()["detail"] == direct.json()["detail"]
