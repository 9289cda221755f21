"""EPRs pushing and reading single UK Core Patients through the gateway, with real tokens."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import httpx
import orjson
import pytest
from equitas_stack.stack import Stack
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.patient import Patient

from services.scoring.fhir.parsing import parse_resource
from services.scoring.reference_data.lookup import default_lookup
from services.scoring.tests.api.fhir_helpers import (
    FHIR_JSON,
    FHIR_XML,
    NHS_SYSTEM,
    RIO,
    SYSTMONE,
    assert_operation_outcome,
    body,
    epr_headers,
    fixture_bytes,
    fixture_json,
    outcome_codes,
    patient,
    people_with_number,
    resources_mentioning,
    scoring_db,
    with_nhs_number,
    xml_with_nhs_number,
)
from tests.support.fixtures import Tokens

NhsNumber = Callable[[], str]
NewTeam = Callable[..., Awaitable[str]]
ETHNIC_URL = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
ENGLAND = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"


async def push(
    gateway: httpx.AsyncClient, tokens: Tokens, resource: Any, *, client: str = RIO, **headers: str
) -> httpx.Response:
    all_headers = await epr_headers(tokens, client) | headers
    return await gateway.post("/fhir/Patient", content=body(resource), headers=all_headers)


def person_id_from(response: httpx.Response) -> str:
    location = response.headers["location"]
    assert location.startswith("/fhir/Patient/"), location
    return location.split("/")[3]


async def test_uk_core_fixture_is_stored_and_read_back(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber,
    new_team: NewTeam,
) -> None:  # fmt: skip
    number = nhs_number()
    sent = with_nhs_number(fixture_json("patient-full.json"), number)
    created = await push(gateway, tokens, sent)
    assert created.status_code == 201, created.text
    person_id = person_id_from(created)
    assert created.headers["location"] == f"/fhir/Patient/{person_id}/_history/1"
    assert created.headers["etag"] == 'W/"1"'

    read = await gateway.get(f"/fhir/Patient/{person_id}", headers=await epr_headers(tokens))
    assert read.status_code == 200, read.text
    assert read.headers["content-type"].startswith(FHIR_JSON)
    served = read.json()
    Patient.model_validate(served)  # a valid (R4B = R4 elements) Patient
    assert served["id"] == person_id
    assert served["meta"]["versionId"] == "1"
    # The Patient as sent (decision 0017), under Equitas's id and meta.
    assert {k: v for k, v in served.items() if k not in ("id", "meta")} == {
        k: v for k, v in sent.items() if k not in ("id", "meta")
    }
    assert served["meta"]["profile"] == sent["meta"]["profile"]

    async with scoring_db(stack) as conn:
        [row] = await people_with_number(conn, number)
        assert row["ods_code"] == "EQA"
        assert row["source"] == "fhir"
        assert row["source_last_updated"].isoformat() == "2025-03-01T09:30:00+00:00"
        assert row["nhs_number_verification_status"] == "01"
        assert (row["given_name"], row["family_name"]) == ("Amelia Rose", "Jones")
        assert (row["ethnic_category"], row["ethnic_category_system"]) == ("H", ENGLAND)
        assert (row["gp_practice_ods"], row["gp_practitioner_gmp"]) == ("A81001", "G1234567")
        assert (row["interpreter_required"], row["language"]) == (True, "pa")
        # An unknown postcode keeps the record; the IMD decile is unknown.
        assert (row["postcode"], row["imd_status"], row["imd_decile"]) == (
            "LS1 4AP", "unknown_postcode", None,
        )  # fmt: skip
        stored = await conn.fetch("SELECT * FROM patient_resource WHERE person_id = $1", row["id"])
        assert [(r["version"], r["client_id"]) for r in stored] == [(1, RIO)]
        assert stored[0]["last_updated"].isoformat() == "2025-03-01T09:30:00+00:00"
        assert '"Panjabi"' in stored[0]["resource"]  # kept as sent, displays and all
        on_caseloads = await conn.fetchval(
            "SELECT count(*) FROM caseload_entry WHERE person_id = $1", row["id"]
        )
        assert on_caseloads == 0  # an EPR's people are on no team's caseload

    # Staff see them only once a team adds them to its caseload by NHS number.
    team = await new_team({"clinician.a": "member"})
    staff = await tokens.headers("clinician.a")
    found = await gateway.get("/api/scoring/people", params={"nhs_number": number}, headers=staff)
    assert found.json()["items"] == []
    added = await gateway.post(
        f"/api/scoring/teams/{team}/caseload", json={"nhs_number": number}, headers=staff
    )
    assert added.status_code in (200, 204), added.text
    person = (await gateway.get(f"/api/scoring/people/{person_id}", headers=staff)).json()
    assert person["source"] == "fhir"
    assert (person["given_name"], person["family_name"]) == ("Amelia Rose", "Jones")
    assert (person["birth_date"], person["sex"]) == ("1984-07-15", "female")
    assert (person["ethnic_category"], person["postcode"]) == ("H", "LS1 4AP")
    assert person["deprivation"]["status"] == "unknown_postcode"
    assert (person["gp_practice_ods"], person["language"]) == ("A81001", "pa")
    assert person["interpreter_required"] is True
    assert person["teams"] == [team]


async def test_xml_fixture_gives_the_same_demographics(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    headers = await epr_headers(tokens, content_type=FHIR_XML)
    created = await gateway.post(
        "/fhir/Patient", content=xml_with_nhs_number("patient-full.xml", number), headers=headers
    )
    assert created.status_code == 201, created.text
    served = created.json()  # responses are JSON
    sent = parse_resource(xml_with_nhs_number("patient-full.xml", number), FHIR_XML)
    assert served["name"] == sent["name"]
    async with scoring_db(stack) as conn:
        [row] = await people_with_number(conn, number)
        assert (row["given_name"], row["birth_date"]) == ("Amelia Rose", date(1984, 7, 15))
        assert (row["ethnic_category"], row["language"], row["gp_practice_ods"]) == (
            "H", "pa", "A81001",
        )  # fmt: skip
        assert row["source_last_updated"].isoformat() == "2025-03-01T09:30:00+00:00"


async def test_known_postcode_gives_the_imd_decile(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    expected = default_lookup().for_postcode("ZZ1 0AA")
    assert expected.imd_decile is not None
    sent = patient(number, address=[{"use": "home", "postalCode": "zz10aa"}])
    assert (await push(gateway, tokens, sent)).status_code == 201
    async with scoring_db(stack) as conn:
        [row] = await people_with_number(conn, number)
    assert (row["postcode"], row["lsoa_code"]) == ("ZZ1 0AA", expected.lsoa_code)
    assert (row["imd_decile"], row["imd_vintage"], row["imd_status"]) == (
        expected.imd_decile, expected.imd_vintage, "found",
    )  # fmt: skip


def _malformed(number: str) -> list[tuple[str, bytes, str, int, set[str], set[str]]]:
    """(case, body, content type, status, issue codes expected, expressions expected)."""
    too_long = {"language": {"coding": [{"code": "x" * 17}]}}
    return [
        ("invalid JSON", fixture_bytes("invalid-json.json").replace(b"9990000018", number.encode()),
         FHIR_JSON, 400, {"structure"}, set()),
        ("invalid XML", fixture_bytes("invalid-xml.xml"), FHIR_XML, 400, {"structure"}, set()),
        ("XXE", xml_with_nhs_number("invalid-xxe.xml", number), FHIR_XML, 400, {"structure"}, set()),
        ("billion laughs", fixture_bytes("invalid-billion-laughs.xml"), FHIR_XML, 400,
         {"structure"}, set()),
        ("wrong resourceType", fixture_bytes("invalid-wrong-resource-type.json"), FHIR_JSON, 400,
         {"structure"}, {"Patient.resourceType"}),
        ("bad NHS number", body(patient(number[:-1] + str((int(number[-1]) + 1) % 10))),
         FHIR_JSON, 422, {"value"}, {"Patient.identifier[0].value"}),
        ("missing identifier", fixture_bytes("invalid-missing-nhs-number.json"), FHIR_JSON, 422,
         {"required"}, {"Patient.identifier"}),
        ("unknown ethnic code system",
         body(with_nhs_number(fixture_json("invalid-unknown-ethnic-system.json"), number)),
         FHIR_JSON, 422, {"code-invalid"},
         {"Patient.extension[0].valueCodeableConcept.coding[0].system"}),
        ("future birth date",
         body(with_nhs_number(fixture_json("invalid-future-birth-date.json"), number)),
         FHIR_JSON, 422, {"value"}, {"Patient.birthDate"}),
        ("modifier extension",
         body(patient(number, modifierExtension=[{"url": "https://x.example/m", "valueBoolean": True}])),
         FHIR_JSON, 400, {"not-supported"}, {"Patient.modifierExtension[0]"}),
        ("language longer than stored", body(patient(number, communication=[too_long])),
         FHIR_JSON, 422, {"value"}, {"Patient.communication.language.coding.code"}),
        ("unsupported content type", body(patient(number)), "text/plain", 415,
         {"not-supported"}, set()),
        ("empty body", b"", FHIR_JSON, 400, {"structure"}, set()),
        ("JSON array", b"[]", FHIR_JSON, 400, {"structure"}, set()),
    ]  # fmt: skip


async def test_malformed_patients_are_refused_and_nothing_is_written(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    headers = await epr_headers(tokens)
    async with scoring_db(stack) as conn:  # this session's own database: no one else writes
        before = await _row_counts(conn)
    failures = []
    for case, content, content_type, status, codes, expressions in _malformed(number):
        response = await gateway.post(
            "/fhir/Patient", content=content, headers=headers | {"Content-Type": content_type}
        )
        try:
            outcome = assert_operation_outcome(response, status)
        except AssertionError as error:
            failures.append((case, str(error)[:300]))
            continue
        found_codes = {issue["code"] for issue in outcome["issue"]}
        found_paths = {path for issue in outcome["issue"] for path in issue.get("expression", [])}
        if not codes <= found_codes or not expressions <= found_paths:
            failures.append((case, outcome))
        assert number not in response.text  # diagnostics never echo patient data
    assert failures == []
    async with scoring_db(stack) as conn:
        assert await people_with_number(conn, number) == []
        assert await resources_mentioning(conn, number) == 0
        assert await _row_counts(conn) == before


async def _row_counts(conn: Any) -> tuple[int, int, int, int]:
    """People, stored Patients, organisations and FHIR write audit events, in all."""
    counts = await conn.fetchrow(
        "SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM patient_resource), "
        "(SELECT count(*) FROM organisation), "
        "(SELECT count(*) FROM audit_event WHERE action IN ('fhir-create', 'fhir-update'))"
    )
    return tuple(counts)


async def test_same_patient_twice_changes_nothing(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    sent = with_nhs_number(fixture_json("patient-full.json"), nhs_number())
    first = await push(gateway, tokens, sent)
    again = await push(gateway, tokens, sent, Prefer="return=OperationOutcome")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["etag"] == 'W/"1"'
    assert outcome_codes(again.json()) == ["unchanged"]
    async with scoring_db(stack) as conn:
        [row] = await people_with_number(conn, sent["identifier"][0]["value"])
        assert row["version"] == 1
        versions = await conn.fetchval(
            "SELECT count(*) FROM patient_resource WHERE person_id = $1", row["id"]
        )
        assert versions == 1


def _at(resource: dict[str, Any], instant: str | None, family: str) -> dict[str, Any]:
    changed = resource | {"name": [{"use": "official", "family": family, "given": ["Sam"]}]}
    changed.pop("meta", None)
    if instant is not None:
        changed["meta"] = {"lastUpdated": instant}
    return changed


async def test_newer_last_updated_wins_and_older_is_ignored(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    base = patient(nhs_number())
    created = await push(gateway, tokens, _at(base, "2025-03-01T09:00:00Z", "First"))
    person_id = person_id_from(created)
    newer = await push(gateway, tokens, _at(base, "2025-03-02T09:00:00+01:00", "Second"))
    assert newer.status_code == 200, newer.text
    assert newer.headers["location"] == f"/fhir/Patient/{person_id}/_history/2"
    assert newer.json()["name"][0]["family"] == "Second"
    older = await push(gateway, tokens, _at(base, "2025-03-01T12:00:00Z", "Stale"))
    outcome = assert_operation_outcome(older, 200)
    assert outcome["issue"][0]["severity"] == "warning"
    assert "older than the stored version" in outcome["issue"][0]["diagnostics"]
    assert outcome_codes(outcome) == ["ignored-older"]
    assert older.headers["etag"] == 'W/"2"'
    headers = await epr_headers(tokens)
    current = (await gateway.get(f"/fhir/Patient/{person_id}", headers=headers)).json()
    assert (current["meta"]["versionId"], current["name"][0]["family"]) == ("2", "Second")
    first = await gateway.get(f"/fhir/Patient/{person_id}/_history/1", headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["name"][0]["family"] == "First"  # as sent
    assert first.json()["meta"]["versionId"] == "1"
    assert first.json()["meta"]["lastUpdated"] != "2025-03-01T09:00:00Z"  # when Equitas stored it
    missing = await gateway.get(f"/fhir/Patient/{person_id}/_history/9", headers=headers)
    assert_operation_outcome(missing, 404)


async def test_without_last_updated_arrival_order_wins(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    base = patient(nhs_number())
    created = await push(gateway, tokens, _at(base, "2025-03-05T09:00:00Z", "Dated"))
    person_id = person_id_from(created)
    undated = await push(gateway, tokens, _at(base, None, "Undated"))
    assert undated.status_code == 200
    assert undated.json()["name"][0]["family"] == "Undated"
    # The newest lastUpdated accepted still guards against late older copies.
    late = await push(gateway, tokens, _at(base, "2025-03-04T09:00:00Z", "Late"))
    assert outcome_codes(late.json()) == ["ignored-older"]
    again = await push(gateway, tokens, _at(base, None, "Undated again"))
    assert again.headers["location"] == f"/fhir/Patient/{person_id}/_history/3"


async def test_conditional_create_with_if_none_exist(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    condition = {"If-None-Exist": f"identifier={NHS_SYSTEM}|{number}"}
    created = await push(gateway, tokens, _at(patient(number), None, "Kept"), **condition)
    assert created.status_code == 201, created.text
    exists = await push(gateway, tokens, _at(patient(number), None, "Ignored"), **condition)
    assert exists.status_code == 200, exists.text
    assert exists.json()["name"][0]["family"] == "Kept"
    assert "location" not in exists.headers
    other = {"If-None-Exist": f"identifier={NHS_SYSTEM}|{nhs_number()}"}
    mismatch = await push(gateway, tokens, patient(number), **other)
    assert_operation_outcome(mismatch, 400)
    wrong_system = {"If-None-Exist": f"identifier=https://example.org/id|{number}"}
    assert_operation_outcome(await push(gateway, tokens, patient(number), **wrong_system), 400)


async def test_conditional_update_with_put(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    headers = await epr_headers(tokens)
    params = {"identifier": f"{NHS_SYSTEM}|{number}"}

    async def put(family: str, **extra: str) -> httpx.Response:
        content = body(_at(patient(number), None, family))
        return await gateway.put(
            "/fhir/Patient", params=params, content=content, headers=headers | extra
        )

    created = await put("One")
    assert created.status_code == 201, created.text
    person_id = person_id_from(created)
    updated = await put("Two")
    assert (updated.status_code, updated.headers["etag"]) == (200, 'W/"2"')
    stale = await put("Three", **{"If-Match": 'W/"1"'})
    assert "current version is 2" in assert_operation_outcome(stale, 412)["issue"][0]["diagnostics"]
    matched = await put("Three", **{"If-Match": 'W/"2"'})
    assert (matched.status_code, matched.headers["etag"]) == (200, 'W/"3"')
    other = {"identifier": f"{NHS_SYSTEM}|{nhs_number()}"}
    mismatch = await gateway.put(
        "/fhir/Patient", params=other, content=body(patient(number)), headers=headers
    )
    assert_operation_outcome(mismatch, 400)
    no_condition = await gateway.put(
        "/fhir/Patient", content=body(patient(number)), headers=headers
    )
    assert_operation_outcome(no_condition, 400)
    by_id = await gateway.put(
        f"/fhir/Patient/{person_id}", content=body(patient(number)), headers=headers
    )  # without the id in the resource
    assert assert_operation_outcome(by_id, 400)["issue"][0]["expression"] == ["Patient.id"]
    deleted = await gateway.delete(f"/fhir/Patient/{person_id}", headers=headers)
    assert assert_operation_outcome(deleted, 405)
    assert deleted.headers["allow"] == "GET, PUT"


async def test_search_by_nhs_number(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    person_id = person_id_from(await push(gateway, tokens, patient(number)))
    headers = await epr_headers(tokens)
    found = await gateway.get(
        "/fhir/Patient", params={"identifier": f"{NHS_SYSTEM}|{number}"}, headers=headers
    )
    assert found.status_code == 200, found.text
    bundle = found.json()
    assert (bundle["type"], bundle["total"]) == ("searchset", 1)
    assert bundle["entry"][0]["resource"]["id"] == person_id
    assert bundle["entry"][0]["fullUrl"].endswith(f"/fhir/Patient/{person_id}")
    nobody = await gateway.get(
        "/fhir/Patient", params={"identifier": f"{NHS_SYSTEM}|{nhs_number()}"}, headers=headers
    )
    assert nobody.json()["total"] == 0
    invalid = {"identifier": f"{NHS_SYSTEM}|9990000010"}  # no one has an invalid number
    assert (await gateway.get("/fhir/Patient", params=invalid, headers=headers)).json()[
        "total"
    ] == 0
    for params in ({"identifier": f"https://example.org|{number}"}, {"name": "Smith"}):
        refused = await gateway.get("/fhir/Patient", params=params, headers=headers)
        assert_operation_outcome(refused, 400)


async def test_organisations_cannot_see_or_change_each_others_people(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    rio_id = person_id_from(await push(gateway, tokens, _at(patient(number), None, "Rio")))
    systmone = await epr_headers(tokens, SYSTMONE)
    hidden = await gateway.get(f"/fhir/Patient/{rio_id}", headers=systmone)
    assert assert_operation_outcome(hidden, 404)["issue"][0]["code"] == "not-found"
    hidden_version = await gateway.get(f"/fhir/Patient/{rio_id}/_history/1", headers=systmone)
    assert_operation_outcome(hidden_version, 404)
    search = {"identifier": f"{NHS_SYSTEM}|{number}"}
    assert (await gateway.get("/fhir/Patient", params=search, headers=systmone)).json()[
        "total"
    ] == 0
    # The same NHS number from the other trust is a separate person in that trust.
    theirs = await push(gateway, tokens, _at(patient(number), None, "SystmOne"), client=SYSTMONE)
    assert theirs.status_code == 201, theirs.text
    systmone_id = person_id_from(theirs)
    assert systmone_id != rio_id
    updated = await gateway.put(
        "/fhir/Patient", params=search, content=body(_at(patient(number), None, "Changed")),
        headers=systmone,
    )  # fmt: skip
    assert updated.status_code == 200
    assert person_id_from(updated) == systmone_id
    rio = await epr_headers(tokens)
    mine = (await gateway.get("/fhir/Patient", params=search, headers=rio)).json()
    assert [e["resource"]["id"] for e in mine["entry"]] == [rio_id]
    assert mine["entry"][0]["resource"]["name"][0]["family"] == "Rio"
    assert (await gateway.get(f"/fhir/Patient/{systmone_id}", headers=rio)).status_code == 404
    async with scoring_db(stack) as conn:
        rows = await people_with_number(conn, number)
    assert [(r["ods_code"], r["family_name"], r["version"]) for r in rows] == [
        ("EQA", "Rio", 1), ("EQB", "Changed", 2),
    ]  # fmt: skip


async def test_tokens_and_scopes(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    content = body(patient(nhs_number()))
    json_only = {"Content-Type": FHIR_JSON}
    anonymous = await gateway.post("/fhir/Patient", content=content, headers=json_only)
    assert assert_operation_outcome(anonymous, 401)["issue"][0]["code"] == "login"
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    forged = await gateway.post(
        "/fhir", content=content, headers=json_only | {"Authorization": "Bearer not.a.jwt"}
    )
    assert_operation_outcome(forged, 401)
    reader = await epr_headers(tokens, scope="patient:read")
    refused = await gateway.post("/fhir/Patient", content=content, headers=reader)
    assert assert_operation_outcome(refused, 403)["issue"][0]["code"] == "forbidden"
    refused_bundle = await gateway.post("/fhir", content=content, headers=reader)
    assert_operation_outcome(refused_bundle, 403)
    writer = await epr_headers(tokens, scope="patient:write")
    search = {"identifier": f"{NHS_SYSTEM}|9990000018"}
    assert_operation_outcome(await gateway.get("/fhir/Patient", params=search, headers=writer), 403)
    staff = await tokens.headers("clinician.a")
    assert_operation_outcome(await gateway.get("/fhir/Patient", params=search, headers=staff), 403)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/fhir/Observation/1", 404),
        ("GET", "/fhir", 405),
        ("DELETE", "/fhir/Patient/abc", 405),
        ("PATCH", "/fhir/Patient", 405),
        ("GET", "/fhir/Patient/not-a-uuid", 404),
        ("GET", "/fhir/Patient/00000000-0000-0000-0000-000000000000", 404),
    ],
)
async def test_every_error_is_an_operation_outcome(
    gateway: httpx.AsyncClient, tokens: Tokens, method: str, path: str, status: int
) -> None:
    response = await gateway.request(method, path, headers=await epr_headers(tokens))
    assert_operation_outcome(response, status)
    if status == 405:
        assert response.headers["allow"]


async def test_body_larger_than_the_limit_is_413(public_url: str, tokens: Tokens) -> None:
    """Refused from Content-Length before any of the body is read, so the client hears
    413 rather than a reset while it is still sending (the gateway allows 32 MB too)."""
    authorization = (await epr_headers(tokens))["Authorization"]
    host, port = public_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        request = (
            "POST /fhir HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\n"
            f"Authorization: {authorization}\r\n"
            "Content-Type: application/fhir+json\r\n"
            "Content-Length: 32000001\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(request.encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        status_line, *header_lines = head.decode().strip().split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
        rest = await asyncio.wait_for(reader.readexactly(int(headers["content-length"])), 30)
    finally:
        writer.close()
    assert status_line.startswith("HTTP/1.1 413"), status_line
    assert headers["content-type"].startswith(FHIR_JSON)
    outcome = orjson.loads(rest)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "too-costly"


async def test_writes_and_reads_are_audited_with_the_client_id(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    person_id = person_id_from(await push(gateway, tokens, _at(patient(number), None, "A")))
    await push(gateway, tokens, _at(patient(number), None, "B"))
    headers = await epr_headers(tokens)
    await gateway.get(f"/fhir/Patient/{person_id}", headers=headers)
    await gateway.get("/fhir/Patient", params={"identifier": f"{NHS_SYSTEM}|{number}"},
                      headers=headers)  # fmt: skip
    admin = await tokens.headers("org.admin")
    audit = await gateway.get("/api/scoring/audit", params={"entity_id": person_id}, headers=admin)
    assert audit.status_code == 200, audit.text
    entries = audit.json()["items"]
    seen = sorted((e["action"], e["endpoint"]) for e in entries)
    assert seen == [
        ("fhir-create", "POST /fhir/Patient"),
        ("fhir-read", "GET /fhir/Patient/{patient_id}"),
        ("fhir-update", "POST /fhir/Patient"),
    ]
    assert {(e["client_id"], e["actor_kind"]) for e in entries} == {(RIO, "system")}
    assert all(e["request_id"] for e in entries)
    searches = await gateway.get(
        "/api/scoring/audit", params={"action": "fhir-search", "limit": 50}, headers=admin
    )
    assert any(person_id in e["detail"]["returned"] for e in searches.json()["items"])


async def test_metadata_is_a_valid_r4_capability_statement(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/fhir/metadata")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(FHIR_JSON)
    statement = response.json()
    CapabilityStatement.model_validate(statement)
    assert statement["fhirVersion"] == "4.0.1"
    assert statement["implementation"]["url"].endswith("/fhir")
    patient_resource = next(r for r in statement["rest"][0]["resource"] if r["type"] == "Patient")
    codes = {i["code"] for i in patient_resource["interaction"]}
    assert codes == {"read", "vread", "history-instance", "search-type", "create", "update"}


async def test_xml_answers_when_asked(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    number = nhs_number()
    sent = with_nhs_number(fixture_json("patient-full.json"), number)
    xml = {"Accept": FHIR_XML}
    created = await push(gateway, tokens, sent, **xml)
    assert created.status_code == 201
    assert created.headers["content-type"].startswith(FHIR_XML)
    person_id = person_id_from(created)
    headers = await epr_headers(tokens)
    as_json = (await gateway.get(f"/fhir/Patient/{person_id}", headers=headers)).json()
    as_xml = await gateway.get(f"/fhir/Patient/{person_id}", headers=headers | xml)
    assert as_xml.headers["content-type"].startswith(FHIR_XML)
    assert parse_resource(as_xml.content, FHIR_XML) == as_json
    by_format = await gateway.get(f"/fhir/Patient/{person_id}?_format=xml", headers=headers)
    assert by_format.content == as_xml.content
    missing = await gateway.get("/fhir/Patient/nobody", headers=headers | xml)
    assert missing.status_code == 404
    assert parse_resource(missing.content, FHIR_XML)["resourceType"] == "OperationOutcome"
    metadata = await gateway.get("/fhir/metadata", params={"_format": "xml"})
    CapabilityStatement.model_validate(parse_resource(metadata.content, FHIR_XML))
