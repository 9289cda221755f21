"""BI access tokens through the gateway: an organisation administrator mints one for a named
dataset (at most 12 months, shown once, stored hashed), lists and revokes them; a BI tool
uses one as the password of HTTP Basic or as a Bearer token on the BI routes only; every
use is recorded, refused ones too."""

import hashlib
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from equitas_stack.stack import Stack

from services.aggregation.tests.api.bi_helpers import (
    BI,
    DATA_ROUTES,
    aggregation_db,
    basic,
    bearer,
    mint,
    token_of,
)
from tests.support.fixtures import Tokens


async def test_minted_once_stored_hashed_listed_without_its_secret(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    minted = await mint(gateway, tokens, "Board equity dashboard")
    token = minted["token"]
    assert token.startswith(f"eqbi_{minted['id']}_")
    assert minted["organisation_code"] == "EQA"
    assert minted["status"] == "active"
    expires = datetime.fromisoformat(minted["expires_at"])
    assert timedelta(days=179) < expires - datetime.now(UTC) <= timedelta(days=180)
    listed = await gateway.get(f"{BI}/tokens", headers=await tokens.headers("org.admin"))
    assert listed.status_code == 200
    assert token not in listed.text
    secret = token.split("_", 2)[2]  # the secret may hold "_" itself
    assert secret not in listed.text
    mine = next(t for t in listed.json()["items"] if t["id"] == minted["id"])
    assert mine["dataset"] == "Board equity dashboard"
    assert "token" not in mine
    conn = await aggregation_db(stack)
    try:
        stored = await conn.fetchrow("SELECT * FROM bi_access_token WHERE id = $1", minted["id"])
    finally:
        await conn.close()
    assert stored is not None
    assert secret not in str(dict(stored))
    assert stored["secret_hash"] == hashlib.sha256(secret.encode()).digest()


@pytest.mark.parametrize(
    ("expires_at", "field"),
    [
        (datetime.now(UTC) + timedelta(days=367), "body.expires_at"),
        (datetime.now(UTC) - timedelta(minutes=1), "body.expires_at"),
    ],
)
async def test_expiry_beyond_12_months_or_past_is_refused(
    gateway: httpx.AsyncClient, tokens: Tokens, expires_at: datetime, field: str
) -> None:
    refused = await gateway.post(
        f"{BI}/tokens",
        json={"dataset": "Too long", "expires_at": expires_at.isoformat()},
        headers=await tokens.headers("org.admin"),
    )
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == [field]


async def test_twelve_months_is_allowed(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    expires = datetime.now(UTC) + timedelta(days=364)
    minted = await mint(gateway, tokens, "Annual", expires_at=expires.isoformat())
    assert datetime.fromisoformat(minted["expires_at"]) == expires


@pytest.mark.parametrize("dataset", ["", "x" * 81, "Line\nbreak", "<script>", "9990000018\tNotes"])
async def test_the_dataset_is_a_short_label(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: str
) -> None:
    refused = await gateway.post(
        f"{BI}/tokens", json={"dataset": dataset}, headers=await tokens.headers("org.admin")
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.dataset"


@pytest.mark.parametrize("username", ["clinician.a", "analyst", "commissioner", "team.lead"])
async def test_only_an_administrator_mints(
    gateway: httpx.AsyncClient, tokens: Tokens, username: str
) -> None:
    refused = await gateway.post(
        f"{BI}/tokens", json={"dataset": "Mine"}, headers=await tokens.headers(username)
    )
    assert refused.status_code == 403
    assert (
        await gateway.get(f"{BI}/tokens", headers=await tokens.headers(username))
    ).status_code == 403


async def test_basic_with_any_user_name_or_bearer_on_every_bi_route(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    token = (await mint(gateway, tokens, "Every route"))["token"]
    for path in DATA_ROUTES:
        for headers in (
            basic(token),
            basic(token, ""),
            basic(token, "someone@nhs.net"),
            bearer(token),
        ):
            answer = await gateway.get(path, headers=headers)
            assert answer.status_code == 200, (path, answer.text)


async def test_a_bi_token_works_nowhere_else(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    token = (await mint(gateway, tokens, "Not elsewhere"))["token"]
    for path in (
        "/api/aggregation/me",
        "/api/aggregation/hierarchy/organisations",
        f"{BI}/tokens",
        "/api/scoring/me",
        "/api/reporting/me",
    ):
        answer = await gateway.get(path, headers=bearer(token))
        assert answer.status_code == 401, (path, answer.text)


async def test_wrong_credentials_are_401(gateway: httpx.AsyncClient, tokens: Tokens) -> None:
    token = (await mint(gateway, tokens, "Wrong ones"))["token"]
    jwt = await tokens.system("powerbi-demo", "aggregate:read")
    path = f"{BI}/odata/measures"
    for headers in (
        basic(token[:-1] + ("A" if token[-1] != "A" else "B")),  # right id, wrong secret
        basic("eqbi_aaaaaaaaaaaa_" + "a" * 43),  # no such token
        basic("eqbi_short"),
        basic(jwt),  # Basic carries only BI access tokens
        basic("password"),
        {"Authorization": "Basic !!!"},
        {},
    ):
        answer = await gateway.get(path, headers=headers)
        assert answer.status_code == 401, (headers, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert 'Basic realm="Equitas BI"' in answer.headers["www-authenticate"]


async def test_revoked_is_401_at_once_and_every_use_is_recorded(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    minted = await mint(gateway, tokens, "Revoke me")
    token, token_id = minted["token"], minted["id"]
    admin = await tokens.headers("org.admin")
    metadata = await gateway.get(f"{BI}/odata/$metadata", headers=basic(token))
    assert metadata.status_code == 200
    bad = await gateway.get(f"{BI}/odata/measures", params={"$filter": "nhs_number eq '9990000018'"},
                            headers=basic(token))  # fmt: skip
    assert bad.status_code == 400
    made_up = await gateway.get(f"{BI}/tables/9990000018.csv", headers=basic(token))
    assert made_up.status_code == 422
    wrong_secret = await gateway.get(f"{BI}/tables", headers=basic(token[:-2] + "zz"))
    assert wrong_secret.status_code == 401
    revoked = await gateway.delete(f"{BI}/tokens/{token_id}", headers=admin)
    assert revoked.status_code == 204
    again = await gateway.delete(f"{BI}/tokens/{token_id}", headers=admin)
    assert again.status_code == 204  # revoking twice changes nothing
    after = await gateway.get(f"{BI}/odata/$metadata", headers=basic(token))
    assert after.status_code == 401
    listed = await gateway.get(f"{BI}/tokens", headers=admin)
    mine = next(t for t in listed.json()["items"] if t["id"] == token_id)
    assert mine["status"] == "revoked"
    assert mine["revoked_at"] is not None
    assert mine["last_used_at"] is not None

    uses = await gateway.get(f"{BI}/tokens/{token_id}/uses", headers=admin)
    assert uses.status_code == 200
    recorded = [(u["method"], u["path"], u["status"]) for u in uses.json()["items"]]
    assert recorded == [  # newest first, paths without their query strings
        ("GET", f"{BI}/odata/$metadata", 401),
        ("GET", f"{BI}/tables", 401),
        ("GET", f"{BI}/tables/{{table}}.csv", 422),  # a table name only when it is one
        ("GET", f"{BI}/odata/measures", 400),
        ("GET", f"{BI}/odata/$metadata", 200),
    ]
    assert "9990000018" not in uses.text
    conn = await aggregation_db(stack)
    try:
        columns = {r["column_name"] for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'bi_token_use'"
        )}  # fmt: skip
        assert columns == {"id", "token_id", "used_at", "method", "path", "status"}
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("DELETE FROM bi_token_use WHERE token_id = $1", token_id)
    finally:
        await conn.close()


async def test_an_administrator_revokes_only_their_organisations_tokens(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = await tokens.headers("org.admin")
    missing = await gateway.delete(f"{BI}/tokens/aaaaaaaaaaaa", headers=admin)
    assert missing.status_code == 404
    malformed = await gateway.delete(f"{BI}/tokens/NOT-AN-ID", headers=admin)
    assert malformed.status_code == 422
    uses = await gateway.get(f"{BI}/tokens/aaaaaaaaaaaa/uses", headers=admin)
    assert uses.status_code == 404


async def test_another_organisations_tokens_are_not_found(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    other_id, other_token = await token_of(stack, "EQB")
    # It works for trust B's figures...
    assert (await gateway.get(f"{BI}/odata", headers=basic(other_token))).status_code == 200
    # ...but trust A's administrator neither lists, reads the uses of, nor revokes it.
    admin = await tokens.headers("org.admin")
    listed = await gateway.get(f"{BI}/tokens", headers=admin)
    assert other_id not in listed.text
    assert (await gateway.get(f"{BI}/tokens/{other_id}/uses", headers=admin)).status_code == 404
    assert (await gateway.delete(f"{BI}/tokens/{other_id}", headers=admin)).status_code == 404
    assert (await gateway.get(f"{BI}/odata", headers=basic(other_token))).status_code == 200


async def test_an_expired_token_is_401_and_listed_as_expired(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    token_id, token = await token_of(stack, "EQA", expires_in="-1 second")
    answer = await gateway.get(f"{BI}/odata", headers=basic(token))
    assert answer.status_code == 401
    admin = await tokens.headers("org.admin")
    listed = (await gateway.get(f"{BI}/tokens", headers=admin)).json()["items"]
    assert next(t for t in listed if t["id"] == token_id)["status"] == "expired"
    uses = (await gateway.get(f"{BI}/tokens/{token_id}/uses", headers=admin)).json()["items"]
    assert [(u["path"], u["status"]) for u in uses] == [(f"{BI}/odata", 401)]
