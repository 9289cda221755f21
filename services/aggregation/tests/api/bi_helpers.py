"""Helpers for the BI API tests: BI access tokens minted through the gateway, and Basic."""

import base64
from typing import Any

import httpx

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
