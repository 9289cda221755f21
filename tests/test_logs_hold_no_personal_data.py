"""No personal data in the logs (issue 16, item 5): through the gateway, with real tokens.

A marker string goes where personal data goes (a name searched for, assessment notes, a
FHIR Patient's name) in requests that are accepted, refused and that fail in the
database. The failures are real ones, provoked from the test's own connection without
touching the services: a trigger that raises with the row's values in its message (as
Postgres's own errors quote values), and a statement cancelled while it waits for a lock.
Before the fix, each failure's log line held the SQL with its bound parameters.

Afterwards the marker is in no file under the stack's log directory, and every error line
carries the request id that the failing response named in its ``X-Request-Id`` header.
"""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from equitas_stack.stack import Stack

from services.scoring.tests.api.fhir_helpers import (
    assert_operation_outcome,
    body,
    epr_headers,
    patient,
    scoring_db,
)
from services.scoring.tests.api.hef import NewTeam, create_person
from tests.support.fixtures import Tokens


def _marker() -> str:
    """Letters only (names are validated), unique to this run."""
    return "Zqmark" + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10])


@asynccontextmanager
async def _raising_trigger(
    conn: asyncpg.Connection, table: str, event: str, when: str, message_column: str
) -> AsyncIterator[None]:
    """A trigger on ``table`` that fails the rows matching ``when`` with an error quoting
    the row's ``message_column``; gone afterwards. Scoped to this test's own rows."""
    name = f"test_fail_{uuid.uuid4().hex[:12]}"
    await conn.execute(
        f"""
        CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'refused by test: %', NEW.{message_column};
        END $$;
        CREATE TRIGGER {name} BEFORE {event} ON {table}
            FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}();
        """
    )
    try:
        yield
    finally:
        await conn.execute(f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();")


async def _cancelled_while_locked(
    conn: asyncpg.Connection, table: str, request: Awaitable[Any]
) -> Any:
    """Run ``request`` while ``table`` is locked, and cancel the statements that wait for
    the lock (the request's, and any other reader's: those retry)."""
    async with conn.transaction():
        await conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        pending = asyncio.ensure_future(request)
        for _ in range(200):
            waiting = await conn.fetch(
                "SELECT pid FROM pg_locks WHERE locktype = 'relation' "
                "AND relation = $1::regclass AND NOT granted",
                table,
            )
            if waiting:
                for row in waiting:
                    await conn.execute("SELECT pg_cancel_backend($1)", row["pid"])
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the request never waited for the lock")
    return await pending


def _assert_failed(response: httpx.Response, request_ids: list[str]) -> None:
    assert response.status_code == 500, response.text
    request_id = response.headers["x-request-id"]
    assert request_id in response.text  # the answer names it too
    request_ids.append(request_id)


def _log_files(stack: Stack) -> list[Path]:
    return [path for path in (stack.config.var_dir / "log").rglob("*") if path.is_file()]


async def test_markers_reach_no_log_accepted_refused_or_failing(
    stack: Stack,
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    new_team: NewTeam,
    nhs_number: Any,
) -> None:
    marker = _marker()
    clinician = await tokens.headers("clinician.a")
    team = await new_team({"clinician.a": "member"})
    person = await create_person(gateway, clinician, team, nhs_number(), family_name=marker)
    failed: list[str] = []

    # A name search: accepted, refused, and failing in the database.
    search = "/api/scoring/people"
    found = await gateway.get(search, params={"name": marker}, headers=clinician)
    assert [item["id"] for item in found.json()["items"]] == [person["id"]]
    refused = await gateway.get(search, params={"name": f"{marker}\x00"}, headers=clinician)
    assert refused.status_code == 422
    too_long = await gateway.get(search, params={"name": marker * 20}, headers=clinician)
    assert too_long.status_code == 422
    async with scoring_db(stack) as conn:
        searching = gateway.get(search, params={"name": marker}, headers=clinician)
        _assert_failed(await _cancelled_while_locked(conn, "person", searching), failed)

    # Assessment notes: accepted, refused, and failing in the database.
    draft = await gateway.post(
        f"/api/scoring/people/{person['id']}/assessments",
        json={"episode_type": "referral", "assessed_on": "2026-01-10", "notes": marker},
        headers=clinician,
    )
    assert draft.status_code == 201, draft.text
    url = f"/api/scoring/assessments/{draft.json()['id']}"
    if_match = {**clinician, "If-Match": draft.headers["etag"]}
    refused = await gateway.patch(url, json={"notes": f"{marker}\x00"}, headers=if_match)
    assert refused.status_code == 422
    async with (
        scoring_db(stack) as conn,
        _raising_trigger(conn, "assessment", "UPDATE", f"NEW.id = '{draft.json()['id']}'", "notes"),
    ):
        notes = f"Spoke to {marker} at home."
        _assert_failed(await gateway.patch(url, json={"notes": notes}, headers=if_match), failed)

    # A FHIR Patient's name: accepted, refused, and failing in the database.
    epr = await epr_headers(tokens)
    named = [{"family": marker, "given": ["Ann"]}]
    created = await gateway.post(
        "/fhir/Patient", content=body(patient(nhs_number(), name=named)), headers=epr
    )
    assert created.status_code == 201, created.text
    nul = [{"family": f"{marker}\x00", "given": ["Ann"]}]
    refused = await gateway.post(
        "/fhir/Patient", content=body(patient(nhs_number(), name=nul)), headers=epr
    )
    assert_operation_outcome(refused, 422)
    number = nhs_number()
    async with (
        scoring_db(stack) as conn,
        _raising_trigger(conn, "person", "INSERT", f"NEW.nhs_number = '{number}'", "family_name"),
    ):
        failing = await gateway.post(
            "/fhir/Patient", content=body(patient(number, name=named)), headers=epr
        )
    assert_operation_outcome(failing, 500)
    _assert_failed(failing, failed)

    # Case-insensitively: a name search is logged lowercased, as its LIKE pattern.
    holding = [
        str(path)
        for path in _log_files(stack)
        if marker.lower() in path.read_text("utf-8", "replace").lower()
    ]
    assert holding == [], f"the marker is logged in {holding}"
    errors = [
        entry
        for line in (stack.config.var_dir / "log" / "scoring.log").read_text().splitlines()
        if line.startswith("{")
        for entry in [json.loads(line)]
        if entry.get("request_id") in failed
    ]
    assert {entry["request_id"] for entry in errors} == set(failed)
    assert all(entry["level"] == "error" and "exception" in entry for entry in errors)
