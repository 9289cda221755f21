"""Every service assembled by ``build_app`` refuses control characters in every part of a
request, naming the field, and answers a failure with a problem naming the request id and
a log line without the failure's message.

The app here is the real assembly (``build_app``) with a router of its own; its lifespan
is not run, so no database is needed.
"""

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Body, Header, Query, Request
from pydantic import BaseModel, Field

from services.common.app import ServiceSpec, build_app
from services.common.errors import PROBLEM_JSON
from services.common.input_rules import FreeText
from services.common.observability import JsonFormatter
from services.common.settings import ServiceSettings

MARKER = "Zqxmarker"


class Line(BaseModel):
    name: str
    comment: FreeText | None = None


class Entry(BaseModel):
    title: str = Field(alias="entryTitle")
    notes: Annotated[FreeText, Field(max_length=100)] | None = None
    lines: list[Line] = []
    tags: dict[str, str] = {}
    anything: dict[str, Any] = {}


router = APIRouter()


@router.post("/entries/{code}")
async def post_entry(
    code: str,
    entry: Entry,
    reason: Annotated[FreeText | None, Query()] = None,
    name: str | None = None,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, str]:
    return {"code": code, "title": entry.title}


@router.get("/search")
async def search(request: Request) -> dict[str, str]:
    # Read by hand, as the FHIR routes do: covered all the same.
    return dict(request.query_params)


@router.post("/document")
async def document(text: Annotated[str, Body(media_type="application/yaml")]) -> int:
    return len(text)


@router.get("/fail")
async def fail(name: str) -> None:
    raise ValueError(f"could not handle {name}")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    spec = ServiceSpec(
        name="test",
        title="test",
        version="1",
        description="",
        routers=[router],
        migrations_dir=Path("."),
    )
    app = build_app(spec, ServiceSettings())
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def _fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert MARKER not in response.text
    return [error["field"] for error in response.json()["errors"]]


GOOD = {"entryTitle": "Title", "notes": "first line\nsecond\tline\r\n"}


async def test_free_text_may_hold_tab_and_line_breaks(client: httpx.AsyncClient) -> None:
    body = {**GOOD, "lines": [{"name": "a", "comment": "x\ny"}]}
    response = await client.post("/entries/A1", params={"reason": "why\nnot"}, json=body)
    assert response.status_code == 200, response.text
    assert (await client.post("/document", content=b"a: 1\n\tb: 2\r\n")).status_code == 200


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"json": {**GOOD, "entryTitle": f"{MARKER}\x00"}}, ["body.entryTitle"]),
        ({"json": {**GOOD, "entryTitle": f"{MARKER}\n"}}, ["body.entryTitle"]),
        ({"json": {**GOOD, "notes": f"{MARKER}\x00"}}, ["body.notes"]),
        (  # a lone surrogate, which only an escape in JSON can carry
            {
                "content": json.dumps({**GOOD, "notes": f"{MARKER}\ud800"}),
                "headers": {"content-type": "application/json"},
            },
            ["body.notes"],
        ),
        (
            {"json": {**GOOD, "lines": [{"name": "ok"}, {"name": f"{MARKER}\t"}]}},
            ["body.lines[1].name"],
        ),
        (
            {"json": {**GOOD, "lines": [{"name": "a", "comment": "\x1b"}]}},
            ["body.lines[0].comment"],
        ),
        ({"json": {**GOOD, "tags": {"k": f"{MARKER}\x00"}}}, ["body.tags.k"]),
        ({"json": {**GOOD, "tags": {f"{MARKER}\x00": "v"}}}, ["body.tags"]),
        (
            {"json": {**GOOD, "anything": {"deep": [[{"x": "\x00"}]]}}},
            ["body.anything.deep[0][0].x"],
        ),
        ({"json": {**GOOD, "unknown": "\n"}}, ["body.unknown"]),
        ({"params": {"name": f"{MARKER}\x00"}, "json": GOOD}, ["query.name"]),
        ({"params": {"name": f"{MARKER}\n"}, "json": GOOD}, ["query.name"]),
        ({"params": {"reason": f"{MARKER}\x00"}, "json": GOOD}, ["query.reason"]),
        ({"params": {f"{MARKER}\x00": "x"}, "json": GOOD}, ["query"]),
        ({"headers": {"If-Match": f"{MARKER}\t"}, "json": GOOD}, ["header.if-match"]),
        (
            {"params": {"name": "\x00"}, "json": {**GOOD, "notes": "\x00"}},
            ["query.name", "body.notes"],
        ),
    ],
)
async def test_control_characters_are_refused_naming_the_field(
    client: httpx.AsyncClient, kwargs: dict[str, Any], fields: list[str]
) -> None:
    assert _fields(await client.post("/entries/A1", **kwargs)) == fields


@pytest.mark.parametrize(
    "raw",
    [
        b'{"entryTitle": "\xed\xa0\x80"}',  # a surrogate encoded as if it were UTF-8
        '{"entryTitle": "A\ud800"}'.encode("utf-16-le", "surrogatepass"),
    ],
)
async def test_surrogates_without_escapes_are_refused(
    client: httpx.AsyncClient, raw: bytes
) -> None:
    response = await client.post(
        "/entries/A1", content=raw, headers={"content-type": "application/json"}
    )
    assert _fields(response) == ["body.entryTitle"]


@pytest.mark.parametrize(
    "number", [b"1" + b"0" * 30, b"-9223372036854775809", b"1e400", b"NaN", b"-Infinity"]
)
async def test_numbers_no_json_column_can_hold_are_refused(
    client: httpx.AsyncClient, number: bytes
) -> None:
    raw = b'{"entryTitle": "T", "anything": {"n": ' + number + b"}}"
    response = await client.post(
        "/entries/A1", content=raw, headers={"content-type": "application/json"}
    )
    assert _fields(response) == ["body.anything.n"]


async def test_numbers_within_64_bits_are_accepted(client: httpx.AsyncClient) -> None:
    raw = b'{"entryTitle": "T", "anything": {"n": 9223372036854775807, "f": 1.5e300}}'
    response = await client.post(
        "/entries/A1", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text


async def test_path_parameters_are_checked(client: httpx.AsyncClient) -> None:
    assert _fields(await client.post("/entries/A%001", json=GOOD)) == ["path.code"]


async def test_parameters_read_by_hand_are_checked(client: httpx.AsyncClient) -> None:
    assert (await client.get("/search", params={"q": "ok"})).status_code == 200
    assert _fields(await client.get("/search", params={"q": f"{MARKER}\x00"})) == ["query.q"]


async def test_documents_are_free_text(client: httpx.AsyncClient) -> None:
    refused = await client.post("/document", content=b"a: \x00", headers={"content-type": "a/yaml"})
    assert _fields(refused) == ["body"]


async def test_deep_and_wide_bodies_are_checked_without_recursion(
    client: httpx.AsyncClient,
) -> None:
    deep: Any = "\x00"
    for _ in range(900):
        deep = [deep]
    wide = {**GOOD, "anything": {"deep": deep, "wide": ["\x00"] * 1000}}
    response = await client.post("/entries/A1", json=wide)
    fields = _fields(response)
    assert fields[0].startswith("body.anything.deep[0][0]")
    assert len(fields) == 20  # the first few are enough to fix the request


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("test"))
    # The service's lines only: not this test's own HTTP client.
    handler.addFilter(lambda record: not record.name.startswith(("httpx", "httpcore")))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


async def test_a_failure_is_a_problem_with_the_request_id_and_its_message_is_not_logged(
    client: httpx.AsyncClient, log_lines: io.StringIO
) -> None:
    response = await client.get(
        "/fail", params={"name": MARKER}, headers={"X-Request-Id": "req-123"}
    )
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["x-request-id"] == "req-123"
    assert "req-123" in response.json()["detail"]
    assert MARKER not in response.text
    logged = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    errors = [entry for entry in logged if entry["level"] == "error"]
    assert errors, logged
    assert errors[0]["request_id"] == "req-123"
    assert errors[0]["route"] == "/fail"
    assert "builtins.ValueError" in errors[0]["exception"]
    assert "test_request_text.py" in errors[0]["exception"]
    assert MARKER not in log_lines.getvalue()
