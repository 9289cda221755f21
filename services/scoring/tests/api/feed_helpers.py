"""Reading the change feed through the gateway, as aggregation does."""

from typing import Any

import httpx


async def read_feed(
    gateway: httpx.AsyncClient, auth: dict[str, str], cursor: str
) -> tuple[list[dict[str, Any]], str]:
    events: list[dict[str, Any]] = []
    while True:
        page = await gateway.get("/api/scoring/feed", params={"after": cursor}, headers=auth)
        assert page.status_code == 200, page.text
        body = page.json()
        if not body["events"]:
            return events, cursor
        events += body["events"]
        cursor = body["next_cursor"]
