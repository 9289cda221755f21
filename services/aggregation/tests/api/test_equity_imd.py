"""The IMD lookup through the gateway (decision 0046): an administrator loads IoD2019 and
IoD2025 from their published CSV (whole or nothing), and activity rows giving an LSOA code
instead of an IMD decile get the decile of the row's, the dataset's or the codes' vintage;
an unknown code refuses its row."""

import httpx
import pytest

from tests.support.fixtures import Tokens

BASE = "/api/aggregation/equity"
CSV = {"Content-Type": "text/csv"}
DECILE = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
# Codes of these tests only (E0199....): both vintages know 01 and 02, with other deciles;
# 03 is a 2011 LSOA only, 04 a 2021 LSOA only.
IOD2019 = {"E01990601": 1, "E01990602": 10, "E01990603": 5}
IOD2025 = {"E01990601": 2, "E01990602": 9, "E01990604": 3}


def _iod_file(lsoa_year: int, deciles: dict[str, int]) -> bytes:
    """A File 7 as published: quoted commas, many columns, only two of them read."""
    header = (
        f"LSOA code ({lsoa_year}),LSOA name ({lsoa_year}),Local Authority District name (2019),"
        "Index of Multiple Deprivation (IMD) Score,"
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
        f'{DECILE},"Education, Skills and Training Score"'
    )
    rows = [
        f'{c},Demo {c[-3:]},"Bristol, City of",10.5,{d * 3000},{d},1.2' for c, d in deciles.items()
    ]
    return ("\n".join([header, *rows]) + "\n").encode()


async def _load(gateway: httpx.AsyncClient, headers: dict[str, str]) -> None:
    for vintage, year, deciles in (("IoD2019", 2011, IOD2019), ("IoD2025", 2021, IOD2025)):
        loaded = await gateway.put(
            f"{BASE}/imd-lookups/{vintage}", content=_iod_file(year, deciles), headers=headers | CSV
        )
        assert loaded.status_code == 200, loaded.text
        assert loaded.json()["lsoa_year"] == year


async def _dataset(gateway: httpx.AsyncClient, headers: dict[str, str]) -> int:
    made = await gateway.post(
        f"{BASE}/datasets", json={"unit_code": "EQA", "title": "LSOA activity"}, headers=headers
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


async def _by_decile(
    gateway: httpx.AsyncClient, headers: dict[str, str], dataset: int
) -> dict[str, object]:
    found = await gateway.get(
        f"{BASE}/datasets/{dataset}/engagement", params={"by": "imd_decile"}, headers=headers
    )
    assert found.status_code == 200, found.text
    return {r["category"]: r["referrals"]["value"] for r in found.json()["rows"]}


def _activity(*lsoas: str, header: str = "referral_date,sex,lsoa") -> bytes:
    """Ten referrals for each LSOA code (so each decile's count is shown)."""
    lines = [header]
    for code in lsoas:
        lines += [f"2025-05-01,female,{code}"] * 10
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
async def admin(gateway: httpx.AsyncClient, tokens: Tokens) -> dict[str, str]:
    headers = await tokens.headers("org.admin")
    await _load(gateway, headers)
    return headers


async def test_the_codes_say_the_vintage_the_newest_when_they_fit_both(
    gateway: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    both = await _dataset(gateway, admin)
    sent = await gateway.post(
        f"{BASE}/datasets/{both}/files",
        content=_activity("E01990601", "e01990602"),
        headers=admin | CSV,
    )
    assert sent.status_code == 201, sent.text
    assert await _by_decile(gateway, admin, both) == {"2": 10, "9": 10}  # IoD2025's deciles
    older = await _dataset(gateway, admin)
    sent = await gateway.post(
        f"{BASE}/datasets/{older}/files",
        content=_activity("E01990601", "E01990602", "E01990603"),
        headers=admin | CSV,
    )
    assert sent.status_code == 201, sent.text
    assert await _by_decile(gateway, admin, older) == {"1": 10, "10": 10, "5": 10}


async def test_the_row_or_the_dataset_says_the_vintage(
    gateway: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    dataset = await _dataset(gateway, admin)
    said = await gateway.put(
        f"{BASE}/datasets/{dataset}/imd-vintage", json={"imd_vintage": "IoD2019"}, headers=admin
    )
    assert said.status_code == 200, said.text
    read = await gateway.get(f"{BASE}/datasets/{dataset}/imd-vintage", headers=admin)
    assert read.json() == {"imd_vintage": "IoD2019"}
    rows = [{"referral_date": "2025-05-01", "lsoa": "E01990601"}] * 10 + [
        {"referral_date": "2025-05-01", "lsoa": "E01990601", "imd_vintage": "IoD2025"}
    ] * 10
    sent = await gateway.post(f"{BASE}/datasets/{dataset}/rows", json={"rows": rows}, headers=admin)
    assert sent.status_code == 201, sent.text
    assert await _by_decile(gateway, admin, dataset) == {"1": 10, "2": 10}
    # On IoD2019, a 2021-only code is unknown: the row is refused by its number.
    pushed = await gateway.post(
        f"{BASE}/datasets/{dataset}/rows",
        json={"rows": [{"referral_date": "2025-05-01", "lsoa": "E01990604"}]},
        headers=admin,
    )
    assert pushed.status_code == 422, pushed.text
    assert pushed.json()["errors"] == [
        {"field": "body.rows[0].lsoa", "message": "is not an LSOA code of IoD2019 (2011 LSOAs)"}
    ]


async def test_an_unknown_or_mixed_lsoa_code_refuses_its_row(
    gateway: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    dataset = await _dataset(gateway, admin)
    body = b"referral_date,lsoa\n2025-05-01,E01990603\n2025-05-01,E01990604\n2025-05-01,E01999999\n"
    sent = await gateway.post(f"{BASE}/datasets/{dataset}/files", content=body, headers=admin | CSV)
    assert sent.status_code == 422, sent.text
    assert sent.json()["detail"].startswith("2 rows refused; nothing was imported")
    assert sent.json()["errors"] == [
        {
            "field": "row[3].lsoa",
            "message": "is an LSOA code of IoD2025 (2021 LSOAs) only, unlike the file's other "
            "LSOA codes: give imd_vintage",
        },
        {
            "field": "row[4].lsoa",
            "message": "is not an LSOA code of IoD2019 (2011 LSOAs) or IoD2025 (2021 LSOAs)",
        },
    ]


async def test_a_lookup_is_loaded_whole_or_not_at_all(
    gateway: httpx.AsyncClient, tokens: Tokens, admin: dict[str, str]
) -> None:
    wrong_year = await gateway.put(
        f"{BASE}/imd-lookups/IoD2019", content=_iod_file(2021, IOD2025), headers=admin | CSV
    )
    assert wrong_year.status_code == 422, wrong_year.text
    assert wrong_year.json()["errors"] == [
        {
            "field": "header.LSOA code (2021)",
            "message": "names 2021 LSOAs, but IoD2019 ranks 2011 LSOAs: load the file as the "
            "vintage it is",
        }
    ]
    bad_row = _iod_file(2011, IOD2019) + b"E01990609,Demo,x,1,1,11,1\n"
    refused = await gateway.put(f"{BASE}/imd-lookups/IoD2019", content=bad_row, headers=admin | CSV)
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"] == "1 row refused; the IoD2019 lookup is unchanged"
    assert refused.json()["errors"] == [
        {"field": f"row[5].{DECILE}", "message": "is not an IMD decile (1 most deprived to 10)"}
    ]
    listed = await gateway.get(f"{BASE}/imd-lookups", headers=await tokens.headers("analyst"))
    assert listed.status_code == 200, listed.text
    assert {(v["vintage"], v["lsoa_year"]) for v in listed.json()} == {
        ("IoD2019", 2011),
        ("IoD2025", 2021),
    }
    for user in ("analyst", "commissioner", "team.lead"):
        denied = await gateway.put(
            f"{BASE}/imd-lookups/IoD2019",
            content=_iod_file(2011, IOD2019),
            headers=await tokens.headers(user) | CSV,
        )
        assert denied.status_code == 403, (user, denied.text)
    unknown = await gateway.put(
        f"{BASE}/imd-lookups/IoD2015", content=_iod_file(2011, IOD2019), headers=admin | CSV
    )
    assert unknown.status_code == 422
