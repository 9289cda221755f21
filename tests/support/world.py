"""A small world of test data made through the gateway with real tokens: two teams of trust
EQA, a person on the first team's caseload and their assessments.

The authorisation matrix and the contract fuzzing both need ids that exist, so that "the
team's clinician gets 200" and "everyone else is refused" are both tried, not only "not
found". Everything is created with unique codes and NHS numbers, so worlds never collide
with each other or with other tests' data.
"""

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from equitas_idp.demo import DemoUser

from services.scoring.tests.api.hef import all_rated
from tests.support.fixtures import Tokens

# The first team's clinician and lead, and a clinician of the second team (all trust EQA).
TEAM_CLINICIAN = "clinician.a"
TEAM_LEAD = "team.lead"
OTHER_TEAM_CLINICIAN = "clinician.b"
ASSESSED_ON = "2026-03-01"


def _nhs_numbers(start: int) -> Iterator[str]:
    """Valid numbers from the reserved test range 999 000 0000 - 999 999 9999."""
    for body in itertools.count(start):
        digits = str(body)
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 10:
            continue
        yield digits + str(0 if check == 11 else check)


# Far above the range the `nhs_number` fixture counts up from (999 100 000...).
_numbers = _nhs_numbers(999_700_000)


def next_nhs_number() -> str:
    return next(_numbers)


def unique_name() -> str:
    """Letters only (names are validated), unique to this call."""
    return "Matrix" + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:12])


def _ok(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, (response.request.url, response.text[:500])
    return response.json() if response.content else None


@dataclass
class World:
    """Ids that exist, made by the first team's clinician unless said otherwise."""

    gateway: httpx.AsyncClient
    tokens: Tokens
    team: str
    other_team: str
    person_id: str
    submitted_id: str
    draft_id: str
    deleted_id: str
    etags: dict[str, str] = field(default_factory=dict)

    async def _headers(self, username: str = TEAM_CLINICIAN) -> dict[str, str]:
        return await self.tokens.headers(username)

    async def new_person(
        self, team: str | None = None, username: str = TEAM_CLINICIAN, family_name: str = ""
    ) -> str:
        """A person on ``team``'s caseload (the first team's by default); ETag in ``etags``."""
        body = {
            "team_code": team or self.team,
            "nhs_number": next_nhs_number(),
            "given_name": "Morgan",
            "family_name": family_name or "Matrix",
            "birth_date": "1990-05-17",
            "sex": "female",
            "ethnic_category": "A",
        }
        created = await self.gateway.post(
            "/api/scoring/people", json=body, headers=await self._headers(username)
        )
        person = str(_ok(created, 201)["id"])
        self.etags[person] = created.headers["etag"]
        return person

    async def new_assessment(
        self, *, submitted: bool, complete: bool | None = None, person_id: str | None = None
    ) -> str:
        """A draft (one answer, or every answer when ``complete``) or a submitted HEF; its
        ETag is kept in ``etags``."""
        body = {
            "episode_type": "referral",
            "assessed_on": ASSESSED_ON,
            "responses": all_rated("low") if submitted or complete else {"housing": "low"},
        }
        created = await self.gateway.post(
            f"/api/scoring/people/{person_id or self.person_id}/assessments",
            params={"submit": "true"} if submitted else {},
            json=body,
            headers=await self._headers(),
        )
        assessment = str(_ok(created, 201)["id"])
        self.etags[assessment] = created.headers["etag"]
        return assessment

    async def new_break_glass(self) -> str:
        """A person on the first team's caseload whom the second team's clinician added to
        their own team's caseload with a reason (break-glass)."""
        person = await self.new_person()
        added = await self.gateway.post(
            f"/api/scoring/teams/{self.other_team}/caseload",
            json={"person_id": person, "reason": "Covering a home visit for the other team"},
            headers=await self._headers(OTHER_TEAM_CLINICIAN),
        )
        _ok(added, 200)
        return person

    async def new_deleted_assessment(self) -> str:
        assessment = await self.new_assessment(submitted=False)
        deleted = await self.gateway.delete(
            f"/api/scoring/assessments/{assessment}",
            params={"reason": "made to be restored"},
            headers={**await self._headers(), "If-Match": self.etags.pop(assessment)},
        )
        _ok(deleted, 204)
        return assessment


async def new_team(
    gateway: httpx.AsyncClient,
    tokens: Tokens,
    demo_users: dict[str, DemoUser],
    members: dict[str, str],
) -> str:
    """A team of trust EQA made by its organisation administrator, with these members."""
    code = f"W-{uuid.uuid4().hex[:10].upper()}"
    admin = await tokens.headers("org.admin")
    created = await gateway.post(
        "/api/scoring/teams", json={"code": code, "name": f"World team {code}"}, headers=admin
    )
    _ok(created, 201)
    for username, role in members.items():
        user = demo_users[username]
        put = await gateway.put(
            f"/api/scoring/teams/{code}/members/{user.uid}",
            json={"display_name": user.name, "role": role},
            headers=admin,
        )
        _ok(put, 200)
    return code


async def build_world(
    gateway: httpx.AsyncClient, tokens: Tokens, demo_users: dict[str, DemoUser]
) -> World:
    team = await new_team(
        gateway, tokens, demo_users, {TEAM_CLINICIAN: "member", TEAM_LEAD: "lead"}
    )
    other_team = await new_team(gateway, tokens, demo_users, {OTHER_TEAM_CLINICIAN: "member"})
    world = World(gateway, tokens, team, other_team, "", "", "", "")
    # A family name no other record has, so a test can look for it in any answer.
    world.person_id = await world.new_person(family_name=unique_name())
    world.submitted_id = await world.new_assessment(submitted=True)
    world.draft_id = await world.new_assessment(submitted=False)
    world.deleted_id = await world.new_deleted_assessment()
    return world
