"""An upload followed by the key its client chose (decision 0050), through the gateway: found
while it is read, its rows counted as they are checked, a key never used twice, and the
dataset's imports listed a page at a time for those who import."""

import asyncio
import uuid

import httpx

from services.aggregation.tests.api.test_equity_imports import (
    BASE,
    CSV,
    GOOD,
    HEADER,
    new_dataset,
    records,
)
from tests.support.fixtures import Tokens

BAD = "2025-05-01,yes,4,3,1,2025-07-01,completed,34,7,A,3,"  # sex 7 is no code


def _file(rows: int, bad_at: int | None = None) -> bytes:
    lines = [HEADER] + [GOOD] * rows
    if bad_at is not None:
        lines[bad_at] = BAD
    return ("\n".join(lines) + "\n").encode()


async def _by_key(
    gateway: httpx.AsyncClient, headers: dict[str, str], dataset: int, key: str
) -> list[dict[str, object]]:
    found = await gateway.get(
        f"{BASE}/datasets/{dataset}/imports",
        params={"import_key": key, "limit": 1},
        headers=headers,
    )
    assert found.status_code == 200, found.text
    items: list[dict[str, object]] = found.json()["items"]
    return items


async def test_an_upload_is_followed_by_its_key_while_it_is_read(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    key = str(uuid.uuid4())
    rows = 60_000  # six batches of 10,000: progress is written between them
    upload = asyncio.create_task(
        gateway.post(
            f"{BASE}/datasets/{dataset}/files",
            params={"import_key": key},
            content=_file(rows),
            headers=admin | CSV,
            timeout=120,
        )
    )
    seen: list[tuple[object, object]] = []
    while not upload.done():
        for found in await _by_key(gateway, admin, dataset, key):
            seen.append((found["status"], found["rows_read"]))
        await asyncio.sleep(0.05)
    sent = await upload
    assert sent.status_code == 201, sent.text
    assert sent.json()["import_key"] == key
    # The import was there while its request was open, its count only ever growing.
    reading = [read for status, read in seen if status == "reading"]
    assert reading, seen
    assert reading == sorted(reading), reading
    assert all(isinstance(read, int) and 0 <= read <= rows for read in reading)
    [done] = await _by_key(gateway, admin, dataset, key)
    assert (done["id"], done["status"], done["rows_read"], done["rows_imported"]) == (
        sent.json()["id"],
        "imported",
        rows,
        rows,
    )
    running = await gateway.get(
        f"{BASE}/datasets/{dataset}/imports", params={"status": "reading"}, headers=admin
    )
    assert running.json() == {"items": [], "next_cursor": None}


async def test_a_key_is_used_once_per_dataset_and_must_be_a_uuid(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    key = str(uuid.uuid4())
    first = await gateway.post(
        f"{BASE}/datasets/{dataset}/files",
        params={"import_key": key},
        content=_file(12),
        headers=admin | CSV,
    )
    assert first.status_code == 201, first.text
    # A retry of the same upload (its answer lost, say) is refused: nothing imported twice.
    again = await gateway.post(
        f"{BASE}/datasets/{dataset}/files",
        params={"import_key": key},
        content=_file(12),
        headers=admin | CSV,
    )
    assert again.status_code == 409, again.text
    assert again.headers["content-type"].startswith("application/problem+json")
    assert f"(import {first.json()['id']})" in again.json()["detail"]
    assert again.json()["errors"] == [
        {"field": "query.import_key", "message": "was used for an import of this dataset already"}
    ]
    pushed = await gateway.post(
        f"{BASE}/datasets/{dataset}/rows",
        params={"import_key": key},
        json={"rows": [{"referral_date": "2025-05-01"}]},
        headers=admin,
    )
    assert pushed.status_code == 409, pushed.text
    assert await records(gateway, admin, dataset) == 10  # 12, rounded to 5: imported once
    # Keys are per dataset: another dataset may use the same one.
    other = await new_dataset(gateway, admin)
    elsewhere = await gateway.post(
        f"{BASE}/datasets/{other}/rows",
        params={"import_key": key},
        json={"rows": [{"referral_date": "2025-05-01"}]},
        headers=admin,
    )
    assert elsewhere.status_code == 201, elsewhere.text
    assert elsewhere.json()["source"] == "json"
    for path in ("files", "imports"):
        bad = await (
            gateway.post(
                f"{BASE}/datasets/{dataset}/files",
                params={"import_key": "not-a-uuid"},
                content=_file(1),
                headers=admin | CSV,
            )
            if path == "files"
            else gateway.get(
                f"{BASE}/datasets/{dataset}/imports",
                params={"import_key": "not-a-uuid"},
                headers=admin,
            )
        )
        assert bad.status_code == 422, bad.text
        assert [e["field"] for e in bad.json()["errors"]] == ["query.import_key"]


async def test_a_refused_upload_is_found_refused_by_its_key(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    key = str(uuid.uuid4())
    sent = await gateway.post(
        f"{BASE}/datasets/{dataset}/files",
        params={"import_key": key},
        content=_file(25_000, bad_at=3),
        headers=admin | CSV,
        timeout=120,
    )
    assert sent.status_code == 422, sent.text
    [refused] = await _by_key(gateway, admin, dataset, key)
    assert (refused["status"], refused["rows_read"], refused["rows_rejected"]) == (
        "rejected",
        25_000,
        1,
    )
    assert refused["problems"] == [
        {
            "row": 4,
            "column": "sex",
            "message": "is not one of male, female, other, not_stated, not_known",
        }
    ]


async def test_imports_are_listed_a_page_at_a_time_to_those_who_import(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    made = []
    for _ in range(3):
        sent = await gateway.post(
            f"{BASE}/datasets/{dataset}/files", content=_file(2), headers=admin | CSV
        )
        assert sent.status_code == 201, sent.text
        made.append(sent.json()["id"])
    seen: list[int] = []
    params: dict[str, str | int] = {"limit": 2}
    while True:
        page = await gateway.get(f"{BASE}/datasets/{dataset}/imports", params=params, headers=admin)
        assert page.status_code == 200, page.text
        assert len(page.json()["items"]) <= 2
        seen.extend(i["id"] for i in page.json()["items"])
        if page.json()["next_cursor"] is None:
            break
        params = {"limit": 2, "cursor": page.json()["next_cursor"]}
    assert seen == sorted(made, reverse=True)  # newest first, each once
    forged = await gateway.get(
        f"{BASE}/datasets/{dataset}/imports", params={"cursor": "bm90IGEgY3Vyc29y"}, headers=admin
    )
    assert forged.status_code == 422, forged.text
    assert forged.headers["content-type"].startswith("application/problem+json")
    assert forged.json()["errors"][0]["field"] == "query.cursor"
    for user, status in [
        ("analyst", 200),  # imports for the providing trust's analyst
        ("commissioner", 403),  # reads the dataset, not its imports
        ("board.member", 403),
        ("clinician.trustb", 403),
    ]:
        listed = await gateway.get(
            f"{BASE}/datasets/{dataset}/imports", headers=await tokens.headers(user)
        )
        assert listed.status_code == status, (user, listed.text)
