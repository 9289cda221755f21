"""The OData v4 feed as Power BI's and Excel's OData connectors read it, with a BI access
token as the password of HTTP Basic: the service document, $metadata, an entity set with
$filter, $select and $count, server-driven paging followed to the end, and /$count."""

from datetime import date
from typing import Any

import httpx
from equitas_stack.stack import Stack
from lxml import etree

from services.aggregation.bi.table import COLUMN_NAMES
from services.aggregation.tests.api.bi_helpers import BI, basic, mint
from services.aggregation.tests.api.metrics_facts import Fact, insert_facts, new_codes
from tests.support.fixtures import Tokens

# What Power BI Desktop's OData.Feed sends (Power Query's headers).
POWER_QUERY = {
    "Accept": "application/json;odata.metadata=minimal;q=1.0,application/json;"
    "odata=minimalmetadata;q=0.9,application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,"
    "application/xml;q=0.7,text/plain;q=0.7",
    "OData-MaxVersion": "4.0",
    "User-Agent": "Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)",
}
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"


async def test_power_bi_reads_the_feed_over_basic(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    (team,) = new_codes()
    await insert_facts(stack, [Fact(team, date(2026, 5, 1), 10 + i % 3) for i in range(12)]
                       + [Fact(team, date(2026, 8, 1), 14) for _ in range(5)]
                       + [Fact(team, date(2026, 11, 1), 14) for _ in range(4)])  # fmt: skip
    token = (await mint(gateway, tokens, "Power BI equity dataset"))["token"]
    headers = {**POWER_QUERY, **basic(token, "powerbi")}

    service = await gateway.get(f"{BI}/odata", headers=headers)
    assert service.status_code == 200, service.text
    assert service.headers["odata-version"] == "4.0"
    document = service.json()
    assert document["@odata.context"].endswith("/api/aggregation/bi/odata/$metadata")
    assert {"name": "measures", "kind": "EntitySet", "url": "measures"} in document["value"]

    slash = await gateway.get(f"{BI}/odata/", headers=headers)
    assert slash.json() == document

    metadata = await gateway.get(f"{BI}/odata/$metadata", headers=headers)
    assert metadata.status_code == 200
    assert metadata.headers["content-type"].startswith("application/xml")
    csdl = etree.fromstring(metadata.content)
    entity = csdl.find(f".//{EDM}EntityType")
    assert entity is not None
    assert [p.get("Name") for p in entity.findall(f"{EDM}Property")] == list(COLUMN_NAMES)

    # A filter on organisation, period and breakdown, counted and selected.
    query = {
        "$filter": f"organisation_code eq '{team}' and period_type eq 'quarter' "
        "and breakdown in ('all','imd_quintile')",
        "$select": "organisation_code,period,breakdown,breakdown_value,measure,value,suppressed",
        "$count": "true",
    }
    whole = await gateway.get(f"{BI}/odata/measures", params=query, headers=headers)
    assert whole.status_code == 200, whole.text
    body = whole.json()
    count = body["@odata.count"]
    assert count == len(body["value"]) > 0
    assert "@odata.nextLink" not in body
    assert all(set(r) == set(query["$select"].split(",")) for r in body["value"])
    assert {r["period"] for r in body["value"]} == {"2026/27 Q1", "2026/27 Q2", "2026/27 Q3"}
    # 12 people in Q1: 10 as published, unless hidden to protect a small cell elsewhere in
    # the table (which cells depends on every team's figures); 5 in Q2: always hidden.
    people = next(r for r in body["value"] if r["breakdown"] == "all"
                  and r["measure"] == "people" and r["period"] == "2026/27 Q1")  # fmt: skip
    assert (people["value"], people["suppressed"]) in ((10.0, False), (None, True))
    small = next(r for r in body["value"] if r["breakdown"] == "all"
                 and r["measure"] == "people" and r["period"] == "2026/27 Q2")  # fmt: skip
    assert small["value"] is None
    assert small["suppressed"] is True
    for row in body["value"]:
        if row["measure"] == "people":
            assert (row["value"] is None) == row["suppressed"]
            assert row["value"] is None or row["value"] % 5 == 0

    # Server-driven paging: small pages asked for, nextLink followed to the end.
    paged: list[dict[str, Any]] = []
    url: str | None = f"{BI}/odata/measures"
    params: dict[str, str] | None = query
    pages = 0
    while url is not None:
        answer = await gateway.get(
            url, params=params, headers={**headers, "Prefer": "odata.maxpagesize=4"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["preference-applied"] == "odata.maxpagesize=4"
        page = answer.json()
        assert page["@odata.count"] == count
        assert len(page["value"]) <= 4
        paged.extend(page["value"])
        url, params = page.get("@odata.nextLink"), None
        if url is not None:
            assert url.startswith(str(gateway.base_url))
            url = url.removeprefix(str(gateway.base_url).rstrip("/"))
        pages += 1
    assert pages == -(-count // 4)
    assert paged == body["value"]

    counted = await gateway.get(
        f"{BI}/odata/measures/$count", params={"$filter": query["$filter"]}, headers=headers
    )
    assert counted.status_code == 200
    assert counted.headers["content-type"].startswith("text/plain")
    assert int(counted.text) == count

    top = await gateway.get(
        f"{BI}/odata/measures", params={**query, "$top": "3", "$skip": "2"}, headers=headers
    )
    assert top.json()["value"] == body["value"][2:5]

    # A sort Power Query folds into the request.
    by_value = await gateway.get(
        f"{BI}/odata/measures", params={**query, "$orderby": "measure desc,value"},
        headers=headers,
    )  # fmt: skip
    assert by_value.status_code == 200, by_value.text
    measures = [r["measure"] for r in by_value.json()["value"]]
    assert measures == sorted(measures, reverse=True)


async def test_bad_odata_options_are_400_naming_the_option(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    token = (await mint(gateway, tokens, "Bad options"))["token"]
    headers = basic(token)
    cases = [
        ({"$filter": "value gt 10"}, 400, "query.$filter"),
        ({"$filter": "period_start ge 2026-13-01"}, 400, "query.$filter"),
        ({"$select": "organisation_code,nhs_number"}, 400, "query.$select"),
        ({"$top": "99999999999999999999999"}, 400, "query.$top"),
        ({"$skip": "-1"}, 400, "query.$skip"),
        ({"$count": "maybe"}, 400, "query.$count"),
        ({"$orderby": "value sideways"}, 400, "query.$orderby"),
        ({"$expand": "x"}, 400, "query.query"),
        ({"$format": "atom"}, 400, "query.$format"),
        ({"$skiptoken": "forged"}, 422, "query.$skiptoken"),
        ({"$filter": "organisation_code eq '\x00'"}, 422, "query.$filter"),
    ]
    for params, status, field in cases:
        answer = await gateway.get(f"{BI}/odata/measures", params=params, headers=headers)
        assert answer.status_code == status, (params, answer.text)
        assert [e["field"] for e in answer.json()["errors"]] == [field]
