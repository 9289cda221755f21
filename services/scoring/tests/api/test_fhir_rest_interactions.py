"""The interactions a standard FHIR client expects: update by id (version-aware), instance
history, search paging it can follow, and 405 for what is not offered (issue 17 item 7)."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from services.scoring.tests.api.fhir_helpers import (
    SYSTMONE,
    assert_operation_outcome,
    body,
    epr_headers,
    patient,
)
from tests.support.fixtures import Tokens

NhsNumber = Callable[[], str]


async def create(gateway: httpx.AsyncClient, tokens: Tokens, number: str) -> dict[str, Any]:
    created = await gateway.post(
        "/fhir/Patient", content=body(patient(number)), headers=await epr_headers(tokens)
    )
    assert created.status_code == 201, created.text
    resource: dict[str, Any] = created.json()
    return resource


async def test_update_by_id_is_version_aware(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    headers = await epr_headers(tokens)
    read = await create(gateway, tokens, nhs_number())
    url = f"/fhir/Patient/{read['id']}"
    read["name"] = [{"use": "official", "family": "Second", "given": ["Sam"]}]
    updated = await gateway.put(url, content=body(read), headers=headers | {"If-Match": 'W/"1"'})
    assert updated.status_code == 200, updated.text
    assert (updated.headers["etag"], updated.json()["meta"]["versionId"]) == ('W/"2"', "2")
    assert updated.headers["location"] == f"{url}/_history/2"
    stale = await gateway.put(url, content=body(read), headers=headers | {"If-Match": 'W/"1"'})
    outcome = assert_operation_outcome(stale, 412)
    assert "current version is 2" in outcome["issue"][0]["diagnostics"]
    read["name"][0]["family"] = "Third"
    unconditional = await gateway.put(url, content=body(read), headers=headers)
    assert unconditional.headers["etag"] == 'W/"3"'
    same = await gateway.put(url, content=body(unconditional.json()), headers=headers)
    assert (same.status_code, same.headers["etag"]) == (200, 'W/"3"')  # unchanged
    wrong_id = await gateway.put(url, content=body(read | {"id": "other"}), headers=headers)
    assert assert_operation_outcome(wrong_id, 400)["issue"][0]["expression"] == ["Patient.id"]
    nobody = "/fhir/Patient/00000000-0000-0000-0000-000000000000"
    missing = await gateway.put(
        nobody, content=body(read | {"id": nobody.rsplit("/")[-1]}), headers=headers
    )
    assert_operation_outcome(missing, 404)
    elsewhere = await gateway.put(
        url, content=body(read), headers=await epr_headers(tokens, SYSTMONE)
    )
    assert_operation_outcome(elsewhere, 404)  # another trust's Patient is not found
    taken = await create(gateway, tokens, nhs_number())
    clash = read | {"identifier": taken["identifier"]}
    assert_operation_outcome(await gateway.put(url, content=body(clash), headers=headers), 409)


async def test_history_newest_first_in_pages(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    headers = await epr_headers(tokens)
    first = await create(gateway, tokens, nhs_number())
    url = f"/fhir/Patient/{first['id']}"
    for family in ("Second", "Third"):
        changed = first | {"name": [{"use": "official", "family": family, "given": ["Sam"]}]}
        assert (await gateway.put(url, content=body(changed), headers=headers)).status_code == 200
    history = (await gateway.get(f"{url}/_history", headers=headers)).json()
    assert (history["type"], history["total"]) == ("history", 3)
    assert [e["resource"]["name"][0]["family"] for e in history["entry"]] == [
        "Third", "Second", "Smith",
    ]  # fmt: skip
    assert [e["response"]["etag"] for e in history["entry"]] == ['W/"3"', 'W/"2"', 'W/"1"']
    assert [e["request"]["method"] for e in history["entry"]] == ["PUT", "PUT", "POST"]
    pages: list[str] = []
    next_url: str | None = f"{url}/_history?_count=2"
    while next_url is not None:
        page = (await gateway.get(next_url, headers=headers)).json()
        pages.append(",".join(e["resource"]["meta"]["versionId"] for e in page["entry"]))
        next_url = next((link["url"] for link in page["link"] if link["relation"] == "next"), None)
    assert pages == ["3,2", "1"]


async def test_search_pages_follow_next_links(
    gateway: httpx.AsyncClient, tokens: Tokens, nhs_number: NhsNumber
) -> None:
    headers = await epr_headers(tokens)
    for _ in range(3):
        await create(gateway, tokens, nhs_number())
    first = (await gateway.get("/fhir/Patient", params={"_count": 2}, headers=headers)).json()
    assert first["total"] >= 3
    assert len(first["entry"]) == 2
    [self_link] = [link["url"] for link in first["link"] if link["relation"] == "self"]
    assert self_link.endswith("/fhir/Patient?_count=2")
    [next_link] = [link["url"] for link in first["link"] if link["relation"] == "next"]
    second = (await gateway.get(next_link, headers=headers)).json()
    ids = [e["resource"]["id"] for e in first["entry"] + second["entry"]]
    assert len(set(ids)) == len(ids) == 4  # no Patient twice
    assert ids == sorted(ids)  # in id order
    counted = (await gateway.get("/fhir/Patient", params={"_count": 0}, headers=headers)).json()
    assert (counted["total"], counted["entry"]) == (first["total"], [])
    forged = await gateway.get(
        "/fhir/Patient", params={"_cursor": "bm90IGEgY3Vyc29y"}, headers=headers
    )
    assert assert_operation_outcome(forged, 400)["issue"][0]["expression"] == ["query._cursor"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/fhir/Patient/{id}", "GET, PUT"),
        ("PATCH", "/fhir/Patient/{id}", "GET, PUT"),
        ("POST", "/fhir/Patient/{id}", "GET, PUT"),
        ("DELETE", "/fhir/Patient?identifier=x", "GET, POST, PUT"),
        ("PUT", "/fhir/Patient/{id}/_history/1", "GET"),
        ("POST", "/fhir/Patient/{id}/_history", "GET"),
        ("GET", "/fhir/Patient/_history", ""),
    ],
)
async def test_interactions_not_offered_are_405(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    nhs_number: NhsNumber,
    method: str,
    path: str,
    allow: str,
) -> None:
    person_id = (await create(gateway, tokens, nhs_number()))["id"]
    response = await gateway.request(
        method, path.format(id=person_id), headers=await epr_headers(tokens)
    )
    outcome = assert_operation_outcome(response, 405)
    assert outcome["issue"][0]["code"] == "not-supported"
    assert response.headers["allow"] == allow
