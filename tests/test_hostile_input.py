"""Bad input is refused, never a 500 (issue 16, item 1): through the gateway, with real
tokens and the real services.

Each request here answered 500 before: NUL (or another control character, or a lone
surrogate) in a query, a path, a JSON body or a FHIR resource reached Postgres; a cursor
of the wrong shape was indexed blindly; a version number beyond the column reached the
database. Now each is a 422 naming the field (an OperationOutcome locating it on /fhir),
or a 404 where a number cannot name anything.
"""

import base64
import json
import uuid
from typing import Any

import httpx
import pytest
from equitas_stack.stack import REPO

from services.scoring.tests.api.fhir_helpers import (
    FHIR_JSON,
    assert_operation_outcome,
    body,
    epr_headers,
    patient,
)
from services.scoring.tests.api.hef import NewTeam, create_person
from tests.support.fixtures import Tokens

PROBLEM_JSON = "application/problem+json"
DEFINITION = REPO / "services/scoring/instruments/definitions/hef/standard/1.0.0-provisional.yaml"
DEFINITION_TITLE = "title: Health Equalities Framework (HEF)"


def _assert_refused(response: httpx.Response, *fields: str) -> None:
    """A 422 problem naming exactly these fields, with the request id; no 500."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers.get("x-request-id")
    assert [error["field"] for error in response.json()["errors"]] == list(fields)


def _cursor(position: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


async def _person_and_draft(
    gateway: httpx.AsyncClient, headers: dict[str, str], new_team: NewTeam, number: str
) -> tuple[dict[str, Any], httpx.Response]:
    team = await new_team({"clinician.a": "member"})
    person = await create_person(gateway, headers, team, number)
    draft = await gateway.post(
        f"/api/scoring/people/{person['id']}/assessments",
        json={"episode_type": "referral", "assessed_on": "2026-01-10"},
        headers=headers,
    )
    assert draft.status_code == 201, draft.text
    return person, draft


async def test_control_characters_in_the_apis_are_refused_naming_the_field(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    clinician = await tokens.headers("clinician.a")
    admin = await tokens.headers("org.admin")
    person, draft = await _person_and_draft(gateway, clinician, new_team, nhs_number())
    assessment = f"/api/scoring/assessments/{draft.json()['id']}"
    if_match = {**clinician, "If-Match": draft.headers["etag"]}

    search = await gateway.get(
        "/api/scoring/people", params={"name": "ade\x00bayo"}, headers=clinician
    )
    _assert_refused(search, "query.name")
    notes = await gateway.patch(assessment, json={"notes": "before\x00after"}, headers=if_match)
    _assert_refused(notes, "body.notes")
    person_url = f"/api/scoring/people/{person['id']}"
    person_if_match = {**clinician, "If-Match": f'"{person["version"]}"'}
    name = await gateway.patch(person_url, json={"given_name": "Luca\x00"}, headers=person_if_match)
    _assert_refused(name, "body.given_name")
    audit = await gateway.get("/api/scoring/audit", params={"action": "re\x00ad"}, headers=admin)
    _assert_refused(audit, "query.action")
    instrument = await gateway.get("/api/scoring/instruments/hef%00/standard/1", headers=clinician)
    _assert_refused(instrument, "path.instrument")
    # A lone surrogate can only arrive as a JSON escape; no UTF-8 encoder takes it.
    surrogate = await gateway.patch(
        person_url,
        content=b'{"family_name": "Half\\ud800"}',
        headers={**person_if_match, "Content-Type": "application/json"},
    )
    _assert_refused(surrogate, "body.family_name")

    # Nothing was written by any of them.
    unchanged = await gateway.get(assessment, headers=clinician)
    assert unchanged.json()["notes"] is None
    assert unchanged.headers["etag"] == draft.headers["etag"]
    assert (await gateway.get(person_url, headers=clinician)).json()["version"] == person["version"]


async def test_a_number_no_json_column_can_hold_is_refused(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = {**await tokens.headers("org.admin"), "Content-Type": "application/json"}
    code = f"T-{uuid.uuid4().hex[:10].upper()}"
    team = b'{"code": "%s", "name": "Numbers", "settings": {"a": 1%s}}' % (code.encode(), b"0" * 30)
    _assert_refused(
        await gateway.post("/api/scoring/teams", content=team, headers=admin), "body.settings.a"
    )


async def test_line_breaks_are_for_free_text_only(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    clinician = await tokens.headers("clinician.a")
    person, draft = await _person_and_draft(gateway, clinician, new_team, nhs_number())
    notes = "Seen at home.\n\tLives with mother.\r\nReview in May."
    edited = await gateway.patch(
        f"/api/scoring/assessments/{draft.json()['id']}",
        json={"notes": notes},
        headers={**clinician, "If-Match": draft.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["notes"] == notes

    person_if_match = {**clinician, "If-Match": f'"{person["version"]}"'}
    for name in ("Luca\tRossi", "Luca\nRossi", "Luca\r"):
        refused = await gateway.patch(
            f"/api/scoring/people/{person['id']}",
            json={"family_name": name},
            headers=person_if_match,
        )
        _assert_refused(refused, "body.family_name")
    search = await gateway.get("/api/scoring/people", params={"name": "ab\ncd"}, headers=clinician)
    _assert_refused(search, "query.name")


@pytest.mark.parametrize(
    ("path", "user", "cursor"),
    [
        ("/api/scoring/people", "clinician.a", "e30"),  # {}
        (
            "/api/scoring/people",
            "clinician.a",
            _cursor({"family_name": 5, "id": str(uuid.uuid4())}),
        ),
        ("/api/scoring/people", "clinician.a", _cursor({"family_name": "A", "id": "x"})),
        (
            "/api/scoring/people",
            "clinician.a",
            _cursor({"family_name": "A\x00", "id": str(uuid.uuid4())}),
        ),
        ("/api/scoring/people", "clinician.a", "not base64 at all"),
        ("/api/scoring/audit", "org.admin", "e30"),
        ("/api/scoring/audit", "org.admin", _cursor({"id": [1]})),
        ("/api/scoring/audit", "org.admin", _cursor({"id": 10**30})),
        ("/api/scoring/audit", "org.admin", _cursor({"id": "12"})),
        ("/api/scoring/audit", "org.admin", _cursor({"family_name": "A", "id": str(uuid.uuid4())})),
    ],
)
async def test_a_forged_cursor_is_refused_naming_the_cursor(
    gateway: httpx.AsyncClient, tokens: Tokens, path: str, user: str, cursor: str
) -> None:
    response = await gateway.get(
        path, params={"cursor": cursor}, headers=await tokens.headers(user)
    )
    if path.endswith("/audit") and cursor == _cursor({"id": "12"}):
        # JSON numbers as strings are read leniently; the position is still typed.
        assert response.status_code == 200, response.text
        return
    _assert_refused(response, "query.cursor")


async def test_issued_cursors_still_page_through_a_list(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    clinician = await tokens.headers("clinician.a")
    team = await new_team({"clinician.a": "member"})
    made = [
        await create_person(gateway, clinician, team, nhs_number(), family_name=name)
        for name in ("Abbott", "O'Brien", "Zoë")
    ]
    seen: list[str] = []
    params: dict[str, Any] = {"team": team, "limit": 1}
    while True:
        page = await gateway.get("/api/scoring/people", params=params, headers=clinician)
        assert page.status_code == 200, page.text
        seen += [item["id"] for item in page.json()["items"]]
        if page.json()["next_cursor"] is None:
            break
        params["cursor"] = page.json()["next_cursor"]
    assert seen == [person["id"] for person in made]


async def test_fhir_resources_and_searches_with_control_characters_are_refused(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: Any
) -> None:
    headers = await epr_headers(tokens)
    named = patient(nhs_number(), name=[{"family": "Nul\x00Byte", "given": ["Ann"]}])
    created = await gateway.post("/fhir/Patient", content=body(named), headers=headers)
    outcome = assert_operation_outcome(created, 422)
    assert created.headers.get("x-request-id")
    assert [issue["expression"] for issue in outcome["issue"]] == [["Patient.name[0].family"]]

    line_break = patient(nhs_number(), name=[{"family": "Two\nLines", "given": ["Ann"]}])
    refused = await gateway.post("/fhir/Patient", content=body(line_break), headers=headers)
    assert_operation_outcome(refused, 422)

    # Narrative is free text: its XHTML may span lines.
    narrative = {
        "status": "generated",
        "div": '<div xmlns="http://www.w3.org/1999/xhtml">\n  <p>Ann</p>\n</div>',
    }
    with_text = patient(nhs_number(), text=narrative)
    accepted = await gateway.post("/fhir/Patient", content=body(with_text), headers=headers)
    assert accepted.status_code == 201, accepted.text

    bundle = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {
                "resource": patient(nhs_number(), name=[{"family": "Bell\x07", "given": ["A"]}]),
                "request": {"method": "POST", "url": "Patient"},
            }
        ],
    }
    in_bundle = await gateway.post("/fhir", content=body(bundle), headers=headers)
    outcome = assert_operation_outcome(in_bundle, 422)
    assert outcome["issue"][0]["expression"] == ["Bundle.entry[0].resource.name[0].family"]

    search = await gateway.get(
        "/fhir/Patient",
        params={"identifier": "https://fhir.nhs.uk/Id/nhs-number|999\x00"},
        headers=headers,
    )
    outcome = assert_operation_outcome(search, 422)
    assert ["query.identifier"] in [issue.get("expression") for issue in outcome["issue"]]


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"])
async def test_a_moment_beyond_the_calendar_in_utc_is_refused(
    gateway: httpx.AsyncClient, tokens: Tokens, since: str
) -> None:
    headers = await tokens.headers("org.admin")
    response = await gateway.get("/api/scoring/audit", params={"since": since}, headers=headers)
    _assert_refused(response, "query.since")


@pytest.mark.parametrize("last_updated", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_a_fhir_instant_beyond_the_calendar_in_utc_is_refused(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: Any, last_updated: str
) -> None:
    resource = patient(nhs_number(), meta={"lastUpdated": last_updated})
    response = await gateway.post(
        "/fhir/Patient", content=body(resource), headers=await epr_headers(tokens)
    )
    outcome = assert_operation_outcome(response, 422)
    assert outcome["issue"][0]["expression"] == ["Patient.meta.lastUpdated"]


@pytest.mark.parametrize("version", ["999999999999999999999999999999", "2147483648", "%C2%B2"])
async def test_a_version_beyond_the_column_is_not_found(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: Any, version: str
) -> None:
    headers = await epr_headers(tokens)
    created = await gateway.post(
        "/fhir/Patient", content=body(patient(nhs_number())), headers=headers
    )
    assert created.status_code == 201, created.text
    patient_id = created.json()["id"]
    response = await gateway.get(f"/fhir/Patient/{patient_id}/_history/{version}", headers=headers)
    assert_operation_outcome(response, 404)


async def test_an_if_match_beyond_the_column_is_refused(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: Any
) -> None:
    headers = await epr_headers(tokens)
    number = nhs_number()
    for etag in (b'W/"99999999999999999999999999"', 'W/"²"'.encode()):
        response = await gateway.put(
            "/fhir/Patient",
            params={"identifier": f"https://fhir.nhs.uk/Id/nhs-number|{number}"},
            content=body(patient(number)),
            headers={**headers, "If-Match": etag, "Content-Type": FHIR_JSON},
        )
        assert_operation_outcome(response, 400)


async def test_an_uploaded_definition_cannot_spell_control_characters_with_escapes(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    """YAML's escapes ("\\0") can spell any character: the parsed document obeys the rule
    too. A definition is a document, so its strings may hold line breaks."""
    admin = {**await tokens.headers("org.admin"), "Content-Type": "application/yaml"}
    source = DEFINITION.read_text()

    def with_title(title: str) -> bytes:
        # An instrument of its own, so that no other test sees a new latest HEF.
        instrument = f"instrument: hostile-{uuid.uuid4().hex[:12]}"
        text = source.replace("instrument: hef", instrument, 1)
        return text.replace(DEFINITION_TITLE, f"title: {title}", 1).encode()

    refused = await gateway.post(
        "/api/scoring/instruments", content=with_title('"Nul\\0"'), headers=admin
    )
    _assert_refused(refused, "body.title")
    accepted = await gateway.post(
        "/api/scoring/instruments", content=with_title('"Two\\nlines"'), headers=admin
    )
    assert accepted.status_code == 201, accepted.text
