"""The board self-assessment's private mode through the gateway: results from posted answers
or from the link's code, the same results when the link is opened again, a clear 422 for a
changed or cut-short code, and nothing stored: every table of every service database has the
same rows before and after a private session, and no log line holds an answer or the code."""

import asyncio
import hashlib
import uuid
from typing import Any

import asyncpg
import httpx
from equitas_stack.stack import Stack

from services.common.database import service_database_url
from services.scoring.tests.api.board_helpers import ok, self_assessment_answers
from tests.support.fixtures import Tokens

URL = "/api/scoring/private/board-self-assessment"
SERVICES = ("scoring", "aggregation", "reporting")
# The feed consumer's heartbeat: it stamps when it last polled scoring's feed, every few
# seconds whatever happens. Everything else in that row (the cursor, the counts) must not move.
HEARTBEAT = {"feed_checkpoint": ("checked_at", "updated_at")}


async def _snapshot(stack: Stack) -> dict[str, tuple[int, str]]:
    """Every table of every service database: its row count and a digest of its rows."""
    found: dict[str, tuple[int, str]] = {}
    for service in SERVICES:
        url = service_database_url(stack.database_url, f"{stack.config.database_prefix}{service}")
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            tables = await conn.fetch(
                "SELECT schemaname, tablename FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
            assert tables, f"{service} has tables"
            for t in tables:
                name = f'"{t["schemaname"]}"."{t["tablename"]}"'
                drop = "".join(f" - '{c}'" for c in HEARTBEAT.get(t["tablename"], ()))
                rows = await conn.fetch(
                    f"SELECT (to_jsonb(r){drop})::text AS row FROM {name} r"  # noqa: S608
                )
                digest = hashlib.sha256("\n".join(sorted(r["row"] for r in rows)).encode())
                found[f"{service}:{name}"] = (len(rows), digest.hexdigest())
        finally:
            await conn.close()
    return found


async def _quiet_snapshot(stack: Stack) -> dict[str, tuple[int, str]]:
    """A snapshot taken once background work (feed consumer, purges) has settled."""
    before = await _snapshot(stack)
    moving: set[str] = set()
    for _ in range(20):
        await asyncio.sleep(0.5)
        again = await _snapshot(stack)
        if again == before:
            return again
        moving = {t for t in again.keys() | before.keys() if again.get(t) != before.get(t)}
        before = again
    raise AssertionError(f"the databases never settled: {moving}")


def _logs(stack: Stack) -> str:
    return "\n".join(
        p.read_text(errors="replace") for p in (stack.config.var_dir / "log").glob("*.log")
    )


async def test_results_round_trip_and_are_the_same_from_the_link(
    gateway: httpx.AsyncClient,
) -> None:
    answers = self_assessment_answers("in_place", data="planned")
    first = ok(await gateway.post(URL, json={"responses": answers}))
    levels = {d["domain"]: d["maturity_level"]["code"] for d in first["results"]["domains"]}
    assert levels == {
        "capacity": "maturing", "data": "emerging", "leadership": "maturing",
        "partnerships": "maturing",
    }  # fmt: skip
    again = ok(await gateway.post(URL, json={"code": first["code"]}))
    assert again == first  # the link regenerates the same answers, results and code


async def test_a_changed_or_cut_short_code_is_refused_clearly(
    gateway: httpx.AsyncClient,
) -> None:
    code = ok(await gateway.post(URL, json={"responses": self_assessment_answers()}))["code"]
    changed = code[:10] + ("A" if code[10] != "A" else "B") + code[11:]
    for bad in (changed, code[:-2], code[: len(code) // 2], "not-a-code"):
        refused = await gateway.post(URL, json={"code": bad})
        assert refused.status_code == 422, bad
        problem = refused.json()
        assert problem["errors"][0]["field"] == "body.code"
        assert "Check the whole link was copied" in problem["detail"]
    both = await gateway.post(URL, json={"code": code, "responses": {}})
    assert both.status_code == 422
    assert both.json()["errors"][0]["field"] == "body"


async def test_a_private_session_stores_nothing_and_logs_no_answer(
    gateway: httpx.AsyncClient, stack: Stack, tokens: Tokens
) -> None:
    board = await tokens.headers("board.member")  # the IdP is asked before, not during
    marker = f"MARKER{uuid.uuid4().hex}"
    before = await _quiet_snapshot(stack)
    answers = self_assessment_answers("embedded", leadership="planned")
    made = ok(await gateway.post(URL, json={"responses": answers}, headers=board))
    ok(await gateway.post(URL, json={"code": made["code"]}))
    # Refused ones too: an unknown question, a wrong answer, a forged code.
    wrong: dict[str, Any] = {**answers, marker: "embedded", "ph_team": marker.lower()}
    assert (await gateway.post(URL, json={"responses": wrong})).status_code == 422
    assert (await gateway.post(URL, json={"code": marker})).status_code == 422
    after = await _quiet_snapshot(stack)
    changed = {t: (before.get(t), after.get(t)) for t in before.keys() | after.keys()
               if before.get(t) != after.get(t)}  # fmt: skip
    assert not changed, f"tables changed by a private session: {changed}"
    logs = _logs(stack)
    for secret in (marker, marker.lower(), made["code"]):
        assert secret not in logs
