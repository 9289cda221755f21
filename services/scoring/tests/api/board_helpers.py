"""Helpers for the organisational instruments' API tests: answer sets, creating assessments
through the gateway, and recording which ICB commissions a trust (reference data that the
organisation hierarchy holds; the demo seed writes it for ``make run``)."""

import asyncio
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


class BoardWorld:
    """Fresh board tool and HEAT records of trust EQA for the authorisation matrix and the
    contract fuzzing: the board tools made by its board member, HEAT by a clinician of it.
    Shared records are made once; ``fresh_*`` make one per call."""

    def __init__(self, gateway: httpx.AsyncClient, tokens: Any) -> None:
        self.gateway = gateway
        self.tokens = tokens
        self._shared: dict[str, str] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        # A few at a time: the matrix prepares every cell at once, and these come on top.
        self._limit = asyncio.Semaphore(4)

    async def _board(self) -> dict[str, str]:
        headers: dict[str, str] = await self.tokens.headers("board.member")
        return headers

    async def _clinician(self) -> dict[str, str]:
        headers: dict[str, str] = await self.tokens.headers("clinician.a")
        return headers

    async def shared(self, name: str) -> str:
        # One lock per record: the shared HEAT assessment needs the shared project first.
        async with self._locks.setdefault(name, asyncio.Lock()):
            if name not in self._shared:
                self._shared[name] = await getattr(self, f"fresh_{name}")()
            return self._shared[name]

    async def fresh_self_assessment(self) -> str:
        async with self._limit:
            return await self._self_assessment()

    async def _self_assessment(self) -> str:
        made = await create(self.gateway, await self._board(), "board-self-assessment",
                            responses=self_assessment_answers(), submit=True)  # fmt: skip
        return str(made["id"])

    async def fresh_assurance(self) -> str:
        async with self._limit:
            return await self._assurance()

    async def _assurance(self) -> str:
        made = await create(self.gateway, await self._board(), "board-assurance",
                            responses=assurance_answers(), submit=True)  # fmt: skip
        return str(made["id"])

    async def fresh_draft(self, complete: bool = False) -> str:
        async with self._limit:
            return await self._draft(complete)

    async def _draft(self, complete: bool = False) -> str:
        answers = self_assessment_answers() if complete else {"ph_team": "planned"}
        made = await create(self.gateway, await self._board(), "board-self-assessment",
                            responses=answers)  # fmt: skip
        return str(made["id"])

    async def fresh_deleted(self) -> str:
        async with self._limit:
            return await self._deleted()

    async def _deleted(self) -> str:
        draft = await self._draft()
        gone = await self.gateway.delete(
            f"/api/scoring/organisational-assessments/{draft}",
            params={"reason": "entered twice"},
            headers={**await self._board(), "If-Match": '"1"'},
        )
        assert gone.status_code == 204, gone.text
        return draft

    async def fresh_project(self) -> str:
        async with self._limit:
            return await self._project()

    async def _project(self) -> str:
        made = ok(
            await self.gateway.post(
                "/api/scoring/projects",
                json={"name": "Matrix programme", "kind": "programme"},
                headers=await self._clinician(),
            ),
            201,
        )
        return str(made["id"])

    async def fresh_heat(self) -> str:
        project = await self.shared("project")  # before taking a place: it may need one
        async with self._limit:
            return await self._heat(project)

    async def _heat(self, project: str) -> str:
        made = await create(self.gateway, await self._clinician(), "heat", project_id=project,
                            responses={"prepare_scope": "yes"})  # fmt: skip
        return str(made["id"])

    async def fresh_objective(self) -> str:
        async with self._limit:
            return await self._objective()

    async def _objective(self) -> str:
        made = ok(
            await self.gateway.post(
                "/api/scoring/organisations/EQA/objectives",
                json={"ref": "3.4"},
                headers=await self._board(),
            ),
            201,
        )
        return str(made["id"])

    async def fresh_heat_action(self) -> str:
        heat = await self.shared("heat")
        async with self._limit:
            return await self._heat_action(heat)

    async def _heat_action(self, heat: str) -> str:
        made = ok(
            await self.gateway.post(
                f"/api/scoring/organisational-assessments/{heat}/actions",
                json={"description": "Matrix action", "owner": "Lead", "due_on": "2027-01-01"},
                headers=await self._clinician(),
            ),
            201,
        )
        return str(made["id"])
