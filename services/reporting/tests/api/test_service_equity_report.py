"""The service equity report through the gateway, from a dataset the test imports: the
figures are aggregation's (hand-worked here), a count aggregation hides is shown as
suppressed in the PDF and every CSV (never worked out), representation and evaluation only
when asked, and the caller is refused exactly as aggregation refuses the summary."""

import csv
import io
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from services.reporting.service_equity.tables import group_label
from services.reporting.tests.api.pdf_checks import assert_accessible, pages_text
from tests.support.fixtures import Tokens

pytestmark = pytest.mark.asyncio(loop_scope="session")
EQUITY = "/api/aggregation/equity"
TITLE = "Service equity report"
HEADER = "referral_date,opted_in,appointments_offered,appointments_dna,age_band,sex,imd_decile"
ASKED = {"reference": "", "intervention": "2025-06-01", "focus": "1"}


def _rows() -> list[str]:
    """IMD quintile 1: 100 women, 80 of 400 appointments missed (before 1 June 2025: 60 of
    200, after: 20 of 200); quintile 5: 100 men, 40 of 400 missed (20 and 20), and 3 people
    of another sex (a count aggregation hides), 6 appointments, none missed."""
    rows = []
    for i in range(100):
        day = "2025-03-10" if i < 50 else "2025-09-10"
        dna = [2, 1, 1, 1, 1][i % 5] if i < 50 else [1, 1, 0, 0, 0][i % 5]
        rows.append(f"{day},yes,4,{dna},25-34,2,1")
    for i in range(100):
        day = "2025-03-10" if i < 50 else "2025-09-10"
        rows.append(f"{day},{'no' if i < 20 else 'yes'},4,{[1, 0, 0, 1, 0][i % 5]},25-34,1,10")
    rows.extend(f"2025-04-0{d},yes,2,0,35-44,9,10" for d in (1, 2, 3))
    return rows


@pytest.fixture(scope="module")
async def dataset(gateway: httpx.AsyncClient, tokens: Tokens) -> dict[str, str]:
    admin = await tokens.headers("org.admin")
    made = await gateway.post(
        f"{EQUITY}/datasets", json={"unit_code": "EQA", "title": "Report test"}, headers=admin
    )
    assert made.status_code == 201, made.text
    dataset_id = str(made.json()["id"])
    sent = await gateway.post(
        f"{EQUITY}/datasets/{dataset_id}/files",
        content=("\n".join([HEADER, *_rows()]) + "\n").encode(),
        headers=admin | {"Content-Type": "text/csv"},
    )
    assert sent.status_code == 201, sent.text
    reference = await gateway.post(
        f"{EQUITY}/reference-populations",
        json={
            "title": "Report test",
            "dimension": "sex",
            "counts": [
                {"area_code": "E01000001", "category": "female", "people": 600},
                {"area_code": "E01000001", "category": "male", "people": 400},
            ],
        },
        headers=admin,
    )
    assert reference.status_code == 201, reference.text
    step = await gateway.post(
        f"{EQUITY}/datasets/{dataset_id}/steps",
        json={"stage": "adjustment", "action": "appointment_flexibility",
              "owner_role": "Service manager", "due_on": "2026-06-30", "analysis": "engagement",
              "breakdown": "imd_quintile", "category": "1"},
        headers=admin,
    )  # fmt: skip
    assert step.status_code == 201, step.text
    return {"id": dataset_id, "reference": str(reference.json()["id"])}


def _base(dataset: dict[str, str]) -> str:
    return f"/api/reporting/equity/datasets/{dataset['id']}/service-equity"


def _asked(dataset: dict[str, str]) -> dict[str, str]:
    return {**ASKED, "reference": dataset["reference"]}


def _csv(text: str) -> dict[str, dict[str, str]]:
    """Rows by their first cell, each a mapping of heading to value."""
    reader = csv.DictReader(io.StringIO(text))
    first = (reader.fieldnames or [""])[0]
    return {row[first]: row for row in reader}


async def _table(
    gateway: httpx.AsyncClient, dataset: dict[str, str], name: str, headers: dict[str, str]
) -> dict[str, dict[str, str]]:
    answer = await gateway.get(
        f"{_base(dataset)}/{name}.csv", params=_asked(dataset), headers=headers
    )
    assert answer.status_code == 200, answer.text
    return _csv(answer.text)


def _shown(count: dict[str, Any]) -> str:
    return "suppressed" if count["value"] is None else str(count["value"])


async def test_the_report_shows_aggregations_figures(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: dict[str, str]
) -> None:
    analyst = await tokens.headers("analyst")
    pdf = await gateway.get(f"{_base(dataset)}.pdf", params=_asked(dataset), headers=analyst)
    assert pdf.status_code == 200, pdf.text
    assert assert_accessible(pdf.content, TITLE) == 2  # completeness and DNA, with alt text
    box = PdfReader(io.BytesIO(pdf.content)).pages[0].mediabox
    assert box.width > box.height
    pages = pages_text(pdf.content)
    for page in pages:
        assert "EQA · Report test · aggregated figures, no personal data" in page
    text = " ".join(" ".join(pages).split())
    for words in ("Data completeness", "Who is missing", "Did the change help?", "suppressed",
                  "The gap narrowed", "Appointment flexibility", "Service manager"):  # fmt: skip
        assert words in text

    quintiles = await _table(gateway, dataset, "engagement-imd-quintile", analyst)
    assert quintiles["1"]["Referrals"] == "100"
    assert quintiles["1"]["DNA (%)"] == "20"  # 80 of 400
    assert quintiles["5"]["DNA (%)"] == "9.9"  # 40 of 406
    assert quintiles["5"]["Opt-in (%)"] == "80.6"  # 83 of 103
    evaluation = await _table(gateway, dataset, "evaluation", analyst)
    assert (evaluation["1"]["Before"], evaluation["1"]["After"]) == ("30", "10")
    assert evaluation["1"]["Change"] == "-20"
    assert "Gap: 1 against everyone else" in evaluation
    representation = await _table(gateway, dataset, "representation", analyst)
    assert representation["Female"]["Share of the reference population (%)"] == "60"
    plan = await _table(gateway, dataset, "plan", analyst)
    assert plan["Appointment flexibility"]["Owner"] == "Service manager"


async def test_suppressed_cells_are_never_unsuppressed(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: dict[str, str]
) -> None:
    analyst = await tokens.headers("analyst")
    summary = await gateway.get(f"{EQUITY}/datasets/{dataset['id']}/summary", headers=analyst)
    assert summary.status_code == 200
    hidden = 0
    for answer in summary.json()["engagement"]:
        shown = await _table(
            gateway, dataset, f"engagement-{answer['by'].replace('_', '-')}", analyst
        )
        heading = next(iter(next(iter(shown.values()))))
        for row in [*answer["rows"], {**answer["total"], "category": "Everyone"}]:
            label = "Everyone" if row["category"] == "Everyone" else group_label(row["category"])
            assert shown[label]["Referrals"] == _shown(row["referrals"]), (heading, label)
            hidden += row["referrals"]["value"] is None
            for measure, figure in row["figures"].items():
                if figure["value"] is None and figure["withheld"]:
                    column = next(c for c in shown[label] if c.startswith(
                        {"opt_in": "Opt-in", "dna": "DNA", "drop_out": "Drop-out",
                         "length_of_stay": "Length of stay", "outcome_change": "Outcome"}[measure]
                    ))  # fmt: skip
                    assert shown[label][column] == "withheld", (heading, label, measure)
    assert hidden >= 1, "the three people of another sex are hidden"
    completeness = await _table(gateway, dataset, "completeness", analyst)
    for row in summary.json()["completeness"]:
        label = next(k for k in completeness if k.lower() == row["field"].replace("_", " "))
        for key, heading in (("records", "Records"), ("recorded", "Recorded"),
                             ("not_stated", "Not stated"), ("not_known", "Not known")):  # fmt: skip
            assert completeness[label][heading] == _shown(row[key])
    html = await gateway.get(f"{_base(dataset)}.html", headers=analyst)
    assert html.status_code == 200
    assert 'class="number suppressed">suppressed' in html.text


async def test_representation_and_evaluation_only_when_asked(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: dict[str, str]
) -> None:
    analyst = await tokens.headers("analyst")
    pdf = await gateway.get(f"{_base(dataset)}.pdf", headers=analyst)
    assert pdf.status_code == 200
    text = " ".join(" ".join(pages_text(pdf.content)).split())
    assert "Who is missing" not in text
    assert "Did the change help?" not in text
    for table in ("representation", "evaluation"):
        absent = await gateway.get(f"{_base(dataset)}/{table}.csv", headers=analyst)
        assert absent.status_code == 404
    # Aggregation's own checks, with its words.
    backwards = {"from": "2025-06-01", "to": "2025-01-01"}
    direct = await gateway.get(
        f"{EQUITY}/datasets/{dataset['id']}/summary", params=backwards, headers=analyst
    )
    through = await gateway.get(f"{_base(dataset)}.pdf", params=backwards, headers=analyst)
    assert direct.status_code == through.status_code == 422
    assert through.json()["errors"] == direct.json()["errors"]


@pytest.mark.parametrize("username", ["team.lead", "clinician.a", "clinician.trustb", "norole"])
async def test_refused_as_aggregation_refuses(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: dict[str, str], username: str
) -> None:
    headers = await tokens.headers(username)
    direct = await gateway.get(f"{EQUITY}/datasets/{dataset['id']}/summary", headers=headers)
    assert direct.status_code in (403, 404)
    for suffix in (".pdf", ".html", "/completeness.csv"):
        through = await gateway.get(f"{_base(dataset)}{suffix}", headers=headers)
        assert through.status_code == direct.status_code
        assert through.json()["detail"] == direct.json()["detail"]
