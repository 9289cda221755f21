"""The private board self-assessment report through the gateway: made from the answers or
from the link's code (the same report either way), carrying the link that reopens the
answers, refused as scoring refuses a bad code, never a GET or a job, and storing nothing:
every table of every service database is the same before and after, and no log line holds
an answer or the code."""

import csv
import io
import uuid

import httpx
import pytest
from equitas_stack.stack import Stack

from services.reporting.tests.api.pdf_checks import assert_accessible, pages_text
from services.scoring.tests.api.board_helpers import ok, self_assessment_answers
from services.scoring.tests.api.test_private_mode import _logs, _quiet_snapshot
from tests.support.fixtures import Tokens

pytestmark = pytest.mark.asyncio(loop_scope="session")
REPORT = "/api/reporting/private/board-self-assessment"
SCORING = "/api/scoring/private/board-self-assessment"
TITLE = "Board self-assessment on health inequalities"


def _table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def test_the_report_from_the_answers_and_from_the_link_is_the_same(
    gateway: httpx.AsyncClient, tokens: Tokens, public_url: str
) -> None:
    board = await tokens.headers("board.member")
    answers = self_assessment_answers("in_place", data="planned")
    code = ok(await gateway.post(SCORING, json={"responses": answers}))["code"]

    pdf = await gateway.post(f"{REPORT}.pdf", json={"responses": answers}, headers=board)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "no-store"
    assert assert_accessible(pdf.content, TITLE) == 1
    pages = pages_text(pdf.content)
    for page in pages:
        assert "Private board self-assessment · not stored by Equitas" in page
    text = " ".join(" ".join(pages).split())
    assert "Reopen these answers" in text
    assert "Data, insight, evidence and evaluation 25 Emerging 7 7" in text
    link = f"{public_url}/board/private#code={code}"
    assert link in "".join(text.split()), "the PDF carries the link that reopens the answers"

    from_link = await gateway.post(f"{REPORT}.pdf", json={"code": code}, headers=board)
    assert from_link.status_code == 200, from_link.text
    assert link in "".join("".join(pages_text(from_link.content)).split())
    for table in ("domains", "objectives", "answers"):
        by_answers = await gateway.post(
            f"{REPORT}/{table}.csv", json={"responses": answers}, headers=board
        )
        by_code = await gateway.post(f"{REPORT}/{table}.csv", json={"code": code}, headers=board)
        assert by_answers.status_code == by_code.status_code == 200
        assert by_answers.text == by_code.text
    found = await gateway.post(f"{REPORT}/domains.csv", json={"code": code}, headers=board)
    rows = {r[0]: r[1:] for r in _table(found.text)[1:]}
    assert rows["Overall"] == ["61", "Maturing", "25", "25"]

    html = await gateway.post(f"{REPORT}.html", json={"code": code}, headers=board)
    assert html.status_code == 200
    assert f'<a href="{link}">' in html.text


async def test_refused_as_scoring_refuses_and_never_in_a_url_or_a_job(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = await tokens.headers("clinician.a")  # anyone logged in may make one
    code = ok(await gateway.post(SCORING, json={"responses": self_assessment_answers()}))["code"]
    changed = code[:10] + ("A" if code[10] != "A" else "B") + code[11:]
    for body in ({"code": changed}, {"code": code[:-3]}, {"code": code, "responses": {}}, {}):
        direct = await gateway.post(SCORING, json=body)
        through = await gateway.post(f"{REPORT}.pdf", json=body, headers=headers)
        assert direct.status_code == through.status_code == 422
        assert through.json()["detail"] == direct.json()["detail"]
        assert through.json()["errors"] == direct.json()["errors"]
    assert (await gateway.post(f"{REPORT}.pdf", json={"code": code})).status_code == 401
    # The answers never travel in a URL: there is no GET of it.
    assert (await gateway.get(f"{REPORT}.pdf", headers=headers)).status_code == 405
    job = await gateway.post(
        "/api/reporting/jobs", json={"report": "private-board-self-assessment"}, headers=headers
    )
    assert job.status_code == 422


async def test_a_private_report_stores_nothing_and_logs_no_answer(
    gateway: httpx.AsyncClient, stack: Stack, tokens: Tokens
) -> None:
    board = await tokens.headers("board.member")  # the IdP is asked before, not during
    answers = self_assessment_answers("embedded", leadership="planned")
    code = ok(await gateway.post(SCORING, json={"responses": answers}))["code"]
    marker = f"MARKER{uuid.uuid4().hex}"
    before = await _quiet_snapshot(stack)
    for suffix in (".pdf", ".html", "/answers.csv"):
        made = await gateway.post(f"{REPORT}{suffix}", json={"responses": answers}, headers=board)
        assert made.status_code == 200, made.text
    again = await gateway.post(f"{REPORT}.pdf", json={"code": code}, headers=board)
    assert again.status_code == 200
    refused = await gateway.post(
        f"{REPORT}.pdf", json={"responses": {**answers, marker: "embedded"}}, headers=board
    )
    assert refused.status_code == 422
    assert (
        await gateway.post(f"{REPORT}.pdf", json={"code": marker}, headers=board)
    ).status_code == 422
    after = await _quiet_snapshot(stack)
    changed = {t: (before.get(t), after.get(t)) for t in before.keys() | after.keys()
               if before.get(t) != after.get(t)}  # fmt: skip
    assert not changed, f"tables changed by a private report: {changed}"
    logs = _logs(stack)
    for secret in (marker, code):
        assert secret not in logs
