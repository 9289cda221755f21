"""Reading the change feed through the gateway, as aggregation does."""

import uuid
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


def stored_whole_event(team_code: str) -> dict[str, Any]:
    """A schema-1 payload as events were stored before decision 0013 (whole, served as
    stored), for tests that write feed events themselves; ``team_code`` marks it."""
    return {
        "schema_version": 1,
        "event": "assessment.submitted",
        "assessment_key": f"ak_{uuid.uuid4().hex}",
        "revision": 1,
        "person_key": f"pk_{uuid.uuid4().hex}",
        "age_band": "25-34",
        "sex": "female",
        "ethnic_category": "A",
        "ethnic_group": "white",
        "imd_decile": 3,
        "imd_vintage": "2019",
        "organisation_code": "EQA",
        "commissioner_code": "QZZ",
        "team_code": team_code,
        "instrument": "hef",
        "variant": "standard",
        "instrument_version": "1.0.0-provisional",
        "episode_type": "referral",
        "assessed_on": "2026-03-01",
        "submitted_at": "2026-03-01T10:00:00+00:00",
        "answers": {"housing": {"code": "low", "value": 1}},
        "scores": None,
    }
