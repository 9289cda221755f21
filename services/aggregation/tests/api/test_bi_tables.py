"""The BI tables through the gateway with real tokens: powerbi-demo (client credentials)
pulls CSV, JSON and Parquet of both trusts of its ICB; a trust's BI access token sees its
own trust only; clinicians get 403; ETag and Last-Modified make a scheduled refresh cheap."""

import asyncio
import csv
import io
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
from equitas_stack.stack import Stack

from services.aggregation.bi.table import COLUMN_NAMES
from services.aggregation.tests.api.bi_helpers import BI, basic, bearer, mint, token_of
from services.aggregation.tests.api.metrics_facts import Fact, insert_facts, new_codes
from services.scoring.tests.api.hef import NewTeam, create_person, submit_complete
from tests.support.fixtures import Tokens


async def two_trusts(stack: Stack) -> tuple[str, str]:
    """A team of trust A with a small group (suppressed) and a team of trust B."""
    team_a, team_b = new_codes(2)
    facts = [Fact(team_a, date(2026, 5, 1), 10 + i % 3, imd_decile=5) for i in range(12)]
    facts += [Fact(team_a, date(2026, 5, 2), 30, imd_decile=1) for _ in range(3)]
    facts += [Fact(team_b, date(2026, 5, 1), 12, organisation_code="EQB") for _ in range(10)]
    await insert_facts(stack, facts)
    return team_a, team_b


def csv_rows(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    text = answer.content.decode("utf-8")
    assert text.startswith(",".join(COLUMN_NAMES) + "\r\n")
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def test_powerbi_demo_pulls_a_csv_of_both_trusts(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    await two_trusts(stack)
    headers = bearer(await tokens.system("powerbi-demo", "aggregate:read"))
    rows = csv_rows(await gateway.get(f"{BI}/tables/measures.csv", headers=headers))
    trusts = {r["organisation_code"] for r in rows if r["organisation_level"] == "trust"}
    assert {"EQA", "EQB"} <= trusts
    # The ICB's own level and the one below; teams are below a trust's, not the ICB's.
    assert {r["organisation_level"] for r in rows} <= {"icb", "trust"}
    people = next(r for r in rows if r["organisation_code"] == "EQB" and r["measure"] == "people"
                  and r["breakdown"] == "all" and r["period"] == "2026/27 Q1")  # fmt: skip
    assert people["period_type"] == "quarter"
    assert people["period_start"] == "2026-04-01"
    assert people["period_end"] == "2026-06-30"
    for row in rows:  # counts rounded to 5 as published, or empty and flagged
        if row["measure"] == "people":
            assert (row["value"] == "") == (row["suppressed"] == "true")
            assert row["value"] == "" or float(row["value"]) % 5 == 0


async def test_json_and_parquet_hold_the_same_rows_as_csv(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    await two_trusts(stack)
    headers = bearer(await tokens.system("powerbi-demo", "aggregate:read"))
    query = {"$filter": "organisation_code in ('EQA','EQB') and period_type eq 'quarter'"}
    as_csv = csv_rows(await gateway.get(f"{BI}/tables/measures.csv", params=query, headers=headers))
    as_json = await gateway.get(f"{BI}/tables/measures.json", params=query, headers=headers)
    assert as_json.headers["content-type"] == "application/json"
    document = as_json.json()
    assert document["table"] == "measures"
    assert document["columns"] == list(COLUMN_NAMES)
    parquet = await gateway.get(f"{BI}/tables/measures.parquet", params=query, headers=headers)
    assert parquet.status_code == 200
    assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.column_names == list(COLUMN_NAMES)
    assert table.schema.field("period_start").type == pa.date32()
    assert table.schema.field("suppressed").type == pa.bool_()
    assert len(as_csv) == len(document["rows"]) == table.num_rows > 0
    assert {r["organisation_code"] for r in as_csv} == {"EQA", "EQB"}
    keyed: dict[tuple[Any, ...], Any] = {
        (r["organisation_code"], r["period"], r["breakdown"], r["breakdown_value"], r["measure"]): r
        for r in table.to_pylist()
    }
    for row in document["rows"]:
        key = (row["organisation_code"], row["period"], row["breakdown"], row["breakdown_value"],
               row["measure"])  # fmt: skip
        assert keyed[key]["value"] == row["value"]


async def test_accept_chooses_the_format(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    headers = bearer(await tokens.system("powerbi-demo", "aggregate:read"))
    path = f"{BI}/tables/measures"
    as_csv = await gateway.get(path, headers={**headers, "Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    as_parquet = await gateway.get(
        path, headers={**headers, "Accept": "application/vnd.apache.parquet"}
    )
    assert pq.read_table(io.BytesIO(as_parquet.content)).column_names == list(COLUMN_NAMES)
    as_json = await gateway.get(
        path, headers={**headers, "Accept": "text/csv;q=0.5, application/json"}
    )
    assert as_json.headers["content-type"] == "application/json"
    refused = await gateway.get(path, headers={**headers, "Accept": "image/png"})
    assert refused.status_code == 406
    assert refused.headers["content-type"] == "application/problem+json"


async def test_a_trusts_token_sees_its_trust_only(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    team_a, team_b = await two_trusts(stack)
    token = (await mint(gateway, tokens, "Trust A only"))["token"]
    rows = csv_rows(await gateway.get(f"{BI}/tables/measures.csv", headers=basic(token)))
    codes = {r["organisation_code"] for r in rows}
    assert {"EQA", team_a} <= codes
    assert "EQB" not in codes
    assert team_b not in codes
    asked = csv_rows(await gateway.get(
        f"{BI}/tables/measures.csv", params={"$filter": f"organisation_code in ('EQB','{team_b}')"},
        headers=basic(token),
    ))  # fmt: skip
    assert asked == []
    # Small groups are suppressed: the value is empty, never 0, and flagged.
    hidden = [r for r in rows if r["organisation_code"] == team_a and r["breakdown"] == "imd_quintile"
              and r["breakdown_value"] == "1" and r["measure"] == "people"]  # fmt: skip
    assert hidden
    assert all(r["suppressed"] == "true" and r["value"] == "" for r in hidden)


async def test_an_icbs_token_sees_both_its_trusts_side_by_side(
    gateway: httpx.AsyncClient, stack: Stack
) -> None:
    await two_trusts(stack)
    _, token = await token_of(stack, "QZZ")
    rows = csv_rows(await gateway.get(
        f"{BI}/tables/measures.csv", params={"$filter": "organisation_level eq 'trust'"},
        headers=basic(token),
    ))  # fmt: skip
    assert {r["organisation_code"] for r in rows} >= {"EQA", "EQB"}


async def test_clinicians_get_403(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    for username in ("clinician.a", "clinician.trustb"):
        for path in (f"{BI}/tables/measures.csv", f"{BI}/odata/measures", f"{BI}/odata"):
            answer = await gateway.get(path, headers=await tokens.headers(username))
            assert answer.status_code == 403, (username, path, answer.text)


async def test_conditional_get_answers_304_until_the_figures_change(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = bearer(await tokens.system("powerbi-demo", "aggregate:read"))
    path = f"{BI}/tables/measures.csv"
    # The feed may move between two requests (other tests submit): try a few times.
    for _ in range(5):
        first = await gateway.get(path, headers=headers)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        again = await gateway.get(path, headers={**headers, "If-None-Match": etag})
        if again.status_code == 304:
            break
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    since = await gateway.get(path, headers={**headers, "If-Modified-Since": modified})
    assert since.status_code in (200, 304)
    other_format = await gateway.get(
        f"{BI}/tables/measures.json", headers={**headers, "If-None-Match": etag}
    )
    assert other_format.status_code == 200  # each representation has its own ETag
    filtered = await gateway.get(
        path, params={"$filter": "period_type eq 'quarter'"},
        headers={**headers, "If-None-Match": etag},
    )  # fmt: skip
    assert filtered.status_code == 200


async def test_bad_query_options_name_the_option(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = bearer(await tokens.system("powerbi-demo", "aggregate:read"))
    path = f"{BI}/tables/measures.csv"
    cases = [
        ({"$filter": "organisation_code eq 'EQA' or 1 eq 1"}, 400, "query.$filter"),
        (
            {"$filter": "organisation_code eq 'EQA'; DROP TABLE bi_access_token"},
            400,
            "query.$filter",
        ),
        ({"$filter": "organisation_code eq 1" + "0" * 400}, 400, "query.$filter"),
        ({"$filter": "organisation_code eq 'EQ\x00A'"}, 422, "query.$filter"),
        ({"$select": "organisation_code,person_key"}, 400, "query.$select"),
        ({"$top": "10"}, 400, "query.query"),
    ]
    for params, status, field in cases:
        answer = await gateway.get(path, params=params, headers=headers)
        assert answer.status_code == status, (params, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in answer.json()["errors"]] == [field]
        assert "DROP" not in answer.text
    twice = await gateway.get(
        f"{path}?$filter=period_type%20eq%20'quarter'&$filter=period_type%20eq%20'month'",
        headers=headers,
    )
    assert twice.status_code == 400


async def test_a_submitted_hef_changes_the_etag(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Callable[[], str]
) -> None:
    """The cheap refresh stays correct: once the feed brings a new assessment in, the ETag a
    BI tool kept no longer matches, and it gets the new table."""
    token = (await mint(gateway, tokens, "Refresh check"))["token"]
    path = f"{BI}/tables/measures.csv"
    admin = await tokens.headers("org.admin")
    synced = await gateway.post("/api/aggregation/feed/sync", headers=admin)
    assert synced.status_code == 200, synced.text
    before = await gateway.get(path, headers=basic(token))
    etag = before.headers["etag"]
    team = await new_team({"clinician.a": "member"})
    clinician = await tokens.headers("clinician.a")
    person = await create_person(gateway, clinician, team, nhs_number())
    submitted = await submit_complete(gateway, clinician, person["id"], "moderate",
                                      assessed_on="2026-06-01")  # fmt: skip
    assert submitted.status_code == 201, submitted.text
    deadline = time.monotonic() + 30
    while True:
        synced = await gateway.post("/api/aggregation/feed/sync", headers=admin)
        after = await gateway.get(path, headers={**basic(token), "If-None-Match": etag})
        if after.status_code == 200 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert after.status_code == 200, synced.text
    assert after.headers["etag"] != etag
    # One person is a small number: the team's row is there, suppressed.
    rows = csv_rows(after)
    mine = [r for r in rows if r["organisation_code"] == team and r["measure"] == "people"
            and r["breakdown"] == "all" and r["period_type"] == "quarter"]  # fmt: skip
    assert [(r["period"], r["value"], r["suppressed"]) for r in mine] == [
        ("2026/27 Q1", "", "true")
    ]
