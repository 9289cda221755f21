"""Who am I, and an organisation administrator's management of teams and memberships."""

from collections.abc import Mapping
from typing import Annotated, Literal, cast

from fastapi import APIRouter, Depends, Path, Request, Response
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from services.common.auth import Authenticated, Principal, require
from services.common.database import Session
from services.common.errors import Conflict, Forbidden, NotFound, problem_responses
from services.common.identity import Me, TeamMembership, me_from_principal
from services.common.permissions import Permission
from services.scoring.audit.service import record
from services.scoring.organisations.models import Membership, Organisation, Team
from services.scoring.organisations.repository import ensure_organisation, teams_of
from services.scoring.organisations.schemas import MemberPut, MemberRead, TeamCreate, TeamRead

router = APIRouter(prefix="/api/scoring", responses=problem_responses(401, 403, 422))

OrganisationAdmin = Annotated[Principal, Depends(require(Permission.organisation_admin))]
TeamCode = Annotated[str, Path(description="Team code")]


@router.get("/me", tags=["account"], summary="Who the caller is, with their teams")
async def me(principal: Authenticated, session: Session) -> Me:
    teams = [
        TeamMembership(code=t.code, name=t.name, role=cast(Literal["member", "lead"], m.role))
        for t, m in await teams_of(session, principal)
    ]
    return me_from_principal(principal, teams)


def _team_read(team: Team, organisation: Organisation) -> TeamRead:
    return TeamRead(
        code=team.code,
        name=team.name,
        service=team.service,
        organisation_ods_code=organisation.ods_code,
        settings=team.settings,
    )


async def _admins_organisation(session: Session, principal: Principal) -> Organisation:
    if principal.organisation_code is None:
        raise Forbidden("Your selected role names no organisation")
    return await ensure_organisation(
        session, principal.organisation_code, principal.organisation_name
    )


async def _admins_team(session: Session, principal: Principal, code: str) -> Team:
    organisation = await _admins_organisation(session, principal)
    result = await session.execute(
        select(Team).where(col(Team.code) == code, col(Team.organisation_id) == organisation.id)
    )
    team = result.scalar_one_or_none()
    if team is None:
        raise NotFound(f"No team {code} in your organisation")
    return team


@router.post(
    "/teams",
    tags=["organisations"],
    status_code=201,
    responses=problem_responses(400, 409, 413),
    summary="Create a team in the administrator's organisation",
)
async def create_team(
    body: TeamCreate, principal: OrganisationAdmin, session: Session, request: Request
) -> TeamRead:
    organisation = await _admins_organisation(session, principal)
    team = Team(
        organisation_id=organisation.id,
        code=body.code,
        name=body.name,
        service=body.service,
        settings=body.settings,
    )
    session.add(team)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"A team with code {body.code} already exists") from exc
    _audit_grant(session, principal, request, "team-create", team, {})
    return _team_read(team, organisation)


@router.get("/teams", tags=["organisations"], summary="Teams the caller may see")
async def list_teams(principal: Authenticated, session: Session) -> list[TeamRead]:
    if principal.has(Permission.organisation_admin) and principal.organisation_code:
        result = await session.execute(
            select(Team, Organisation)
            .join(Organisation, col(Organisation.id) == col(Team.organisation_id))
            .where(col(Organisation.ods_code) == principal.organisation_code)
            .order_by(col(Team.code))
        )
        return [_team_read(t, o) for t, o in result.tuples()]
    organisation_code = principal.organisation_code or ""
    return [
        TeamRead(
            code=t.code,
            name=t.name,
            service=t.service,
            organisation_ods_code=organisation_code,
            settings=t.settings,
        )
        for t, _ in await teams_of(session, principal)
    ]


@router.get(
    "/teams/{code}/members",
    tags=["organisations"],
    responses=problem_responses(404),
    summary="A team's members",
)
async def list_members(
    code: TeamCode, principal: OrganisationAdmin, session: Session
) -> list[MemberRead]:
    team = await _admins_team(session, principal, code)
    result = await session.execute(
        select(Membership)
        .where(col(Membership.team_id) == team.id)
        .order_by(col(Membership.display_name))
    )
    return [
        MemberRead(
            subject=m.subject,
            display_name=m.display_name,
            role=cast(Literal["member", "lead"], m.role),
        )
        for m in result.scalars()
    ]


@router.put(
    "/teams/{code}/members/{subject}",
    tags=["organisations"],
    responses=problem_responses(400, 404, 413),
    summary="Add a member of staff to a team, or change their team role",
)
async def put_member(
    code: TeamCode,
    subject: Annotated[str, Path(max_length=128, description="The IdP user id")],
    body: MemberPut,
    principal: OrganisationAdmin,
    session: Session,
    request: Request,
) -> MemberRead:
    team = await _admins_team(session, principal, code)
    result = await session.execute(
        select(Membership).where(
            col(Membership.team_id) == team.id, col(Membership.subject) == subject
        )
    )
    membership = result.scalar_one_or_none()
    before = None if membership is None else membership.role
    if membership is None:
        membership = Membership(team_id=team.id, subject=subject, display_name="", role="member")
        session.add(membership)
    membership.display_name = body.display_name
    membership.role = body.role
    await session.flush()
    if before != body.role:
        detail = {"subject": subject, "role": body.role, "previous_role": before}
        action = "member-add" if before is None else "member-role"
        _audit_grant(session, principal, request, action, team, detail)
    return MemberRead(subject=subject, display_name=body.display_name, role=body.role)


@router.delete(
    "/teams/{code}/members/{subject}",
    tags=["organisations"],
    status_code=204,
    responses=problem_responses(404),
    summary="Remove a member of staff from a team",
)
async def delete_member(
    code: TeamCode,
    subject: Annotated[str, Path(max_length=128)],
    principal: OrganisationAdmin,
    session: Session,
    request: Request,
) -> Response:
    team = await _admins_team(session, principal, code)
    removed = await session.execute(
        delete(Membership)
        .where(col(Membership.team_id) == team.id, col(Membership.subject) == subject)
        .returning(col(Membership.role))
    )
    role = removed.scalar_one_or_none()
    if role is not None:
        _audit_grant(session, principal, request, "member-remove", team,
                     {"subject": subject, "previous_role": role})  # fmt: skip
    return Response(status_code=204)


def _audit_grant(
    session: Session,
    principal: Principal,
    request: Request,
    action: str,
    team: Team,
    detail: Mapping[str, object],
) -> None:
    """A change of who may see whom: a team's members see its caseload."""
    record(
        session,
        principal,
        request,
        action=action,
        entity_type="team",
        entity_id=team.id,
        detail={"team": team.code, **detail},
    )
