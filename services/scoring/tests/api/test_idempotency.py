"""Safe retries through the gateway (issue 23, decision 0019): every POST that creates
something takes ``Idempotency-Key``. A retry with the same key and body gets the first
answer (status, body, ETag/Location) and nothing is done twice; the same key with another
body is a 422 naming the header; keys are the caller's own; a failed request keeps
nothing, so it can be retried with its key; concurrent duplicates: one is done, the
others get its answer or a 409."""

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
from equitas_stack.stack import Stack

from services.scoring.fhir.bulk_load import send
from services.scoring.fhir.extract_file import Batch
from services.scoring.tests.api.fhir_helpers import FHIR_JSON, body, patient, scoring_db
from services.scoring.tests.api.hef import NewTeam, all_rated, create_person
from tests.support.fixtures import Tokens

Json = dict[str, Any]


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _person(team: str, number: str, **fields: Any) -> Json:
    return {
        "team_code": team,
        "nhs_number": number,
        "given_name": "Ira",
        "family_name": "Retry",
        "birth_date": "1980-02-03",
        "sex": "male",
        **fields,
    }


def _assert_replayed(first: httpx.Response, again: httpx.Response) -> None:
    assert again.status_code == first.status_code, again.text
    assert again.content == first.content
    for name in ("etag", "location", "content-type"):
        assert again.headers.get(name) == first.headers.get(name), name
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers


def _assert_key_refused(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in problem["errors"]] == ["header.idempotency-key"]


async def _people_numbered(stack: Stack, number: str) -> int:
    async with scoring_db(stack) as db:
        count: int = await db.fetchval("SELECT count(*) FROM person WHERE nhs_number = $1", number)
    return count


async def test_a_retried_person_create_gets_the_first_answer_and_one_person(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    new_team: NewTeam,
    nhs_number: Callable[[], str],
    stack: Stack,
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = {**await tokens.headers("clinician.a"), **_key()}
    number = nhs_number()
    first = await gateway.post("/api/scoring/people", json=_person(team, number), headers=headers)
    assert first.status_code == 201, first.text
    again = await gateway.post("/api/scoring/people", json=_person(team, number), headers=headers)
    _assert_replayed(first, again)
    assert await _people_numbered(stack, number) == 1

    other = await gateway.post(
        "/api/scoring/people", json=_person(team, number, given_name="Other"), headers=headers
    )
    _assert_key_refused(other, 422)
    assert "different request" in other.json()["detail"]


async def test_keys_are_the_callers_own(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Callable[[], str]
) -> None:
    team = await new_team({"clinician.a": "member", "clinician.b": "member"})
    key = _key()
    mine = await gateway.post(
        "/api/scoring/people",
        json=_person(team, nhs_number()),
        headers={**await tokens.headers("clinician.a"), **key},
    )
    assert mine.status_code == 201, mine.text
    theirs = await gateway.post(
        "/api/scoring/people",
        json=_person(team, nhs_number(), given_name="Bea"),
        headers={**await tokens.headers("clinician.b"), **key},
    )
    assert theirs.status_code == 201, theirs.text  # neither a replay nor a 422
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json()["id"] != mine.json()["id"]


async def test_a_failed_request_keeps_nothing_so_its_key_can_be_retried(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Callable[[], str]
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = {**await tokens.headers("clinician.a"), **_key()}
    number = nhs_number()
    refused = await gateway.post(
        "/api/scoring/people", json=_person("NOT-MY-TEAM", number), headers=headers
    )
    assert refused.status_code == 422, refused.text
    done = await gateway.post("/api/scoring/people", json=_person(team, number), headers=headers)
    assert done.status_code == 201, done.text
    assert "idempotent-replayed" not in done.headers


@pytest.mark.parametrize(
    "key",
    ["", "has space", "x" * 256, "naïve".encode("latin-1")],
    ids=["empty", "space", "long", "non-ascii"],
)
async def test_a_malformed_key_is_422_naming_the_header(
    gateway: httpx.AsyncClient, tokens: Tokens, key: str | bytes
) -> None:
    headers = {**await tokens.headers("clinician.a"), "Idempotency-Key": key}
    response = await gateway.post(
        "/api/scoring/people",
        content=b"{}",
        headers={**headers, "Content-Type": "application/json"},
    )
    _assert_key_refused(response, 422)


async def test_recording_a_submitted_assessment_twice_records_it_once(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Callable[[], str]
) -> None:
    team = await new_team({"clinician.a": "member"})
    clinician = await tokens.headers("clinician.a")
    person = (await create_person(gateway, clinician, team, nhs_number()))["id"]
    headers = {**clinician, **_key()}
    request = {
        "episode_type": "referral",
        "assessed_on": "2026-03-01",
        "responses": all_rated("low"),
    }
    path = f"/api/scoring/people/{person}/assessments?submit=true"
    first = await gateway.post(path, json=request, headers=headers)
    assert first.status_code == 201, first.text
    again = await gateway.post(path, json=request, headers=headers)
    _assert_replayed(first, again)
    # The same body as a draft (another query) is another request.
    draft = await gateway.post(
        f"/api/scoring/people/{person}/assessments", json=request, headers=headers
    )
    _assert_key_refused(draft, 422)
    listed = await gateway.get(f"/api/scoring/people/{person}/assessments", headers=clinician)
    assert [a["id"] for a in listed.json()["assessments"]] == [first.json()["id"]]


async def test_a_retried_submit_replays_instead_of_refusing(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Callable[[], str]
) -> None:
    team = await new_team({"clinician.a": "member"})
    clinician = await tokens.headers("clinician.a")
    person = (await create_person(gateway, clinician, team, nhs_number()))["id"]
    draft = await gateway.post(
        f"/api/scoring/people/{person}/assessments",
        json={
            "episode_type": "referral",
            "assessed_on": "2026-03-01",
            "responses": all_rated("low"),
        },
        headers=clinician,
    )
    assert draft.status_code == 201, draft.text
    headers = {**clinician, **_key(), "If-Match": draft.headers["etag"]}
    path = f"/api/scoring/assessments/{draft.json()['id']}/submit"
    first = await gateway.post(path, headers=headers)
    assert first.status_code == 200, first.text
    again = await gateway.post(path, headers=headers)  # a stale If-Match, without the key
    _assert_replayed(first, again)
    without_key = await gateway.post(path, headers={**clinician, "If-Match": draft.headers["etag"]})
    assert without_key.status_code in (409, 412)
    revisions = await gateway.get(
        f"/api/scoring/assessments/{draft.json()['id']}/revisions", headers=clinician
    )
    assert len(revisions.json()) == 1


async def test_a_retried_caseload_add_replays(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Callable[[], str]
) -> None:
    north = await new_team({"clinician.a": "member"})
    south = await new_team({"clinician.a": "member"})
    clinician = await tokens.headers("clinician.a")
    person = await create_person(gateway, clinician, north, nhs_number())
    headers = {**clinician, **_key()}
    path = f"/api/scoring/teams/{south}/caseload"
    first = await gateway.post(path, json={"person_id": person["id"]}, headers=headers)
    assert first.status_code == 200, first.text
    assert sorted(first.json()["teams"]) == sorted([north, south])
    again = await gateway.post(path, json={"person_id": person["id"]}, headers=headers)
    _assert_replayed(first, again)


async def test_a_retried_fhir_patient_create_replays_and_a_changed_one_is_an_outcome(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: Callable[[], str], stack: Stack
) -> None:
    token = await tokens.system("rio-epr-demo", "patient:write patient:read")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": FHIR_JSON, **_key()}
    number = nhs_number()
    first = await gateway.post("/fhir/Patient", content=body(patient(number)), headers=headers)
    assert first.status_code == 201, first.text
    again = await gateway.post("/fhir/Patient", content=body(patient(number)), headers=headers)
    _assert_replayed(first, again)  # 201 and the same Location: not a 200 "unchanged"
    assert await _people_numbered(stack, number) == 1
    changed = await gateway.post(
        "/fhir/Patient", content=body(patient(nhs_number())), headers=headers
    )
    assert changed.status_code == 422, changed.text
    outcome = changed.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert any(
        "header.idempotency-key" in issue.get("expression", []) for issue in outcome["issue"]
    ), outcome


async def test_concurrent_duplicates_are_done_once(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    new_team: NewTeam,
    nhs_number: Callable[[], str],
    stack: Stack,
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = {**await tokens.headers("clinician.a"), **_key()}
    number = nhs_number()
    answers = await asyncio.gather(
        *(
            gateway.post("/api/scoring/people", json=_person(team, number), headers=headers)
            for _ in range(8)
        )
    )
    done = [a for a in answers if a.status_code == 201]
    busy = [a for a in answers if a.status_code == 409]
    assert len(done) + len(busy) == len(answers), [a.text for a in answers]
    assert done, "no request was done"
    assert len({a.content for a in done}) == 1  # one person, the others replayed it
    for answer in busy:
        _assert_key_refused(answer, 409)
        assert answer.headers["retry-after"] == "1"
    assert await _people_numbered(stack, number) == 1
    later = await gateway.post("/api/scoring/people", json=_person(team, number), headers=headers)
    assert later.status_code == 201
    assert later.content == done[0].content
    assert later.headers["idempotent-replayed"] == "true"


async def test_without_a_key_nothing_changes(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Callable[[], str]
) -> None:
    team = await new_team({"clinician.a": "member"})
    clinician = await tokens.headers("clinician.a")
    number = nhs_number()
    first = await gateway.post("/api/scoring/people", json=_person(team, number), headers=clinician)
    assert first.status_code == 201
    again = await gateway.post("/api/scoring/people", json=_person(team, number), headers=clinician)
    assert again.status_code == 409  # already recorded, as before


def _bundle(*numbers: str) -> bytes:
    entries = [
        {"resource": patient(number), "request": {"method": "POST", "url": "Patient"}}
        for number in numbers
    ]
    return body({"resourceType": "Bundle", "type": "batch", "entry": entries})


async def test_a_retried_bundle_replays_its_batch_response(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: Callable[[], str]
) -> None:
    token = await tokens.system("rio-epr-demo", "patient:write")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": FHIR_JSON, **_key()}
    content = _bundle(nhs_number(), nhs_number())
    first = await gateway.post("/fhir", content=content, headers=headers)
    assert first.status_code == 200, first.text
    statuses = [e["response"]["status"] for e in first.json()["entry"]]
    assert all(status.startswith("201") for status in statuses), statuses
    again = await gateway.post("/fhir", content=content, headers=headers)
    _assert_replayed(first, again)  # created, as it was: not "unchanged"


async def test_equitas_ingest_sends_a_key_of_its_own_with_each_bundle(
    public_url: str, tokens: Tokens, nhs_number: Callable[[], str]
) -> None:
    sent: list[str | None] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request.headers.get("idempotency-key"))

    token = await tokens.system("rio-epr-demo", "patient:write")
    async with httpx.AsyncClient(
        base_url=public_url,
        headers={"Authorization": f"Bearer {token}"},
        event_hooks={"request": [record]},
        timeout=60,
    ) as http:
        for line in (1, 2):
            batch = Batch(number=line, end_offset=0, end_line=line, first_line=line)
            batch.entries.append(orjson.loads(_bundle(nhs_number()))["entry"][0])
            batch.entry_lines.append((line, b"{}"))
            result = await send(http, batch)
            assert [answer.outcome for answer in result.answers] == ["created"]
    assert len(sent) == 2
    assert all(key is not None and key.startswith("equitas-ingest-") for key in sent)
    assert sent[0] != sent[1]
