import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.common.auth import Principal
from services.common.errors import FieldProblem, InvalidInput
from services.scoring.db.base import utcnow
from services.scoring.organisations.models import Membership, Organisation, Team


async def organisation_by_ods(session: AsyncSession, ods_code: str) -> Organisation | None:
    result = await session.execute(
        select(Organisation).where(col(Organisation.ods_code) == ods_code)
    )
    return result.scalar_one_or_none()


async def ensure_organisation(
    session: AsyncSession, ods_code: str, name: str | None
) -> Organisation:
    """An organisation is registered the first time an admin or system of it acts.
    ON CONFLICT DO NOTHING: concurrent first requests from one trust must not collide."""
    existing = await organisation_by_ods(session, ods_code)
    if existing is not None:
        return existing
    await session.execute(
        insert(Organisation)
        .values(id=uuid.uuid4(), ods_code=ods_code, name=name or ods_code, kind="trust",
                created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["ods_code"])
    )  # fmt: skip
    created = await organisation_by_ods(session, ods_code)
    if created is None:  # pragma: no cover - the insert or a concurrent one made it
        raise RuntimeError(f"organisation {ods_code} could not be registered")
    return created


async def team_by_code(session: AsyncSession, code: str) -> Team | None:
    result = await session.execute(select(Team).where(col(Team.code) == code))
    return result.scalar_one_or_none()


async def teams_of(session: AsyncSession, principal: Principal) -> list[tuple[Team, Membership]]:
    """The caller's teams inside the organisation of their selected role only."""
    if principal.kind != "user" or principal.organisation_code is None:
        return []
    result = await session.execute(
        select(Team, Membership)
        .join(Membership, col(Membership.team_id) == col(Team.id))
        .join(Organisation, col(Organisation.id) == col(Team.organisation_id))
        .where(
            col(Membership.subject) == principal.subject,
            col(Organisation.ods_code) == principal.organisation_code,
        )
        .order_by(col(Team.code))
    )
    return [(team, membership) for team, membership in result.tuples()]


async def callers_team(session: AsyncSession, principal: Principal, code: str, field: str) -> Team:
    """One of the caller's teams (``teams_of``), else 422 naming ``field``."""
    for team, _membership in await teams_of(session, principal):
        if team.code == code:
            return team
    # Another organisation's team and a team that does not exist look the same.
    raise InvalidInput(
        f"You are not a member of team {code}",
        errors=[FieldProblem(field=field, message="not one of your teams")],
    )


async def team_ids_of(session: AsyncSession, principal: Principal) -> list[uuid.UUID]:
    return [team.id for team, _ in await teams_of(session, principal)]


async def staff_name(session: AsyncSession, subject: str, team: Team) -> str | None:
    """A member of staff's name as their teams of ``team``'s organisation list them (that
    team's first): who recorded an assessment, in words. None when no team lists them."""
    found: str | None = await session.scalar(
        select(col(Membership.display_name))
        .join(Team, col(Team.id) == col(Membership.team_id))
        .where(
            col(Membership.subject) == subject,
            col(Team.organisation_id) == team.organisation_id,
        )
        .order_by((col(Membership.team_id) == team.id).desc(), col(Membership.display_name))
        .limit(1)
    )
    return found
