"""Board roll-ups through the gateway with real tokens (issue 21, decision 0047): boards of
two trusts submit self-assessments and scorecards through scoring, aggregation's sync reads
the organisational feed, and their commissioner sees both trusts side by side by name, never
ranked; an amendment, a deletion and a restore follow; a re-sync and a replayed page change
nothing; who may read what.

The demo has a board only at trust A (``board.member``, ``org.admin``). Trust B's board member
is made here: board.member's own token's claims with the selected role moved to EQB, signed
with the development IdP's own key, so every service verifies it as any other token.
"""

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import pytest
from equitas_stack.stack import Stack
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from services.aggregation.organisational.apply import CheckpointMoved, apply_page
from services.aggregation.organisational.contract import OrganisationalPage
from services.aggregation.organisational.results import NO_RANKING
from services.aggregation.tests.api.feed_support import database_dsn, service_db
from services.scoring.tests.api.board_helpers import (
    assurance_answers,
    create,
    ok,
    self_assessment_answers,
)
from tests.support.fixtures import Tokens
from tests.support.tokens import idp_signing_keys

MATURITY = "/api/aggregation/board/maturity"
SCORECARDS = "/api/aggregation/board/scorecards"
SYNC = "/api/aggregation/feed/organisational/sync"
T = TypeVar("T")
ASSESSMENTS = "/api/scoring/organisational-assessments"


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def _signed_by_the_idp(keys_dir: Path, claims: dict[str, Any]) -> str:
    path = idp_signing_keys(keys_dir)[0]
    pem = path.read_bytes()
    key: RSAKey | ECKey
    if b"BEGIN RSA" in pem or len(pem) > 1000:  # RSA 2048 PEMs are far longer than P-256
        key, alg = RSAKey.import_key(pem), "RS256"
    else:
        key, alg = ECKey.import_key(pem), "ES256"
    return jwt.encode({"alg": alg, "kid": path.stem, "typ": "at+jwt"}, claims, key)


@pytest.fixture
async def trust_b_board(tokens: Tokens, idp_keys_dir: Path) -> dict[str, str]:
    claims = _claims(await tokens.user("board.member"))
    role = next(
        r for r in claims["nhsid_nrbac_roles"] if r["person_roleid"] == claims["selected_roleid"]
    )
    trust_b = {"org_code": "EQB", "org_name": "Equitas Demo Trust B"}
    claims.update(
        sub="555000000097",
        nhsid_useruid="555000000097",
        name="Trust B Board Member",
        jti=uuid.uuid4().hex,
        nhsid_nrbac_roles=[{**role, **trust_b}],
        nhsid_user_orgs=[trust_b],
    )
    return {"Authorization": f"Bearer {_signed_by_the_idp(idp_keys_dir, claims)}"}


@pytest.fixture
def years() -> tuple[int, int]:
    """Two years of this test's own (no other test's board assessments fall in them)."""
    first = 1950 + uuid.uuid4().int % 60
    return first, first + 1


async def sync(gateway: httpx.AsyncClient, tokens: Tokens) -> dict[str, Any]:
    admin = await tokens.headers("org.admin")
    status: dict[str, Any] = {}
    for _ in range(3):  # each waits up to 10 s
        status = ok(await gateway.post(SYNC, headers=admin))
        if status["caught_up"]:
            break
    assert status["caught_up"], status
    return status


async def synced_until(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    read: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    timeout_s: float = 90.0,
) -> T:
    """Sync and ``read`` until ``done``. A sync can be caught up before the events are there
    to read: scoring's feeds show an event only once no transaction older than it is open
    anywhere on the Postgres server (decision 0005), and the tests share one server."""
    deadline = time.monotonic() + timeout_s
    while True:
        await sync(gateway, tokens)
        value = await read()
        if done(value) or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.5)


def _organisation(view: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        o for o in view["organisations"] if o["organisation"]["code"] == code
    )
    return found


def _year(view: dict[str, Any], code: str, year: int) -> dict[str, Any] | None:
    found = [y for y in _organisation(view, code)["years"] if y["year"] == year]
    return found[0] if found else None


def _levels(year: dict[str, Any] | None) -> tuple[str, set[str]] | None:
    if year is None:
        return None
    return year["overall"]["level"], {d["level"] for d in year["domains"]}


async def _stored(stack: Stack, years: tuple[int, int]) -> list[asyncpg.Record]:
    async with service_db(stack, "aggregation") as db:
        rows: list[asyncpg.Record] = await db.fetch(
            "SELECT *, overall::text AS o, sections::text AS s, groupings::text AS g "
            "FROM board_result WHERE extract(year FROM assessed_on) = ANY($1::int[]) "
            "ORDER BY assessment_key",
            list(years),
        )
        return rows


async def test_an_icb_sees_its_trusts_side_by_side_never_ranked(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    trust_b_board: dict[str, str],
    years: tuple[int, int],
    stack: Stack,
) -> None:
    first, second = years
    board_a = await tokens.headers("board.member")
    admin_a = await tokens.headers("org.admin")
    # Trust A: emerging (25%) in the first year, maturing (75%) in the second; trust B
    # thriving (100%): ranked by score B would come first; by name A does.
    a1 = await create(gateway, board_a, "board-self-assessment", submit=True,
                      responses=self_assessment_answers("planned"),
                      assessed_on=f"{first}-06-30")  # fmt: skip
    a2 = await create(gateway, board_a, "board-self-assessment", submit=True,
                      responses=self_assessment_answers("in_place"),
                      assessed_on=f"{second}-06-30")  # fmt: skip
    b2 = await create(gateway, trust_b_board, "board-self-assessment", submit=True,
                      responses=self_assessment_answers("embedded"),
                      assessed_on=f"{second}-05-01")  # fmt: skip
    assert (a1["organisation_code"], b2["organisation_code"]) == ("EQA", "EQB")
    # Scorecards: trust A's administrator, one cell partly assured, with notes that must never
    # reach aggregation; trust B's board twice, not assured then assured.
    marker = f"Evidence-{uuid.uuid4().hex}"
    await create(gateway, admin_a, "board-assurance", submit=True,
                 responses={**assurance_answers("assured"), "k1_p1": "partly_assured"},
                 item_notes={"k1_p1": {"evidence": marker, "action": marker}},
                 assessed_on=f"{second}-07-01")  # fmt: skip
    await create(gateway, trust_b_board, "board-assurance", submit=True,
                 responses=assurance_answers("not_assured"),
                 assessed_on=f"{first}-09-01")  # fmt: skip
    await create(gateway, trust_b_board, "board-assurance", submit=True,
                 responses=assurance_answers("assured"),
                 assessed_on=f"{second}-09-01")  # fmt: skip

    icb = await tokens.headers("commissioner")

    async def read_maturity() -> dict[str, Any]:
        found: dict[str, Any] = ok(await gateway.get(MATURITY, params={"icb": "QZZ"}, headers=icb))
        return found

    maturity = await synced_until(
        gateway, tokens, read_maturity, lambda m: _year(m, "EQB", second) is not None
    )
    status = await sync(gateway, tokens)
    gauges = ok(await gateway.get("/api/aggregation/readyz"))["gauges"]
    assert gauges["board_feed_lease_held"] == 1.0  # one worker: it holds the lease
    assert 0 <= gauges["board_feed_checked_seconds_ago"] < 60
    assert maturity["icb"] == "QZZ"
    assert maturity["order"] == "organisation_name"
    assert NO_RANKING in maturity["caveats"]
    assert [o["organisation"]["code"] for o in maturity["organisations"]] == ["EQA", "EQB"]
    assert _organisation(maturity, "EQA")["organisation"]["name"] == "Equitas Demo Trust A"
    assert {first, second} <= set(maturity["years"])
    assert maturity["domains"] == ["capacity", "data", "leadership", "partnerships"]
    assert _levels(_year(maturity, "EQA", first)) == ("emerging", {"emerging"})
    assert _levels(_year(maturity, "EQA", second)) == ("maturing", {"maturing"})
    assert _levels(_year(maturity, "EQB", second)) == ("thriving", {"thriving"})
    assert _year(maturity, "EQB", first) is None
    a_second = _year(maturity, "EQA", second)
    assert a_second is not None
    assert a_second["overall"]["score"] == 75
    assert [d["domain"] for d in a_second["domains"]] == maturity["domains"]

    scorecards = ok(await gateway.get(SCORECARDS, params={"icb": "QZZ"}, headers=icb))
    assert [o["organisation"]["code"] for o in scorecards["organisations"]] == ["EQA", "EQB"]
    assert NO_RANKING in scorecards["caveats"]
    ours = [f"{first}-09-01", f"{second}-07-01", f"{second}-09-01"]
    assert set(ours) <= set(scorecards["dates"])
    b_cards = [
        c for c in _organisation(scorecards, "EQB")["scorecards"] if c["assessed_on"] in ours
    ]
    assert [(c["assessed_on"], c["overall"]["rating"]) for c in b_cards] == [
        (f"{first}-09-01", "not_assured"),
        (f"{second}-09-01", "assured"),
    ]  # oldest first
    a_card = next(
        c for c in _organisation(scorecards, "EQA")["scorecards"]
        if c["assessed_on"] == f"{second}-07-01"
    )  # fmt: skip
    assert a_card["overall"] == {"code": "overall", "rating": "partly_assured", "assured": 39,
                                 "partly_assured": 1, "not_assured": 0, "not_assessed": 0}  # fmt: skip
    assert [(k["code"], k["rating"]) for k in a_card["key_lines_of_enquiry"]][:2] == [
        ("k1", "partly_assured"), ("k2", "assured"),
    ]  # fmt: skip
    assert [(p["code"], p["rating"], p["assured"]) for p in a_card["priorities"]][:2] == [
        ("p1", "partly_assured", 7), ("p2", "assured", 8),
    ]  # fmt: skip

    # Nothing but codes, dates and numbers was kept: no note, no label, no answer.
    stored = await _stored(stack, years)
    assert len(stored) == 6
    kept = " ".join(str(dict(r)) for r in stored)
    for text in (marker, "Partly assured", "Maturing", "in_place", "555000000"):
        assert text not in kept

    # Exactly once: a second sync applies nothing, a replayed page is refused, and the
    # answers are as they were.
    again = await sync(gateway, tokens)
    assert again["events_applied"] == status["events_applied"]
    feed_token = await tokens.system("aggregation-service", "feed:read")
    first_page = await gateway.get(
        "/api/scoring/organisational-feed",
        params={"after": "0", "limit": 50},
        headers={"Authorization": f"Bearer {feed_token}"},
    )
    assert first_page.status_code == 200, first_page.text
    page = OrganisationalPage.model_validate_json(first_page.content)
    assert page.events
    conn = await asyncpg.connect(database_dsn(stack, "aggregation"))
    try:
        with pytest.raises(CheckpointMoved):
            await apply_page(conn, page, after="0")
    finally:
        await conn.close()
    assert [dict(r) for r in await _stored(stack, years)] == [dict(r) for r in stored]
    assert ok(await gateway.get(MATURITY, params={"icb": "QZZ"}, headers=icb)) == maturity

    # Amended, deleted and restored: the roll-ups follow.
    amended = ok(
        await gateway.post(
            f"{ASSESSMENTS}/{a2['id']}/amend",
            json={"reason": "evidence reviewed", "responses": self_assessment_answers("embedded")},
            headers={**board_a, "If-Match": f'"{a2["version"]}"'},
        )
    )
    gone = await gateway.delete(
        f"{ASSESSMENTS}/{a1['id']}",
        params={"reason": "entered for the wrong year"},
        headers={**board_a, "If-Match": f'"{a1["version"]}"'},
    )
    assert gone.status_code == 204, gone.text
    now = await synced_until(
        gateway, tokens, read_maturity, lambda m: _year(m, "EQA", first) is None
    )
    assert _levels(_year(now, "EQA", second)) == ("thriving", {"thriving"})
    assert _year(now, "EQA", first) is None
    ok(await gateway.post(f"{ASSESSMENTS}/{a1['id']}/restore", headers=admin_a))
    now = await synced_until(
        gateway, tokens, read_maturity, lambda m: _year(m, "EQA", first) is not None
    )
    assert _levels(_year(now, "EQA", first)) == ("emerging", {"emerging"})
    assert amended["revision"] == 2


async def test_who_may_read_board_rollups(
    gateway: httpx.AsyncClient, tokens: Tokens, trust_b_board: dict[str, str]
) -> None:
    # Board members and administrators read their own trust only; the ICB reads its trusts.
    for user in ("board.member", "org.admin"):
        headers = await tokens.headers(user)
        for path in (MATURITY, SCORECARDS):
            own = ok(await gateway.get(path, headers=headers))
            assert {o["organisation"]["code"] for o in own["organisations"]} <= {"EQA"}
            above = await gateway.get(path, params={"icb": "QZZ"}, headers=headers)
            assert above.status_code == 403, above.text
            assert above.json()["errors"][0]["field"] == "query.icb"
            other = await gateway.get(path, params={"organisation": "EQB"}, headers=headers)
            assert other.status_code == 403, other.text
            assert other.json()["errors"][0]["field"] == "query.organisation"
    b_own = ok(await gateway.get(MATURITY, headers=trust_b_board))
    assert {o["organisation"]["code"] for o in b_own["organisations"]} <= {"EQB"}
    # The commissioner and the ICB's BI client; another ICB is not theirs; a trust is no ICB.
    icb = await tokens.headers("commissioner")
    bi = {"Authorization": f"Bearer {await tokens.system('powerbi-demo', 'aggregate:read')}"}
    for headers in (icb, bi):
        assert (await gateway.get(SCORECARDS, headers=headers)).status_code == 200
        one = ok(await gateway.get(MATURITY, params={"organisation": "EQB"}, headers=headers))
        assert {o["organisation"]["code"] for o in one["organisations"]} <= {"EQB"}
    other_icb = await gateway.get(MATURITY, params={"icb": "QZY"}, headers=icb)
    assert other_icb.status_code == 403
    assert other_icb.json()["errors"][0]["field"] == "query.icb"
    not_an_icb = await gateway.get(MATURITY, params={"icb": "EQA"}, headers=icb)
    assert not_an_icb.status_code == 422
    assert not_an_icb.json()["errors"] == [
        {"field": "query.icb", "message": "not an ICB in the organisation hierarchy"}
    ]
    # Clinicians, team leads, the trust's analyst and anyone without a role: 403.
    for user in ("clinician.a", "team.lead", "clinician.trustb", "analyst", "norole"):
        refused = await gateway.get(MATURITY, headers=await tokens.headers(user))
        assert refused.status_code == 403, (user, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
    assert (await gateway.get(SCORECARDS)).status_code == 401
    # The sync is for administrators.
    assert (await gateway.post(SYNC, headers=icb)).status_code == 403
