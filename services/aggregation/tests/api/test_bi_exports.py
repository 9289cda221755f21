"""BI exports that build only what their filter needs, a few at a time (decision 0051).

- Through the gateway: a filtered export is, byte for byte, the rows of the unfiltered one
  that match, whether the filter skips parts of the table or not; OData and its count
  agree.
- On an aggregation app of the test's own (one export building, one waiting): past those
  places an export gets a quick 503 problem+json with Retry-After, while a 304 and the
  export already waiting are served.
"""

import asyncio
import csv
import io
from collections.abc import Callable
from datetime import date

import httpx
import pytest
from equitas_stack.stack import Stack
from fastapi import FastAPI
from pydantic import ValidationError

from services.aggregation.bi.admission import BUSY, exports_of
from services.aggregation.main import create_app
from services.aggregation.settings import AggregationSettings
from services.aggregation.tests.api.bi_helpers import BI, bearer, token_of
from services.aggregation.tests.api.metrics_facts import Fact, insert_facts, new_codes
from services.common.errors import PROBLEM_JSON

Row = dict[str, str]


async def _facts_over_two_years(stack: Stack) -> tuple[str, str]:
    team_a, team_b = new_codes(2)
    facts = [Fact(team_a, date(2026, 5, 1), 10 + i % 3, imd_decile=1 + i % 10) for i in range(14)]
    facts += [Fact(team_a, date(2027, 1, 5), 20, ethnic_group="mixed") for _ in range(3)]
    facts += [Fact(team_b, date(2026, 8, 1), 12, organisation_code="EQB") for _ in range(11)]
    facts += [Fact(team_b, date(2025, 6, 1), 9, organisation_code="EQB", sex="male")]
    await insert_facts(stack, facts)
    return team_a, team_b


# Each filter with the same test written by hand on the CSV's text.
FILTERS: dict[str, Callable[[Row], bool]] = {
    "organisation_code eq 'EQA'": lambda r: r["organisation_code"] == "EQA",
    "organisation_level eq 'trust' and breakdown eq 'all'": (
        lambda r: r["organisation_level"] == "trust" and r["breakdown"] == "all"
    ),
    "period eq '2026/27 Q2' and suppressed eq true": (
        lambda r: r["period"] == "2026/27 Q2" and r["suppressed"] == "true"
    ),
    "period_start ge 2099-01-01": lambda r: False,
    "organisation_code eq 'EQB' or measure eq 'mean_score'": (
        lambda r: r["organisation_code"] == "EQB" or r["measure"] == "mean_score"
    ),
    "not (period_type eq 'quarter') and startswith(breakdown, 'ethnic')": (
        lambda r: r["period_type"] != "quarter" and r["breakdown"].startswith("ethnic")
    ),
    "period_end le 2026-06-30 and organisation_code in ('EQA', 'EQB')": (
        lambda r: r["period_end"] <= "2026-06-30" and r["organisation_code"] in ("EQA", "EQB")
    ),
}


def _lines(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return answer.text.split("\r\n")[:-1]  # each row a line, each line ended by CRLF


def _matching_lines(lines: list[str], test: Callable[[Row], bool]) -> list[str]:
    rows = list(csv.DictReader(io.StringIO("\r\n".join(lines) + "\r\n", newline="")))
    assert len(rows) == len(lines) - 1
    return [lines[0]] + [line for line, row in zip(lines[1:], rows, strict=True) if test(row)]


async def test_a_filtered_export_is_the_matching_rows_of_the_whole(
    gateway: httpx.AsyncClient, stack: Stack
) -> None:
    await _facts_over_two_years(stack)
    _, token = await token_of(stack, "QZZ")  # an ICB: its own level and its trusts
    headers = bearer(token)
    csv_path = f"{BI}/tables/measures.csv"
    for _attempt in range(3):  # the feed may apply events meanwhile: then compare again
        whole = _lines(await gateway.get(csv_path, headers=headers))
        filtered = {
            text: _lines(await gateway.get(csv_path, params={"$filter": text}, headers=headers))
            for text in FILTERS
        }
        if _lines(await gateway.get(csv_path, headers=headers)) == whole:
            break
    else:
        pytest.fail("the table kept changing")
    assert len(whole) > 100
    for text, test in FILTERS.items():
        assert filtered[text] == _matching_lines(whole, test), text
    assert len(filtered["period_start ge 2099-01-01"]) == 1  # the header alone
    assert len(filtered["organisation_code eq 'EQA'"]) > 1
    # The OData feed and its count say the same.
    text = "organisation_level eq 'trust' and breakdown eq 'all'"
    page = await gateway.get(
        f"{BI}/odata/measures", params={"$filter": text, "$count": "true"}, headers=headers
    )
    assert page.status_code == 200, page.text
    assert page.json()["@odata.count"] == len(filtered[text]) - 1
    count = await gateway.get(f"{BI}/odata/measures/$count", params={"$filter": text},
                              headers=headers)  # fmt: skip
    assert count.text == str(len(filtered[text]) - 1)


def _own_app(stack: Stack, **settings: int) -> FastAPI:
    return create_app(
        AggregationSettings(
            environment="test",
            database_url=stack.database_url,
            database_name=f"{stack.config.database_prefix}aggregation",
            migrate_on_start=False,
            feed_consumer=False,
            oidc_issuer=stack.config.issuer,
            oidc_jwks_url=f"http://127.0.0.1:{stack.config.idp_port}/idp/jwks",
            **settings,
        )
    )


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def test_past_its_places_an_export_gets_a_quick_503(stack: Stack) -> None:
    _, token = await token_of(stack, "QZZ")
    headers = bearer(token)
    app = _own_app(stack, bi_exports_at_once=1, bi_exports_waiting=1)
    path = f"{BI}/tables/measures.csv"
    wanted = {"$filter": "organisation_level eq 'icb' and breakdown eq 'all'"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://aggregation", timeout=120
        ) as client,
    ):
        first = await client.get(path, params=wanted, headers=headers)
        assert first.status_code == 200, first.text
        exports = exports_of(app)
        release = asyncio.Event()

        async def build_something_else() -> None:
            async with exports.admitted():
                await release.wait()

        held = asyncio.create_task(build_something_else())  # the one place to build
        await _until(lambda: exports.admitted_now == 1)
        waiting = asyncio.create_task(client.get(path, params=wanted, headers=headers))
        await _until(lambda: exports.admitted_now == 2)  # the one place to wait
        for refused_path in (path, f"{BI}/tables/measures.json", f"{BI}/odata/measures"):
            refused = await client.get(refused_path, params=wanted, headers=headers)
            assert refused.status_code == 503, refused.text
            assert refused.headers["content-type"] == PROBLEM_JSON
            assert refused.headers["retry-after"] == "5"
            assert refused.json()["detail"] == BUSY
        # Refused without waiting for a place: the export ahead of it is still held.
        assert not waiting.done()
        # A client whose copy is current is told so without building anything.
        unchanged = await client.get(
            path, params=wanted, headers={**headers, "If-None-Match": first.headers["etag"]}
        )
        assert unchanged.status_code == 304
        release.set()
        await held
        served = await waiting
        assert served.status_code == 200
        assert served.content == first.content
        assert exports.admitted_now == 0
        again = await client.get(path, params=wanted, headers=headers)
        assert again.status_code == 200


def test_exports_must_leave_connections_for_other_requests() -> None:
    with pytest.raises(ValidationError, match="EQUITAS_BI_EXPORTS_AT_ONCE"):
        AggregationSettings(environment="test", database_pool_size=4, bi_exports_at_once=4)
