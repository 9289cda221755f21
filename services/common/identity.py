"""The "who am I" answer every service gives, built from the verified token."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from services.common.auth import Authenticated, Principal
from services.common.errors import problem_responses


class Organisation(BaseModel):
    ods_code: str
    name: str | None = None


class Role(BaseModel):
    code: str
    name: str | None = None


class TeamMembership(BaseModel):
    code: str
    name: str
    role: Literal["member", "lead"]


class Me(BaseModel):
    subject: str
    kind: Literal["user", "system"]
    name: str | None
    organisation: Organisation | None
    role: Role | None
    permissions: list[str]
    scopes: list[str]
    teams: list[TeamMembership] = []


def me_from_principal(principal: Principal, teams: list[TeamMembership] | None = None) -> Me:
    org = (
        Organisation(ods_code=principal.organisation_code, name=principal.organisation_name)
        if principal.organisation_code
        else None
    )
    role = Role(code=principal.role_code, name=principal.role_name) if principal.role_code else None
    return Me(
        subject=principal.subject,
        kind=principal.kind,
        name=principal.name,
        organisation=org,
        role=role,
        permissions=sorted(p.value for p in principal.permissions),
        scopes=sorted(principal.scopes),
        teams=teams or [],
    )


def me_router(service: str) -> APIRouter:
    """``GET /api/<service>/me`` for services that know the caller only from the token
    (scoring adds the caller's teams in its own route)."""
    router = APIRouter(
        prefix=f"/api/{service}", tags=["account"], responses=problem_responses(401, 422)
    )

    @router.get("/me", summary="Who the caller is, as this service sees them")
    async def me(principal: Authenticated) -> Me:
        return me_from_principal(principal)

    return router
