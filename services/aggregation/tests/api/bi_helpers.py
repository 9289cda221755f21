"""Helpers for the BI API tests: BI access tokens minted through the gateway, and Basic."""

import base64
import hashlib
import secrets
import uuid
from typing import Any

import asyncpg
import httpx
from equitas_stack.stack import Stack

from services.common.database import service_database_url
from tests.support.fixtures import Tokens

BI = "/api/aggregation/bi"
# Every data route, with what each must answer to a reader.
DATA_ROUTES = (
    f"{BI}/tables",
    f"{BI}/tables/measures.csv",
    f"{BI}/tables/measures.json",
    f"{BI}/tables/measures.parquet",
    f"{BI}/tables/measures",
    f"{BI}/odata",
    f"{BI}/odata/$metadata",
    f"{BI}/odata/measures",
    f"{BI}/odata/measures/$count",
)


def basic(password: str, username: str = "powerbi") -> dict[str, str]:
    raw = f"{username}:{password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def mint(
    gateway: httpx.AsyncClient, tokens: Tokens, dataset: str = "Board equity dashboard",
    admin: str = "org.admin", **body: Any,
) -> dict[str, Any]:  # fmt: skip
    minted = await gateway.post(
        f"{BI}/tokens", json={"dataset": dataset, **body}, headers=await tokens.headers(admin)
    )
    assert minted.status_code == 201, minted.text
    found: dict[str, Any] = minted.json()
    return found


async def aggregation_db(stack: Stack) -> asyncpg.Connection:
    url = service_database_url(stack.database_url, f"{stack.config.database_prefix}aggregation")
    return await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))


async def token_of(stack: Stack, organisation: str, expires_in: str = "30 days") -> tuple[str, str]:
    """(id, token) of a BI access token of ``organisation``, written as minting writes one:
    the demo users have no administrator of trust B or of the ICB to mint it."""
    token_id = "b" * 4 + uuid.uuid4().hex[:8].translate(str.maketrans("0189", "2345"))
    secret = secrets.token_urlsafe(32)
    conn = await aggregation_db(stack)
    try:
        await conn.execute(
            "INSERT INTO bi_access_token (id, secret_hash, dataset, organisation_code, created_by,"
            " created_at, expires_at) VALUES ($1, $2, 'Test dataset', $3, 'test', now(),"
            " now() + $4::text::interval)",
            token_id, hashlib.sha256(secret.encode()).digest(), organisation, expires_in,
        )  # fmt: skip
    finally:
        await conn.close()
    return token_id, f"eqbi_{token_id}_{secret}"
