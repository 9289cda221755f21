"""Report 1 through the gateway with real tokens: the person's HEF profile as PDF, HTML and
CSV, only ever about that person, refused exactly as scoring refuses, and a 503 problem when
scoring cannot be reached."""

import uuid

import httpx
import pytest
from equitas_stack.stack import Stack, free_port

from services.reporting.main import create_app
from services.reporting.settings import ReportingSettings
from services.reporting.tests.api.pdf_checks import assert_accessible, pages_text
from services.scoring.tests.api.hef import create_person, submit_complete
from tests.support.fixtures import Tokens, create_team
from tests.support.world import next_nhs_number

pytestmark = pytest.mark.asyncio(loop_scope="session")
CLINICIAN = "clinician.a"


def spaced(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}"


async def _person_with_history(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    team: str,
    number: str,
    family_name: str,
) -> tuple[str, list[str]]:
    person = await create_person(
        gateway, headers, team, number, family_name=family_name, birth_date="1984-02-29"
    )
    ids = []
    for code, on, episode in (
        ("high", "2026-01-10", "referral"),
        ("moderate", "2026-02-10", "review"),
        ("low", "2026-04-10", "discharge"),
    ):
        answer = await submit_complete(
            gateway, headers, person["id"], code, assessed_on=on, episode_type=episode
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return person["id"], ids


@pytest.fixture(scope="module")
async def two_people(gateway: httpx.AsyncClient, tokens: Tokens) -> dict[str, object]:
    team = await create_team(gateway, tokens, {CLINICIAN: "member", "team.lead": "lead"})
    headers = await tokens.headers(CLINICIAN)
    first_number, other_number = next_nhs_number(), next_nhs_number()
    person, ids = await _person_with_history(gateway, headers, team, first_number, "Reportee")
    other, _ = await _person_with_history(gateway, headers, team, other_number, "Otherperson")
    return {
        "person": person,
        "ids": ids,
        "number": first_number,
        "other": other,
        "other_number": other_number,
    }


async def test_profile_pdf_holds_the_figures_and_only_this_person(
    gateway: httpx.AsyncClient, tokens: Tokens, two_people: dict[str, object]
) -> None:
    headers = await tokens.headers(CLINICIAN)
    answer = await gateway.get(
        f"/api/reporting/people/{two_people['person']}/hef-profile.pdf", headers=headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    pages = pages_text(answer.content)
    number = spaced(str(two_people["number"]))
    for page in pages:  # the running header: who this is, on every page
        assert "Jo Reportee" in page
        assert number in page
        assert "29 February 1984" in page
    text = " ".join(" ".join(pages).split())
    # Latest (all low: social 6 x 1 = 6); first (all high: 18); previous (all moderate: 12).
    assert "Social determinants" in text
    assert "-12 (less impact)" in text
    assert "-6 (less impact)" in text
    assert "Low impact" in text
    assert "Suggested actions" in text
    assert "discharge" in text
    assert "10 April 2026" in text
    # Nobody else's identifiers, and the other person is on the same caseload.
    assert "Otherperson" not in text
    assert spaced(str(two_people["other_number"])) not in text
    assert str(two_people["other_number"]) not in text
    figures = assert_accessible(answer.content, "Health Equalities Framework profile")
    assert figures == 1  # the totals at each assessment, with alt text


async def test_the_report_names_who_recorded_the_assessment(
    gateway: httpx.AsyncClient, tokens: Tokens, two_people: dict[str, object]
) -> None:
    # Read by the team's lead: the recorder is named as the team lists them, never by an id.
    answer = await gateway.get(
        f"/api/reporting/people/{two_people['person']}/hef-profile.html",
        headers=await tokens.headers("team.lead"),
    )
    assert answer.status_code == 200, answer.text
    text = " ".join(answer.text.split())
    assert "Asha Patel, team" in text
    assert "staff member" not in text


async def test_an_earlier_assessment_and_the_html_and_csv(
    gateway: httpx.AsyncClient, tokens: Tokens, two_people: dict[str, object]
) -> None:
    headers = await tokens.headers(CLINICIAN)
    base = f"/api/reporting/people/{two_people['person']}/hef-profile"
    ids = two_people["ids"]
    assert isinstance(ids, list)
    first = await gateway.get(f"{base}.pdf", params={"assessment": ids[0]}, headers=headers)
    assert first.status_code == 200, first.text
    text = " ".join(" ".join(pages_text(first.content)).split())
    assert "first HEF assessment" in text
    assert "High impact" in text
    assert assert_accessible(first.content, "Health Equalities Framework profile") == 1

    html = await gateway.get(f"{base}.html", params={"assessment": ids[1]}, headers=headers)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert '<html lang="en-GB">' in html.text
    assert '<th scope="col">' in html.text
    assert "latest assessment only" in html.text  # an earlier one: no suggested actions

    csv = await gateway.get(f"{base}/change.csv", headers=headers)
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("Determinant,First (10 January 2026),Previous (10 February 2026)")
    assert lines[1].startswith("Social determinants,18,12,6,")
    missing = await gateway.get(f"{base}/nothing.csv", headers=headers)
    assert missing.status_code == 422

    unknown = await gateway.get(
        f"{base}.pdf", params={"assessment": str(uuid.uuid4())}, headers=headers
    )
    assert unknown.status_code == 404


@pytest.mark.parametrize("username", ["clinician.b", "clinician.trustb", "analyst", "norole"])
async def test_refused_exactly_as_scoring_refuses(
    gateway: httpx.AsyncClient, tokens: Tokens, two_people: dict[str, object], username: str
) -> None:
    headers = await tokens.headers(username)
    person = two_people["person"]
    from_scoring = await gateway.get(f"/api/scoring/people/{person}", headers=headers)
    for suffix in (".pdf", ".html", "/profile.csv"):
        answer = await gateway.get(
            f"/api/reporting/people/{person}/hef-profile{suffix}", headers=headers
        )
        assert answer.status_code == from_scoring.status_code in (403, 404)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["detail"] == from_scoring.json()["detail"]
        assert "Reportee" not in answer.text


async def test_scoring_unreachable_is_a_503_problem(
    stack: Stack, tokens: Tokens, two_people: dict[str, object]
) -> None:
    """A reporting app of its own whose scoring address is a closed port."""
    app = create_app(
        ReportingSettings(
            environment="test",
            database_url=stack.database_url,
            database_name=f"{stack.config.database_prefix}reporting",
            migrate_on_start=False,
            oidc_issuer=stack.config.issuer,
            oidc_jwks_url=f"http://127.0.0.1:{stack.config.idp_port}/idp/jwks",
            scoring_url=f"http://127.0.0.1:{free_port()}",  # nothing listens there
            upstream_attempts=2,
            upstream_backoff_s=0.01,
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://reporting"
        ) as client,
    ):
        answer = await client.get(
            f"/api/reporting/people/{two_people['person']}/hef-profile.pdf",
            headers=await tokens.headers(CLINICIAN),
        )
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "5"
    assert "scoring" in answer.json()["detail"]


async def test_scoring_audits_the_reads_behind_a_report_under_its_request_id(
    gateway: httpx.AsyncClient, tokens: Tokens, two_people: dict[str, object]
) -> None:
    request_id = f"report-{uuid.uuid4().hex}"
    answer = await gateway.get(
        f"/api/reporting/people/{two_people['person']}/hef-profile.pdf",
        headers={**await tokens.headers(CLINICIAN), "X-Request-Id": request_id},
    )
    assert answer.status_code == 200
    assert answer.headers["x-request-id"] == request_id
    audit = await gateway.get(
        "/api/scoring/audit",
        params={"entity_id": str(two_people["person"]), "action": "read", "limit": "100"},
        headers=await tokens.headers("org.admin"),
    )
    assert audit.status_code == 200, audit.text
    entries = [e for e in audit.json()["items"] if e["request_id"] == request_id]
    assert entries, "the person's read is audited under the report's request id"
    assert {e["entity_type"] for e in entries} == {"person"}
    assert {e["outcome"] for e in entries} == {"allowed"}
    # ...and each of the person's assessments the report read, under the same id.
    ids = two_people["ids"]
    assert isinstance(ids, list)
    for assessment in (ids[0], ids[1], ids[2]):  # first, previous and the latest
        read = await gateway.get(
            "/api/scoring/audit",
            params={"entity_id": assessment, "action": "read", "limit": "100"},
            headers=await tokens.headers("org.admin"),
        )
        assert any(e["request_id"] == request_id for e in read.json()["items"])


async def test_a_person_with_no_submitted_hef_has_no_profile_to_report(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    team = await create_team(gateway, tokens, {CLINICIAN: "member"})
    headers = await tokens.headers(CLINICIAN)
    person = await create_person(gateway, headers, team, next_nhs_number(), family_name="Undrafted")
    answer = await gateway.get(
        f"/api/reporting/people/{person['id']}/hef-profile.pdf", headers=headers
    )
    assert answer.status_code == 404
    assert answer.json()["detail"] == "This person has no submitted HEF assessment to report on"
