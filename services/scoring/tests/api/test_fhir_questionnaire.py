"""HEF results back into the care record (issue 17, item 5), through the gateway with the
demo EPRs' tokens: every instrument is a Questionnaire whose canonical URL resolves; an EPR
reads and searches its organisation's submitted assessments as QuestionnaireResponses
(audited; another trust's are not found) and sends completed ones back as submitted
assessments, validated item by item."""

import copy
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from equitas_stack.stack import Stack

from services.scoring.instruments.questionnaire import validate_fhir
from services.scoring.tests.api.fhir_helpers import (
    FHIR_JSON,
    RIO,
    SYSTMONE,
    assert_operation_outcome,
    epr_headers,
    scoring_db,
)
from services.scoring.tests.api.hef import HEF, NewTeam, create_person, submit_complete
from tests.support.fixtures import Tokens

HEF_ID = f"hef-standard-{HEF.version}"
TEAM_SYSTEM = "https://equitas.nhs.example/fhir/Id/team-code"
EPISODE_URL = "https://equitas.nhs.example/fhir/StructureDefinition/episode-type"


async def _audit(
    gateway: httpx.AsyncClient, tokens: Tokens, entity_id: str, **params: str
) -> list[dict[str, Any]]:
    admin = await tokens.headers("org.admin")
    answer = await gateway.get(
        "/api/scoring/audit", params={"entity_id": entity_id, **params}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def test_every_instrument_is_a_questionnaire_whose_canonical_resolves(
    gateway: httpx.AsyncClient, tokens: Tokens, public_url: str
) -> None:
    statement = (await gateway.get("/fhir/metadata")).json()
    served = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert {"Questionnaire", "QuestionnaireResponse"} <= set(served)
    assert {p["name"] for p in served["QuestionnaireResponse"]["searchParam"]} >= {
        "patient", "subject", "_lastUpdated"
    }  # fmt: skip
    headers = await epr_headers(tokens, RIO)

    read = await gateway.get(f"/fhir/Questionnaire/{HEF_ID}", headers=headers)
    assert read.status_code == 200, read.text
    questionnaire = read.json()
    validate_fhir(questionnaire)
    canonical = f"{public_url}/fhir/Questionnaire/hef-standard"
    assert (questionnaire["id"], questionnaire["url"]) == (HEF_ID, canonical)

    # The canonical URL, as any client would follow it, reaches the FHIR endpoint.
    resolved = await gateway.get(canonical, headers=headers, follow_redirects=True)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["url"] == canonical
    assert resolved.headers["content-type"].startswith(FHIR_JSON)

    by_url = await gateway.get(
        "/fhir/Questionnaire", params={"url": canonical, "version": HEF.version}, headers=headers
    )
    assert by_url.status_code == 200, by_url.text
    [entry] = by_url.json()["entry"]
    assert entry["resource"]["id"] == HEF_ID
    assert entry["fullUrl"] == f"{public_url}/fhir/Questionnaire/{HEF_ID}"
    every = (await gateway.get("/fhir/Questionnaire", headers=headers)).json()
    assert len(every["entry"]) == every["total"] >= 2
    none = await gateway.get("/fhir/Questionnaire", params={"version": "0.0.0"}, headers=headers)
    assert none.json()["total"] == 0

    assert_operation_outcome(await gateway.get("/fhir/Questionnaire/nope", headers=headers), 404)
    bad = await gateway.get("/fhir/Questionnaire", params={"title": "HEF"}, headers=headers)
    assert assert_operation_outcome(bad, 400)["issue"][0]["expression"] == ["query.title"]
    refused = await gateway.delete(f"/fhir/Questionnaire/{HEF_ID}", headers=headers)
    assert_operation_outcome(refused, 405)
    assert_operation_outcome(await gateway.get(f"/fhir/Questionnaire/{HEF_ID}"), 401)


async def _submitted(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, number: str
) -> tuple[str, dict[str, Any], str]:
    """A team, a person on its caseload and a submitted HEF: (team, person, assessment id)."""
    team = await new_team({"clinician.a": "member"})
    carer = await tokens.headers("clinician.a")
    person = await create_person(gateway, carer, team, number)
    recorded = await submit_complete(gateway, carer, person["id"], "moderate")
    assert recorded.status_code == 201, recorded.text
    return team, person, str(recorded.json()["id"])


async def test_an_epr_reads_and_searches_its_organisations_hef_results(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any,
    public_url: str,
) -> None:  # fmt: skip
    _, person, assessment_id = await _submitted(gateway, tokens, new_team, nhs_number())
    rio = await epr_headers(tokens, RIO, "patient:read")

    read = await gateway.get(f"/fhir/QuestionnaireResponse/{assessment_id}", headers=rio)
    assert read.status_code == 200, read.text
    response = read.json()
    validate_fhir(response)
    assert response["status"] == "completed"
    assert response["subject"] == {"reference": f"Patient/{person['id']}"}
    assert response["questionnaire"] == (
        f"{public_url}/fhir/Questionnaire/hef-standard|{HEF.version}"
    )
    assert response["extension"] == [{"url": EPISODE_URL, "valueCode": "referral"}]
    assert read.headers["etag"] == f'W/"{response["meta"]["versionId"]}"'
    answers = {i["linkId"]: i["answer"] for g in response["item"] for i in g["item"]}
    assert answers["housing"][0]["valueCoding"]["code"] == "moderate"
    url, version = response["questionnaire"].split("|")
    resolved = await gateway.get("/fhir/Questionnaire", params={"url": url, "version": version},
                                 headers=rio)  # fmt: skip
    assert resolved.json()["entry"][0]["resource"]["id"] == HEF_ID
    version_read = await gateway.get(
        f"/fhir/QuestionnaireResponse/{assessment_id}/_history/{response['meta']['versionId']}",
        headers=rio,
    )
    assert version_read.status_code == 200

    # Search by patient (or subject) and _lastUpdated; drafts are not results.
    draft = await gateway.post(
        f"/api/scoring/people/{person['id']}/assessments",
        json={"episode_type": "review", "assessed_on": "2026-04-01"},
        headers=await tokens.headers("clinician.a"),
    )
    assert draft.status_code == 201
    before = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for params in (
        {"patient": person["id"]},
        {"subject": f"Patient/{person['id']}", "_lastUpdated": f"ge{before}"},
        {"patient": f"Patient/{person['id']}", "_lastUpdated": "ge2026"},
    ):
        found = await gateway.get("/fhir/QuestionnaireResponse", params=params, headers=rio)
        assert found.status_code == 200, found.text
        bundle = found.json()
        assert [e["resource"]["id"] for e in bundle["entry"]] == [assessment_id], params
        assert bundle["entry"][0]["fullUrl"].endswith(
            f"/fhir/QuestionnaireResponse/{assessment_id}"
        )
    later = await gateway.get(
        "/fhir/QuestionnaireResponse",
        params={"patient": person["id"], "_lastUpdated": "gt2999-01-01"},
        headers=rio,
    )
    assert later.json()["total"] == 0
    assert "entry" not in later.json()
    bad_date = await gateway.get(
        "/fhir/QuestionnaireResponse", params={"_lastUpdated": "yesterday"}, headers=rio
    )
    assert assert_operation_outcome(bad_date, 400)["issue"][0]["expression"] == [
        "query._lastUpdated"
    ]
    assert_operation_outcome(
        await gateway.get(f"/fhir/QuestionnaireResponse/{draft.json()['id']}", headers=rio), 404
    )

    # Another trust's EPR: not found, and the attempt is in our audit log.
    systmone = await epr_headers(tokens, SYSTMONE, "patient:read")
    other = await gateway.get(f"/fhir/QuestionnaireResponse/{assessment_id}", headers=systmone)
    assert_operation_outcome(other, 404)
    theirs = await gateway.get(
        "/fhir/QuestionnaireResponse", params={"patient": person["id"]}, headers=systmone
    )
    assert theirs.json()["total"] == 0
    writer_only = await epr_headers(tokens, RIO, "patient:write")
    read_refused = await gateway.get(
        f"/fhir/QuestionnaireResponse/{assessment_id}", headers=writer_only
    )
    assert_operation_outcome(read_refused, 403)

    entries = await _audit(gateway, tokens, assessment_id)
    reads = [e for e in entries if e["action"] == "fhir-read" and e["client_id"] == RIO]
    assert len(reads) == 2
    assert all(e["outcome"] == "allowed" for e in reads)
    refused = [e for e in entries if e["outcome"] == "refused"]
    assert {(e["client_id"], e["detail"]["status"]) for e in refused} >= {
        (SYSTMONE, 404), (RIO, 403)
    }  # fmt: skip
    assert all(e["subject_organisation_code"] == "EQA" for e in refused)
    admin = await tokens.headers("org.admin")
    searches = await gateway.get(
        "/api/scoring/audit", params={"action": "fhir-search", "actor": RIO}, headers=admin
    )
    assert any(
        assessment_id in e["detail"]["returned"] and e["entity_type"] == "assessment"
        for e in searches.json()["items"]
    )


async def test_search_pages_follow_the_next_link(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    _, person, first = await _submitted(gateway, tokens, new_team, nhs_number())
    carer = await tokens.headers("clinician.a")
    more = [
        (await submit_complete(gateway, carer, person["id"], "low", episode_type="review"))
        for _ in range(2)
    ]
    expected = [first] + [str(r.json()["id"]) for r in more]
    rio = await epr_headers(tokens, RIO, "patient:read")
    seen: list[str] = []
    url: str | None = "/fhir/QuestionnaireResponse"
    params: dict[str, str] | None = {"patient": person["id"], "_count": "2"}
    while url is not None:
        page = await gateway.get(url, params=params, headers=rio)
        assert page.status_code == 200, page.text
        seen += [e["resource"]["id"] for e in page.json().get("entry", [])]
        links = {link["relation"]: link["url"] for link in page.json()["link"]}
        url, params = links.get("next"), None
    assert seen == expected


def _resendable(served: dict[str, Any]) -> dict[str, Any]:
    """What an EPR would send: the served response without the server's id and meta."""
    sent = copy.deepcopy(served)
    for element in ("id", "meta"):
        sent.pop(element)
    return sent


async def test_an_epr_sends_a_completed_hef_as_a_submitted_assessment(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any,
    stack: Stack,
) -> None:  # fmt: skip
    team, person, assessment_id = await _submitted(gateway, tokens, new_team, nhs_number())
    rio = await epr_headers(tokens, RIO)
    served = (await gateway.get(f"/fhir/QuestionnaireResponse/{assessment_id}", headers=rio)).json()
    sent = _resendable(served)
    sent["authored"] = "2026-05-02T10:30:00+01:00"
    sent["extension"] = [{"url": EPISODE_URL, "valueCode": "review"}]
    sent["item"][0]["item"][0]["answer"][0]["valueCoding"]["code"] = "high"

    created = await gateway.post("/fhir/QuestionnaireResponse", json=sent, headers=rio)
    assert created.status_code == 201, created.text
    response = created.json()
    new_id = response["id"]
    assert created.headers["location"] == (
        f"/fhir/QuestionnaireResponse/{new_id}/_history/{response['meta']['versionId']}"
    )
    assert (response["status"], response["subject"]) == ("completed", sent["subject"])

    # The clinician sees it as their team's submitted review, scored.
    carer = await tokens.headers("clinician.a")
    recorded = (await gateway.get(f"/api/scoring/assessments/{new_id}", headers=carer)).json()
    first_item = sent["item"][0]["item"][0]["linkId"]
    assert (recorded["team_code"], recorded["status"], recorded["revision"]) == (
        team, "submitted", 1
    )  # fmt: skip
    assert (recorded["episode_type"], recorded["assessed_on"]) == ("review", "2026-05-02")
    assert recorded["responses"][first_item] == "high"
    assert recorded["scores"] is not None
    entries = await _audit(gateway, tokens, new_id, action="submit")
    assert [(e["client_id"], e["detail"]["person_id"]) for e in entries] == [(RIO, person["id"])]
    async with scoring_db(stack) as conn:
        events = await conn.fetch(
            "SELECT event_type FROM feed_event WHERE person_id = $1 ORDER BY seq",
            uuid.UUID(person["id"]),
        )
        revisions = await conn.fetchval(
            "SELECT count(*) FROM assessment_revision WHERE assessment_id = $1",
            uuid.UUID(new_id),
        )
    # The People API's submission, then this one: the feed hears of both alike.
    assert [e["event_type"] for e in events] == ["assessment.submitted"] * 2
    assert revisions == 1

    # By NHS number instead of Equitas's id, with no episode type: an ad-hoc assessment.
    by_number = _resendable(served) | {
        "subject": {"identifier": {"system": "https://fhir.nhs.uk/Id/nhs-number",
                                   "value": person["nhs_number"]}},
    }  # fmt: skip
    by_number.pop("extension")
    again = await gateway.post("/fhir/QuestionnaireResponse", json=by_number, headers=rio)
    assert again.status_code == 201, again.text
    adhoc = await gateway.get(f"/api/scoring/assessments/{again.json()['id']}", headers=carer)
    assert adhoc.json()["episode_type"] == "ad-hoc"


async def test_a_wrong_response_names_every_wrong_item_and_writes_nothing(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    _, person, assessment_id = await _submitted(gateway, tokens, new_team, nhs_number())
    rio = await epr_headers(tokens, RIO)
    served = (await gateway.get(f"/fhir/QuestionnaireResponse/{assessment_id}", headers=rio)).json()
    section, second = served["item"][0], served["item"][1]
    [first_item, dropped, *_] = section["item"]
    wrong = _resendable(served)
    wrong["item"][0]["item"][0]["answer"][0]["valueCoding"]["code"] = "enormous"
    wrong["item"][0]["item"].pop(1)  # a required indicator unanswered
    wrong["item"][1]["item"].append({"linkId": "shoe_size", "answer": [{"valueString": "9"}]})
    wrong["extension"] = [{"url": EPISODE_URL, "valueCode": "sometimes"}]
    answer = await gateway.post("/fhir/QuestionnaireResponse", json=wrong, headers=rio)
    issues = assert_operation_outcome(answer, 422)["issue"]
    where = {expression for issue in issues for expression in issue["expression"]}
    in_section = f"QuestionnaireResponse.item.where(linkId='{section['linkId']}')"
    assert where == {
        f"{in_section}.item.where(linkId='{first_item['linkId']}').answer[0].valueCoding.code",
        f"{in_section}.item.where(linkId='{dropped['linkId']}')",
        f"QuestionnaireResponse.item.where(linkId='{second['linkId']}').item"
        f"[{len(second['item'])}].linkId",
        "QuestionnaireResponse.extension[0].valueCode",
    }

    envelope = _resendable(served) | {
        "status": "in-progress",
        "questionnaire": served["questionnaire"].split("|")[0] + "|9.9.9",
        "authored": "2999-01-01",
    }
    answer = await gateway.post("/fhir/QuestionnaireResponse", json=envelope, headers=rio)
    where = {e for i in assert_operation_outcome(answer, 422)["issue"] for e in i["expression"]}
    assert where == {
        "QuestionnaireResponse.status",
        "QuestionnaireResponse.questionnaire",
        "QuestionnaireResponse.authored",
    }
    # Another trust's EPR cannot record for our person: to it, there is no such Patient.
    systmone = await epr_headers(tokens, SYSTMONE)
    theirs = await gateway.post(
        "/fhir/QuestionnaireResponse", json=_resendable(served), headers=systmone
    )
    issue = assert_operation_outcome(theirs, 422)["issue"][0]
    assert issue["expression"] == ["QuestionnaireResponse.subject"]
    not_fhir = await gateway.post(
        "/fhir/QuestionnaireResponse", json={**_resendable(served), "status": 7}, headers=rio
    )
    assert_operation_outcome(not_fhir, 400)
    reader = await epr_headers(tokens, RIO, "patient:read")
    assert_operation_outcome(
        await gateway.post("/fhir/QuestionnaireResponse", json=_resendable(served), headers=reader),
        403,
    )

    carer = await tokens.headers("clinician.a")
    listed = await gateway.get(f"/api/scoring/people/{person['id']}/assessments", headers=carer)
    assert [a["id"] for a in listed.json()["assessments"]] == [assessment_id]


async def test_the_team_is_the_one_caring_for_the_person(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    _, person, assessment_id = await _submitted(gateway, tokens, new_team, nhs_number())
    rio = await epr_headers(tokens, RIO)
    served = (await gateway.get(f"/fhir/QuestionnaireResponse/{assessment_id}", headers=rio)).json()
    # A second team takes the person on (the first team's member adds them: no break-glass).
    second = await new_team({"clinician.a": "member"})
    added = await gateway.post(
        f"/api/scoring/teams/{second}/caseload",
        json={"person_id": person["id"]},
        headers=await tokens.headers("clinician.a"),
    )
    assert added.status_code == 200, added.text

    ambiguous = await gateway.post("/fhir/QuestionnaireResponse", json=_resendable(served),
                                   headers=rio)  # fmt: skip
    assert assert_operation_outcome(ambiguous, 422)["issue"][0]["expression"] == [
        "QuestionnaireResponse.author"
    ]
    named = _resendable(served) | {"author": {"type": "Organization",
                                              "identifier": {"system": TEAM_SYSTEM,
                                                             "value": second}}}  # fmt: skip
    created = await gateway.post("/fhir/QuestionnaireResponse", json=named, headers=rio)
    assert created.status_code == 201, created.text
    carer = await tokens.headers("clinician.a")
    recorded = await gateway.get(f"/api/scoring/assessments/{created.json()['id']}", headers=carer)
    assert recorded.json()["team_code"] == second
    not_caring = _resendable(served) | {
        "author": {"identifier": {"system": TEAM_SYSTEM, "value": "T-NOT-CARING"}}
    }
    refused = await gateway.post("/fhir/QuestionnaireResponse", json=not_caring, headers=rio)
    assert assert_operation_outcome(refused, 422)["issue"][0]["expression"] == [
        "QuestionnaireResponse.author.identifier.value"
    ]
