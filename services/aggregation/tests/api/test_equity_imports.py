"""Activity files through the gateway: imported whole or not at all, every refusal reported
with its row and column, identifiers refused, progress recorded."""

import io
import zipfile
from xml.sax.saxutils import escape

import httpx

from tests.support.fixtures import Tokens

BASE = "/api/aggregation/equity"
CSV = {"Content-Type": "text/csv"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = (
    "referral_date,opted_in,appointments_offered,appointments_attended,appointments_dna,"
    "discharge_date,discharge_reason,age,sex,ethnic_category,imd_decile,inclusion_groups"
)
GOOD = "2025-05-01,yes,4,3,1,2025-07-01,completed,34,2,A,3,homelessness"


async def new_dataset(gateway: httpx.AsyncClient, headers: dict[str, str]) -> int:
    made = await gateway.post(
        f"{BASE}/datasets", json={"unit_code": "EQA", "title": "Test activity"}, headers=headers
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


async def records(gateway: httpx.AsyncClient, headers: dict[str, str], dataset: int) -> object:
    found = await gateway.get(f"{BASE}/datasets/{dataset}", headers=headers)
    assert found.status_code == 200, found.text
    return found.json()["records"]


async def test_a_good_file_is_imported_and_its_progress_kept(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    body = "\n".join([HEADER] + [GOOD] * 12) + "\n"
    sent = await gateway.post(
        f"{BASE}/datasets/{dataset}/files", content=body.encode(), headers=admin | CSV
    )
    assert sent.status_code == 201, sent.text
    result = sent.json()
    assert (result["status"], result["rows_read"], result["rows_imported"]) == ("imported", 12, 12)
    again = await gateway.get(f"{BASE}/datasets/{dataset}/imports/{result['id']}", headers=admin)
    assert again.json()["status"] == "imported"
    assert await records(gateway, admin, dataset) == 10  # 12, rounded to 5


async def test_wrong_columns_and_identifiers_are_refused_by_name(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    body = "referral_date,NHS Number,Surname,favourite_colour\n2025-05-01,9434765919,Smith,red\n"
    sent = await gateway.post(
        f"{BASE}/datasets/{dataset}/files", content=body.encode(), headers=admin | CSV
    )
    assert sent.status_code == 422, sent.text
    problems = sent.json()["errors"]
    assert [(p["field"], p["message"]) for p in problems] == [
        (
            "header.NHS Number",
            "holds an NHS number: aggregation never stores identifiers; remove the column "
            "(or use a pseudonymised person_key)",
        ),
        (
            "header.Surname",
            "holds a name: aggregation never stores identifiers; remove the column "
            "(or use a pseudonymised person_key)",
        ),
        ("header.favourite_colour", "is not a column of an activity file"),
    ]
    missing = await gateway.post(
        f"{BASE}/datasets/{dataset}/files", content=b"age,sex\n34,1\n", headers=admin | CSV
    )
    assert missing.json()["errors"] == [
        {"field": "header.referral_date", "message": "is required and missing"}
    ]
    assert await records(gateway, admin, dataset) == 0


async def test_bad_codes_and_dates_are_reported_row_by_row_and_nothing_imported(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    rows = [
        HEADER,
        GOOD,
        "2025-05-01,yes,4,3,1,2025-07-01,completed,34,2,Q,3,",  # row 3: no such category
        "1999-12-31,yes,4,3,1,,,34,2,A,11,",  # row 4: too early; decile out of range
        "2025-05-01,yes,2,3,1,2025-04-01,completed,34,2,A,3,astronaut",  # row 5: not a group
        "2999-01-01,maybe,4,3,1,,,34,2,A,3,",  # row 6: future date; opted in not yes/no
        GOOD,
    ]
    sent = await gateway.post(
        f"{BASE}/datasets/{dataset}/files", content="\n".join(rows).encode(), headers=admin | CSV
    )
    assert sent.status_code == 422, sent.text
    report = sent.json()
    assert report["detail"].startswith("4 rows refused; nothing was imported")
    assert [(p["field"], p["message"]) for p in report["errors"]] == [
        (
            "row[3].ethnic_category",
            "is not an NHS ethnic category code (A to S, Z not stated, 99 not known)",
        ),
        ("row[4].referral_date", "is before 2000-01-01"),
        ("row[4].imd_decile", "is not an IMD decile (1 most deprived to 10)"),
        (
            "row[5].inclusion_groups",
            "holds a value that is not one of homelessness, drug_alcohol_dependence, "
            "vulnerable_migrant, gypsy_roma_traveller, sex_worker, justice_system, "
            "modern_slavery, other_excluded",
        ),
        ("row[6].referral_date", "is in the future"),
        ("row[6].opted_in", "is not yes or no"),
    ]
    assert await records(gateway, admin, dataset) == 0


async def test_one_bad_row_at_the_end_of_100k_imports_nothing(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    lines = [HEADER] + [GOOD] * 99_999 + ["2025-05-01,yes,4,3,1,2025-07-01,completed,34,7,A,3,"]
    sent = await gateway.post(
        f"{BASE}/datasets/{dataset}/files",
        content=("\n".join(lines) + "\n").encode(),
        headers=admin | CSV,
        timeout=120,
    )
    assert sent.status_code == 422, sent.text
    assert sent.json()["detail"].startswith("1 row refused; nothing was imported")
    assert [(p["field"], p["message"]) for p in sent.json()["errors"]] == [
        ("row[100001].sex", "is not one of male, female, other, not_stated, not_known")
    ]
    assert await records(gateway, admin, dataset) == 0


async def test_pushed_rows_are_reported_by_index(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    good = {"referral_date": "2025-05-01", "sex": "female", "ethnic_category": "H", "age": 40}
    bad = good | {"person_key": "943 476 5919"}
    sent = await gateway.post(
        f"{BASE}/datasets/{dataset}/rows", json={"rows": [good, bad]}, headers=admin
    )
    assert sent.status_code == 422, sent.text
    assert sent.json()["errors"] == [
        {
            "field": "body.rows[1].person_key",
            "message": "looks like an NHS number: aggregation never stores identifiers",
        }
    ]
    ok = await gateway.post(
        f"{BASE}/datasets/{dataset}/rows", json={"rows": [good] * 9}, headers=admin
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["rows_imported"] == 9


def _xlsx(rows: list[list[object]]) -> bytes:
    """A minimal workbook (inline strings and numbers), as Excel would save it."""

    def cell(value: object) -> str:
        if isinstance(value, int | float):
            return f"<c><v>{value}</v></c>"
        return f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    sheet = "".join("<row>" + "".join(cell(v) for v in r) + "</row>" for r in rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
            '-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
            '.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships"><sheets><sheet name="Activity" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>',
        )
    return out.getvalue()


async def test_an_xlsx_workbook_is_read_from_its_first_sheet(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    rows: list[list[object]] = [["Referral date", "Age", "Sex", "Ethnic category", "IMD decile"]]
    rows += [["2025-06-0" + str(1 + i % 9), 30 + i, "female", "M", 1 + i % 10] for i in range(9)]
    sent = await gateway.post(
        f"{BASE}/datasets/{dataset}/files",
        content=_xlsx(rows),
        headers=admin | {"Content-Type": XLSX},
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["rows_imported"] == 9
    broken = await gateway.post(
        f"{BASE}/datasets/{dataset}/files",
        content=b"PK not really a workbook",
        headers=admin | {"Content-Type": XLSX},
    )
    assert broken.status_code == 422, broken.text
    assert broken.json()["errors"][0]["field"] == "body"


async def test_who_may_import(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    admin = await tokens.headers("org.admin")
    dataset = await new_dataset(gateway, admin)
    body = ("\n".join([HEADER, GOOD]) + "\n").encode()
    for user, status in [
        ("analyst", 201),  # an analyst of the providing trust
        ("commissioner", 403),  # reads, never writes
        ("board.member", 403),
        ("clinician.trustb", 403),  # reads no aggregates at all
    ]:
        sent = await gateway.post(
            f"{BASE}/datasets/{dataset}/files",
            content=body,
            headers=await tokens.headers(user) | CSV,
        )
        assert sent.status_code == status, (user, sent.text)
    wrong_type = await gateway.post(
        f"{BASE}/datasets/{dataset}/files", content=body, headers=admin | {"Content-Type": "x/y"}
    )
    assert wrong_type.status_code == 415
