"""OData documents: $metadata is CSDL any OData client reads, the service document lists
the tables, and a page follows the options: $select, $count, $top/$skip and keyset paging
with @odata.nextLink."""

from urllib.parse import parse_qs, urlparse

import pytest
from lxml import etree

from services.aggregation.bi import odata
from services.aggregation.bi.query import QueryOptionError, parse_options
from services.aggregation.bi.table import COLUMNS, KEY, BiTable
from services.aggregation.tests.unit.bi_rows import tidy_row
from services.common.errors import Conflict, InvalidInput
from services.common.pagination import encode_cursor

ROOT = "https://equitas.example/api/aggregation/bi/odata"
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
ROWS = sorted(
    (tidy_row(organisation_code=org, breakdown_value=str(q)) for org in ("EQA", "EQB")
     for q in range(1, 6)),
    key=lambda r: tuple(str(getattr(r, k)) for k in KEY),
)  # fmt: skip


def test_metadata_is_csdl_with_the_columns_and_key() -> None:
    root = etree.fromstring(odata.metadata_document())
    assert root.tag == "{http://docs.oasis-open.org/odata/ns/edmx}Edmx"
    assert root.get("Version") == "4.0"
    entity = root.find(f".//{EDM}EntityType")
    assert entity is not None
    names = [p.get("Name") for p in entity.findall(f"{EDM}Property")]
    assert names == [c.name for c in COLUMNS]
    assert [k.get("Name") for k in entity.findall(f"{EDM}Key/{EDM}PropertyRef")] == list(KEY)
    types = {p.get("Name"): p.get("Type") for p in entity.findall(f"{EDM}Property")}
    assert types["period_start"] == "Edm.Date"
    assert types["value"] == "Edm.Double"
    assert types["suppressed"] == "Edm.Boolean"
    sets = root.findall(f".//{EDM}EntityContainer/{EDM}EntitySet")
    assert [s.get("Name") for s in sets] == [t.value for t in BiTable]


def test_service_document_lists_each_table() -> None:
    document = odata.service_document(ROOT)
    assert document["@odata.context"] == f"{ROOT}/$metadata"
    assert document["value"] == [{"name": "measures", "kind": "EntitySet", "url": "measures"}]


def page(query: dict[str, str], max_page: int = odata.MAX_PAGE) -> dict[str, object]:
    document, _ = odata.entity_set_page(
        BiTable.measures, ROWS, parse_options(query), root_url=ROOT, query=query,
        max_page=max_page,
    )  # fmt: skip
    return document


def test_pages_follow_next_links_to_every_row_once() -> None:
    seen = []
    query = {"$count": "true", "$select": "organisation_code,breakdown_value,value"}
    while True:
        document = page(query, max_page=3)
        assert document["@odata.count"] == len(ROWS)
        assert str(document["@odata.context"]).endswith(
            "$metadata#measures(organisation_code,breakdown_value,value)"
        )
        values = document["value"]
        assert isinstance(values, list)
        assert all(set(v) == {"organisation_code", "breakdown_value", "value"} for v in values)
        seen.extend((v["organisation_code"], v["breakdown_value"]) for v in values)
        link = document.get("@odata.nextLink")
        if link is None:
            break
        assert str(link).startswith(f"{ROOT}/measures?")
        query = {k: v[0] for k, v in parse_qs(urlparse(str(link)).query).items()}
    assert seen == [(r.organisation_code, r.breakdown_value) for r in ROWS]


def test_a_row_added_between_pages_is_not_served_twice_nor_others_skipped() -> None:
    first = page({}, max_page=4)
    link = str(first["@odata.nextLink"])
    query = {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}
    grown = sorted([*ROWS, tidy_row(organisation_code="EAA")],
                   key=lambda r: tuple(str(getattr(r, k)) for k in KEY))  # fmt: skip
    document, _ = odata.entity_set_page(
        BiTable.measures, grown, parse_options(query), root_url=ROOT, query=query, max_page=100
    )
    second = document["value"]
    assert isinstance(second, list)
    assert len(first["value"]) + len(second) == len(ROWS)  # type: ignore[arg-type]


def test_top_and_skip() -> None:
    document = page({"$top": "2", "$skip": "3", "$count": "true"})
    assert document["@odata.count"] == 2
    assert [v["breakdown_value"] for v in document["value"]] == ["4", "5"]  # type: ignore[union-attr]
    assert "@odata.nextLink" not in document


@pytest.mark.parametrize(
    ("query", "option"),
    [
        ({"$top": "-1"}, "$top"),
        ({"$top": "99999999999999999999"}, "$top"),
        ({"$skip": "x"}, "$skip"),
        ({"$count": "yes"}, "$count"),
        ({"$select": "value,nhs_number"}, "$select"),
        ({"$orderby": "value sideways"}, "$orderby"),
        ({"$orderby": "nhs_number"}, "$orderby"),
        ({"$orderby": "value desc desc"}, "$orderby"),
        ({"$expand": "x"}, "query"),
        ({"$format": "xml"}, "$format"),
        ({"$filter": "value gt 1"}, "$filter"),
    ],
)
def test_bad_options_are_400_naming_the_option(query: dict[str, str], option: str) -> None:
    with pytest.raises(QueryOptionError) as refused:
        page(query)
    assert refused.value.status == 400
    assert refused.value.errors[0].field == f"query.{option}"


def follow(query: dict[str, str], max_page: int) -> list[tuple[str, str]]:
    """Every row the pages serve, following next links."""
    seen: list[tuple[str, str]] = []
    while True:
        document = page(query, max_page=max_page)
        values = document["value"]
        assert isinstance(values, list)
        seen.extend((v["organisation_code"], v["breakdown_value"]) for v in values)
        link = document.get("@odata.nextLink")
        if link is None:
            return seen
        query = {k: v[0] for k, v in parse_qs(urlparse(str(link)).query).items()}


def test_orderby_with_ties_in_key_order_and_paging_that_keeps_it() -> None:
    rows_by = follow({"$orderby": "breakdown_value desc, organisation_code"}, max_page=3)
    assert rows_by[:4] == [("EQA", "5"), ("EQB", "5"), ("EQA", "4"), ("EQB", "4")]
    assert len(rows_by) == len(ROWS)
    assert len(set(rows_by)) == len(ROWS)


def test_empty_values_sort_first_ascending_and_last_descending() -> None:
    rows = [tidy_row(breakdown_value="1", value=None), tidy_row(breakdown_value="2", value=3.0),
            tidy_row(breakdown_value="3", value=1.0)]  # fmt: skip
    ascending = odata.ordered(rows, [("value", False)])
    assert [r.breakdown_value for r in ascending] == ["1", "3", "2"]
    descending = odata.ordered(rows, [("value", True)])
    assert [r.breakdown_value for r in descending] == ["2", "3", "1"]


def test_top_beyond_a_page_is_kept_across_pages() -> None:
    assert follow({"$top": "7", "$skip": "1"}, max_page=3) == [
        (r.organisation_code, r.breakdown_value) for r in ROWS[1:8]
    ]


def test_a_gone_row_in_a_chosen_order_asks_to_start_again() -> None:
    token = encode_cursor(odata.PagePosition(key=["X"] * len(KEY)))
    with pytest.raises(Conflict):
        page({"$orderby": "value", "$skiptoken": token})


def test_a_forged_skiptoken_is_refused() -> None:
    for forged in ("not-a-token", "eyJrZXkiOlsiQSJdfQ", "e30"):
        with pytest.raises(InvalidInput) as refused:
            page({"$skiptoken": forged})
        assert refused.value.errors[0].field == "query.$skiptoken"


def test_max_page_size_preference() -> None:
    assert odata.page_size([]) == odata.MAX_PAGE
    assert odata.page_size(["odata.maxpagesize=50"]) == 50
    assert odata.page_size(['return=minimal, odata.maxpagesize="7"']) == 7
    assert odata.page_size(["odata.maxpagesize=999999999"]) == odata.MAX_PAGE
    assert odata.page_size(["odata.maxpagesize=-3", "odata.maxpagesize=1e9"]) == odata.MAX_PAGE
