"""The equity analyses through the gateway on a hand-built dataset whose answers are known,
the action plan, and who may read and write what."""

import httpx
import pytest

from tests.support.fixtures import Tokens

BASE = "/api/aggregation/equity"
CSV = {"Content-Type": "text/csv"}
HEADER = (
    "referral_date,opted_in,appointments_offered,appointments_dna,discharge_date,"
    "discharge_reason,age_band,sex,ethnic_category,imd_decile,inclusion_groups"
)


def _rows() -> list[str]:
    """IMD quintile 1: 100 referrals, 80 of 400 appointments missed (before: 60 of 200,
    after: 20 of 200); quintile 5: 100 referrals, 20 of 400 missed (10 and 10). Ethnicity:
    40 not stated (Z) in quintile 1, 10 not known (99); everyone else White British."""
    rows = []
    for i in range(100):  # quintile 1 (decile 1)
        before = i < 50
        day = "2025-03-10" if before else "2025-09-10"
        dna = (1 if i % 5 < 6 else 0) if before else (1 if i % 5 < 2 else 0)
        dna = [2, 1, 1, 1, 1][i % 5] if before else [1, 1, 0, 0, 0][i % 5]
        ethnic = "Z" if i < 40 else ("99" if i < 50 else "A")
        rows.append(f"{day},yes,4,{dna},,,25-34,2,{ethnic},1,homelessness" if i < 9 else
                    f"{day},yes,4,{dna},,,25-34,2,{ethnic},1,")  # fmt: skip
    for i in range(100):  # quintile 5 (decile 10)
        before = i < 50
        day = "2025-03-10" if before else "2025-09-10"
        dna = [1, 0, 0, 1, 0][i % 5]
        rows.append(f"{day},{'no' if i < 20 else 'yes'},4,{dna},,,25-34,1,A,10,")
    return rows


@pytest.fixture(scope="module")
async def dataset(gateway: httpx.AsyncClient, tokens: Tokens) -> int:
    admin = await tokens.headers("org.admin")
    made = await gateway.post(
        f"{BASE}/datasets",
        json={
            "unit_code": "EQA",
            "title": "Known answers",
            "plus_groups": ["inclusion_group:homelessness"],
        },
        headers=admin,
    )
    assert made.status_code == 201, made.text
    dataset_id = int(made.json()["id"])
    sent = await gateway.post(
        f"{BASE}/datasets/{dataset_id}/files",
        content=("\n".join([HEADER, *_rows()]) + "\n").encode(),
        headers=admin | CSV,
    )
    assert sent.status_code == 201, sent.text
    return dataset_id


async def test_dna_by_imd_quintile(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: int
) -> None:
    found = await gateway.get(
        f"{BASE}/datasets/{dataset}/engagement",
        params={"by": "imd_quintile"},
        headers=await tokens.headers("analyst"),
    )
    assert found.status_code == 200, found.text
    rows = {r["category"]: r for r in found.json()["rows"]}
    # Quintile 1: before 50 x (2+1+1+1+1)/5 = 60, after 50 x 2/5 = 20: 80 of 400.
    assert rows["1"]["figures"]["dna"]["value"] == pytest.approx(80 / 400)
    assert rows["5"]["figures"]["dna"]["value"] == pytest.approx(40 / 400)
    assert rows["5"]["figures"]["opt_in"]["value"] == pytest.approx(80 / 100)
    assert rows["1"]["referrals"]["value"] == 100
    # Only quintiles 1 and 5 have people: no SII.
    assert all(i["sii"]["withheld"] for i in found.json()["inequality"])


async def test_core20plus_counts_the_services_plus_groups(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: int
) -> None:
    found = await gateway.get(
        f"{BASE}/datasets/{dataset}/engagement",
        params={"by": "core20plus"},
        headers=await tokens.headers("commissioner"),
    )
    assert found.status_code == 200, found.text
    shown = {r["category"]: r["referrals"]["value"] for r in found.json()["rows"]}
    # Everyone homeless here is in decile 1, so counted as Core20.
    assert shown == {"core20": 100, "other": 100}


async def test_completeness_keeps_not_stated_apart(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: int
) -> None:
    found = await gateway.get(
        f"{BASE}/datasets/{dataset}/completeness",
        params={"by": "imd_quintile"},
        headers=await tokens.headers("analyst"),
    )
    assert found.status_code == 200, found.text
    rows = {(r["field"], r["group"]): r for r in found.json()["rows"]}
    ethnic = rows[("ethnic_group", "1")]
    assert (ethnic["not_stated"]["value"], ethnic["not_known"]["value"]) == (40, 10)
    assert ethnic["not_recorded_percent"]["value"] == pytest.approx(50.0)
    assert rows[("ethnic_group", "all")]["not_recorded_percent"]["value"] == pytest.approx(25.0)
    least = {k for k, r in rows.items() if r["least_complete"]}
    # Nothing records religion and the like: 100% not recorded is the least complete.
    assert ("religion", "all") in least
    assert ("ethnic_group", "1") not in least


async def test_representation_lists_absent_groups(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: int
) -> None:
    admin = await tokens.headers("org.admin")
    loaded = await gateway.post(
        f"{BASE}/reference-populations",
        json={
            "title": "Catchment, Census 2021",
            "dimension": "ethnic_group",
            "counts": [
                {"area_code": "E01000001", "category": "white", "people": 7_000},
                {"area_code": "E01000001", "category": "asian_or_asian_british", "people": 2_000},
                {"area_code": "E01000002", "category": "black_or_black_british", "people": 1_000},
            ],
        },
        headers=admin,
    )
    assert loaded.status_code == 201, loaded.text
    reference = loaded.json()["id"]
    assert (loaded.json()["areas"], loaded.json()["people"]) == (2, 10_000)
    found = await gateway.get(
        f"{BASE}/datasets/{dataset}/representation",
        params={"reference": reference},
        headers=await tokens.headers("analyst"),
    )
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["absent_groups"] == ["asian_or_asian_british", "black_or_black_british"]
    white = next(r for r in body["rows"] if r["category"] == "white")
    # 150 recorded, all White: expected 150 x 0.7 = 105.
    assert white["expected"] == pytest.approx(105)
    assert white["ratio"]["value"] == pytest.approx(150 / 105)
    refused = await gateway.post(
        f"{BASE}/reference-populations",
        json={"title": "x", "dimension": "ethnic_group", "counts": []},
        headers=await tokens.headers("analyst"),
    )
    assert refused.status_code == 403


async def test_evaluation_of_a_change(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: int
) -> None:
    found = await gateway.get(
        f"{BASE}/datasets/{dataset}/evaluation",
        params={"intervention": "2025-06-01", "measure": "dna", "by": "imd_quintile", "focus": "1"},
        headers=await tokens.headers("analyst"),
    )
    assert found.status_code == 200, found.text
    body = found.json()
    q1 = next(r for r in body["rows"] if r["category"] == "1")
    assert q1["before"]["value"] == pytest.approx(60 / 200)
    assert q1["after"]["value"] == pytest.approx(20 / 200)
    assert q1["change"]["value"] == pytest.approx(-0.2)
    gap = body["gap"]
    assert gap["before"]["value"] == pytest.approx(0.3 - 0.1)
    assert gap["after"]["value"] == pytest.approx(0.1 - 0.1)
    assert gap["narrowed"] is True
    assert any("Regression to the mean" in c for c in body["caveats"])
    bad = await gateway.get(
        f"{BASE}/datasets/{dataset}/evaluation",
        params={"intervention": "2025-06-01", "baseline_from": "2025-07-01"},
        headers=await tokens.headers("analyst"),
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.baseline_from"


async def test_summary_and_who_reads_it(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: int
) -> None:
    for user, status in [
        ("analyst", 200),
        ("commissioner", 200),
        ("board.member", 200),
        ("org.admin", 200),
        ("clinician.a", 403),
        ("clinician.trustb", 403),
        ("norole", 403),
    ]:
        found = await gateway.get(
            f"{BASE}/datasets/{dataset}/summary", headers=await tokens.headers(user)
        )
        assert found.status_code == status, (user, found.text)
    summary = found = await gateway.get(
        f"{BASE}/datasets/{dataset}/summary", headers=await tokens.headers("analyst")
    )
    assert [e["by"] for e in summary.json()["engagement"]] == [
        "imd_quintile", "core20plus", "ethnic_group", "age_band", "sex",
    ]  # fmt: skip
    powerbi = await tokens.system("powerbi-demo", "aggregate:read")
    assert (
        await gateway.get(
            f"{BASE}/datasets/{dataset}/summary", headers={"Authorization": f"Bearer {powerbi}"}
        )
    ).status_code == 200
    missing = await gateway.get(
        f"{BASE}/datasets/999999999", headers=await tokens.headers("analyst")
    )
    assert missing.status_code == 404


async def test_the_action_plan(gateway: httpx.AsyncClient, tokens: Tokens, dataset: int) -> None:
    analyst = await tokens.headers("analyst")
    step = {
        "stage": "understanding",
        "action": "community_engagement",
        "owner_role": "Service manager",
        "starts_on": "2025-06-01",
        "due_on": "2025-09-30",
        "analysis": "engagement",
        "breakdown": "imd_quintile",
        "category": "1",
    }
    made = await gateway.post(f"{BASE}/datasets/{dataset}/steps", json=step, headers=analyst)
    assert made.status_code == 201, made.text
    done = await gateway.put(
        f"{BASE}/datasets/{dataset}/steps/{made.json()['id']}",
        json=step | {"status": "done"},
        headers=analyst,
    )
    assert done.json()["status"] == "done"
    notes = await gateway.post(
        f"{BASE}/datasets/{dataset}/steps", json=step | {"notes": "free text"}, headers=analyst
    )
    assert notes.status_code == 201  # unknown fields are ignored: notes are not kept
    assert "notes" not in notes.json()
    listed = await gateway.get(
        f"{BASE}/datasets/{dataset}/steps", headers=await tokens.headers("commissioner")
    )
    assert [s["status"] for s in listed.json()["items"]][:1] == ["done"]
    refused = await gateway.post(
        f"{BASE}/datasets/{dataset}/steps", json=step, headers=await tokens.headers("commissioner")
    )
    assert refused.status_code == 403
    backwards = await gateway.post(
        f"{BASE}/datasets/{dataset}/steps", json=step | {"due_on": "2025-01-01"}, headers=analyst
    )
    assert backwards.json()["errors"][0]["field"] == "body.due_on"


async def _every_page(
    gateway: httpx.AsyncClient, path: str, headers: dict[str, str], limit: int
) -> list[dict[str, object]]:
    """Every item of a list, asked ``limit`` at a time by following ``next_cursor``."""
    items: list[dict[str, object]] = []
    params: dict[str, str | int] = {"limit": limit}
    while True:
        page = await gateway.get(path, params=params, headers=headers)
        assert page.status_code == 200, page.text
        assert len(page.json()["items"]) <= limit
        items.extend(page.json()["items"])
        if page.json()["next_cursor"] is None:
            return items
        params = {"limit": limit, "cursor": page.json()["next_cursor"]}


async def test_the_plan_and_the_reference_populations_come_a_page_at_a_time(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    made = await gateway.post(
        f"{BASE}/datasets", json={"unit_code": "EQA", "title": "Paged plan"}, headers=admin
    )
    steps_path = f"{BASE}/datasets/{made.json()['id']}/steps"
    added = []
    for owner in ("Service manager", "Team lead", "Data officer"):
        step = {"stage": "focus", "action": "improve_recording", "owner_role": owner}
        sent = await gateway.post(steps_path, json=step, headers=admin)
        assert sent.status_code == 201, sent.text
        added.append(sent.json()["id"])
    steps = await _every_page(gateway, steps_path, await tokens.headers("commissioner"), 2)
    assert [s["id"] for s in steps] == added  # oldest first, each once
    titles = []
    for n in range(3):
        title = f"Paged reference {n} {made.json()['id']}"
        loaded = await gateway.post(
            f"{BASE}/reference-populations",
            json={
                "title": title,
                "dimension": "sex",
                "counts": [{"area_code": "E01000001", "category": "female", "people": 50}],
            },
            headers=admin,
        )
        assert loaded.status_code == 201, loaded.text
        titles.append(title)
    references = await _every_page(
        gateway, f"{BASE}/reference-populations", await tokens.headers("analyst"), 2
    )
    ids = [r["id"] for r in references]
    assert ids == sorted(ids, reverse=True)  # newest first, each once
    assert [r["title"] for r in references if r["title"] in titles] == titles[::-1]
    for path in (steps_path, f"{BASE}/reference-populations"):
        for forged in ("bm90IGEgY3Vyc29y", "e30", "%%%"):
            refused = await gateway.get(path, params={"cursor": forged}, headers=admin)
            assert refused.status_code == 422, (path, forged, refused.text)
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.json()["errors"] == [
                {"field": "query.cursor", "message": "not a cursor this list issued"}
            ]
    too_many = await gateway.get(steps_path, params={"limit": 201}, headers=admin)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "query.limit"


async def test_a_dataset_with_no_rows_yet_answers_with_nothing_in_it(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    made = await gateway.post(
        f"{BASE}/datasets", json={"unit_code": "EQA", "title": "Empty so far"}, headers=admin
    )
    assert made.status_code == 201, made.text
    empty = f"{BASE}/datasets/{made.json()['id']}"
    for path, params in (
        ("summary", {}),
        ("engagement", {"by": "imd_quintile"}),
        ("completeness", {}),
        ("evaluation", {"intervention": "2025-06-01", "measure": "dna"}),
    ):
        answer = await gateway.get(f"{empty}/{path}", params=params, headers=admin)
        assert answer.status_code == 200, (path, answer.text)
    # The baseline ends the day before the intervention: the first day has none.
    first_day = await gateway.get(
        f"{empty}/evaluation", params={"intervention": "0001-01-01"}, headers=admin
    )
    assert first_day.status_code == 422, first_day.text
    assert first_day.json()["errors"][0]["field"] == "query.intervention"
