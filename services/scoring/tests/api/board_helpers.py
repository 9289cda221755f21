"""Helpers for the organisational instruments' API tests: answer sets, creating assessments
through the gateway, and recording which ICB commissions a trust (reference data that the
organisation hierarchy holds; the demo seed writes it for ``make run``)."""

from typing import Any

import asyncpg
import httpx

from services.common.database import service_database_url

VERSION = "1.0.0-provisional"
ASSESSED_ON = "2026-03-01"
SELF_ASSESSMENT_DOMAINS = {
    "capacity": ["ph_team", "board_training", "ned_development", "staff_skills",
                 "impact_assessment_support", "learning_networks"],
    "data": ["demographic_recording", "breakdowns_available", "board_reports_broken_down",
             "analytical_capacity", "staff_dashboards", "evaluation", "shared_data"],
    "leadership": ["executive_lead", "strategy_commitment", "delivery_plan", "governance",
                   "executive_objectives", "annual_report"],
    "partnerships": ["ics_representation", "local_partners", "vcse_engagement", "coproduction",
                     "anchor", "system_learning"],
}  # fmt: skip


def self_assessment_answers(code: str = "partly_in_place", **by_domain: str) -> dict[str, str]:
    """Every question answered ``code``, or the domain's own code where given."""
    return {
        item: by_domain.get(domain, code)
        for domain, items in SELF_ASSESSMENT_DOMAINS.items()
        for item in items
    }


def assurance_answers(rating: str = "assured") -> dict[str, str]:
    return {f"k{k}_p{p}": rating for k in range(1, 9) for p in range(1, 6)}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.url, response.text[:800])
    return response.json() if response.content else None


async def create(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    instrument: str,
    *,
    responses: dict[str, str] | None = None,
    submit: bool = False,
    assessed_on: str = ASSESSED_ON,
    **extra: Any,
) -> dict[str, Any]:
    created: dict[str, Any] = ok(
        await gateway.post(
            "/api/scoring/organisational-assessments",
            params={"submit": "true"} if submit else {},
            json={
                "instrument": instrument,
                "assessed_on": assessed_on,
                "responses": responses or {},
                **extra,
            },
            headers=headers,
        ),
        201,
    )
    return created


async def commission(database_url: str, database_prefix: str, trust: str, icb: str) -> None:
    """Record that ``icb`` commissions ``trust`` (as the demo seed and ODS data do)."""
    url = service_database_url(database_url, f"{database_prefix}scoring")
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(
            """
            INSERT INTO organisation (id, ods_code, name, kind, parent_ods_code, created_at)
            VALUES (gen_random_uuid(), $1, $1, 'trust', $2, now())
            ON CONFLICT (ods_code) DO UPDATE SET parent_ods_code = EXCLUDED.parent_ods_code
            """,
            trust,
            icb,
        )
    finally:
        await conn.close()
