"""Reports 2 and 3 through the gateway: aggregation's figures as they are (suppressed cells
shown as suppressed, never worked out), the caveats, and the same refusal as aggregation."""

from typing import Any

import httpx
import pytest

from services.aggregation.tests.api.feed_support import create_person, eventually, submit_hef
from services.reporting.tests.api.pdf_checks import assert_accessible, pages_text
from tests.support.fixtures import Tokens, create_team
from tests.support.world import next_nhs_number

pytestmark = pytest.mark.asyncio(loop_scope="session")
LEAD = "team.lead"


@pytest.fixture(scope="module")
async def team(gateway: httpx.AsyncClient, tokens: Tokens) -> str:
    """12 people (one of them female), each assessed in May 2026 (moderate); 10 of them
    again in September (low). Waits until aggregation shows the team's figures."""
    code = await create_team(gateway, tokens, {"clinician.a": "member", LEAD: "lead"})
    clinician = await tokens.headers("clinician.a")
    for n in range(12):
        person = await create_person(
            gateway, clinician, code, next_nhs_number(), sex="female" if n == 0 else "male"
        )
        first = await submit_hef(gateway, clinician, person["id"], "moderate")
        assert first.status_code == 201, first.text
        if n < 10:
            later = await submit_hef(
                gateway,
                clinician,
                person["id"],
                "low",
                assessed_on="2026-09-20",
                episode_type="review",
            )
            assert later.status_code == 201, later.text
    admin = await tokens.headers("org.admin")
    lead = await tokens.headers(LEAD)

    async def row() -> dict[str, Any] | None:
        synced = await gateway.post("/api/aggregation/feed/sync", headers=admin)
        assert synced.status_code == 200, synced.text
        answer = await gateway.get(
            "/api/aggregation/summary",
            params={"organisation": code, "period": "financial_year", "from": "2026-04-01"},
            headers=lead,
        )
        rows = answer.json().get("rows") if answer.status_code == 200 else None
        return rows[0] if rows else None

    found = await eventually(
        row, lambda r: r is not None and r["assessments"]["value"] == 20, timeout_s=30
    )
    assert found is not None
    return code


async def test_summary_pdf_shows_aggregations_figures_and_suppression(
    gateway: httpx.AsyncClient, tokens: Tokens, team: str
) -> None:
    lead = await tokens.headers(LEAD)
    params = {"organisation": team, "year": "2026"}
    answer = await gateway.get("/api/reporting/hef-summary.pdf", params=params, headers=lead)
    assert answer.status_code == 200, answer.text
    pages = pages_text(answer.content)
    for page in pages:
        assert f"{team} · HEF summary 2026/27" in page
    text = " ".join(" ".join(pages).split())
    assert "suppressed" in text
    assert "Reading these figures" in text
    figures = assert_accessible(answer.content, "HEF summary 2026/27")
    assert figures == 6  # quarters, determinants and four breakdowns, each with alt text

    # The CSVs hold exactly what aggregation answers: hidden cells stay hidden.
    by_sex = await gateway.get(
        "/api/aggregation/summary",
        params={
            "organisation": team,
            "period": "financial_year",
            "from": "2026-04-01",
            "to": "2027-03-31",
            "by": "sex",
        },
        headers=lead,
    )
    assert by_sex.status_code == 200
    expected = {r["breakdown"]["sex"]: r["people"] for r in by_sex.json()["rows"]}
    assert expected["female"]["suppressed"] is True
    csv = await gateway.get("/api/reporting/hef-summary/sex.csv", params=params, headers=lead)
    assert csv.status_code == 200, csv.text
    shown = {line.split(",")[0]: line.split(",")[1] for line in csv.text.splitlines()[1:]}
    for sex, people in expected.items():
        if people["suppressed"]:
            assert shown[sex] == "suppressed"
        else:
            assert shown[sex] == str(people["value"])
    headline = await gateway.get(
        "/api/reporting/hef-summary/headline.csv", params=params, headers=lead
    )
    assert headline.text.splitlines()[1].startswith(f"{team},10,20,")  # 12 people -> 10


async def test_refused_as_aggregation_refuses(
    gateway: httpx.AsyncClient, tokens: Tokens, team: str
) -> None:
    for username in ("clinician.a", "norole"):
        headers = await tokens.headers(username)
        params = {"organisation": team, "year": "2026"}
        direct = await gateway.get("/api/aggregation/summary", params=params, headers=headers)
        through = await gateway.get(
            "/api/reporting/hef-summary.pdf", params=params, headers=headers
        )
        assert direct.status_code == through.status_code == 403
        assert through.json()["detail"] == direct.json()["detail"]


async def test_commissioner_pack_lists_trusts_unranked(
    gateway: httpx.AsyncClient, tokens: Tokens, team: str
) -> None:
    commissioner = await tokens.headers("commissioner")
    answer = await gateway.get(
        "/api/reporting/commissioner-pack.html",
        params={"icb": "QZZ", "year": "2026"},
        headers=commissioner,
    )
    assert answer.status_code == 200, answer.text
    assert "they are not ranked" in answer.text
    pdf = await gateway.get(
        "/api/reporting/commissioner-pack.pdf",
        params={"icb": "QZZ", "year": "2026"},
        headers=commissioner,
    )
    assert pdf.status_code == 200, pdf.text
    assert_accessible(pdf.content, "Commissioner pack: HEF across the trusts of QZZ, 2026/27")


async def _finished(gateway: httpx.AsyncClient, url: str, headers: dict[str, str]) -> Any:
    async def probe() -> Any:
        answer = await gateway.get(url, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    return await eventually(probe, lambda job: job["status"] in ("done", "failed"))


async def test_a_job_makes_the_report_for_its_requester_only(
    gateway: httpx.AsyncClient, tokens: Tokens, team: str
) -> None:
    lead = await tokens.headers(LEAD)
    created = await gateway.post(
        "/api/reporting/jobs",
        json={"report": "hef-summary", "organisation": team, "year": 2026},
        headers=lead,
    )
    assert created.status_code == 202, created.text
    url = created.headers["location"]
    assert url == f"/api/reporting/jobs/{created.json()['id']}"
    assert created.json()["status"] == "queued"
    job = await _finished(gateway, url, lead)
    assert job["status"] == "done", job
    assert job["progress"] == 100
    assert job["expires_at"] is not None
    result = await gateway.get(job["result_url"], headers=lead)
    assert result.status_code == 200
    assert result.headers["content-type"] == "application/pdf"
    assert_accessible(result.content, "HEF summary 2026/27")

    for username in ("analyst", "clinician.a"):  # another user: the job does not exist
        other = await tokens.headers(username)
        assert (await gateway.get(url, headers=other)).status_code == 404
        assert (await gateway.get(job["result_url"], headers=other)).status_code == 404
        assert (await gateway.delete(url, headers=other)).status_code == 404

    assert (await gateway.delete(url, headers=lead)).status_code == 204
    assert (await gateway.get(url, headers=lead)).status_code == 404


async def test_a_job_is_refused_at_once_as_aggregation_refuses(
    gateway: httpx.AsyncClient, tokens: Tokens, team: str
) -> None:
    clinician = await tokens.headers("clinician.a")
    direct = await gateway.get(
        "/api/aggregation/summary", params={"organisation": team}, headers=clinician
    )
    created = await gateway.post(
        "/api/reporting/jobs",
        json={"report": "hef-summary", "organisation": team, "format": "html"},
        headers=clinician,
    )
    assert created.status_code == direct.status_code == 403
    assert created.json()["detail"] == direct.json()["detail"]

    no_icb = await gateway.post(
        "/api/reporting/jobs", json={"report": "commissioner-pack"}, headers=clinician
    )
    assert no_icb.status_code == 422
    assert no_icb.json()["errors"][0]["field"] == "body.icb"
