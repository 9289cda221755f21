"""Legitimate relationships: who is on which team's caseload (decision 0014).

Adding a person no team of the organisation cares for is simple. Adding one that other
teams care for, and whom the caller does not already see through a team of theirs, is
break-glass: it needs a stated reason, is audited as such, and is listed to the leads of
the teams caring for the person and to organisation administrators, who can revoke it.
Taking a person off a caseload is a discharge. Every change is audited; revoking or
discharging ends access at once (the access rule, ``cared_for_by``, reads the caseloads).
"""

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.common.auth import Authenticated, Principal
from services.common.database import Session
from services.common.errors import Conflict, FieldProblem, NotFound, problem_responses
from services.common.etag import etag_for
from services.common.idempotency import idempotent
from services.common.input_rules import Instant
from services.common.permissions import Permission
from services.scoring.audit.refusals import AuditedRoute, about
from services.scoring.audit.service import record
from services.scoring.db.base import utcnow
from services.scoring.organisations.models import Organisation, Team
from services.scoring.organisations.repository import callers_team, teams_of
from services.scoring.people.access import PersonWriter, person_visible_to
from services.scoring.people.models import CaseloadEntry, Person
from services.scoring.people.repository import team_codes_by_person
from services.scoring.people.schemas import (
    BreakGlassRead,
    BreakGlassRevoke,
    CaseloadAdd,
    PersonRead,
)
from services.scoring.people.service import person_read

router = APIRouter(
    prefix="/api/scoring",
    tags=["people"],
    responses=problem_responses(401, 403),
    route_class=AuditedRoute,
)
PersonId = Annotated[uuid.UUID, Path(description="Person id")]
TeamCode = Annotated[str, Path(max_length=64, description="Team code")]
RECENT = timedelta(days=30)


async def _caring_team_codes(session: AsyncSession, person_id: uuid.UUID) -> list[str]:
    return (await team_codes_by_person(session, [person_id]))[person_id]


@router.post(
    "/teams/{code}/caseload",
    responses=problem_responses(400, 404, 409, 413, 422),
    summary="Add a person known to your organisation to your team's caseload "
    "(with a reason when another team cares for them: break-glass)",
)
@idempotent
async def add_to_caseload(
    code: TeamCode,
    body: CaseloadAdd,
    principal: PersonWriter,
    session: Session,
    request: Request,
    response: Response,
) -> PersonRead:
    team = await callers_team(session, principal, code, "path.code")
    if body.person_id is not None:
        about(request, "person", body.person_id)
    query = select(Person).where(col(Person.organisation_id) == team.organisation_id)
    if body.person_id is not None:
        query = query.where(col(Person.id) == body.person_id)
    else:
        query = query.where(col(Person.nhs_number) == body.nhs_number)
    person = (await session.execute(query)).scalar_one_or_none()
    if person is None:
        raise NotFound("No such person in your organisation")
    about(request, "person", person.id)
    caring = await _caring_team_codes(session, person.id)
    if team.code not in caring:
        already_seen = (
            await session.execute(
                select(col(Person.id)).where(
                    col(Person.id) == person.id, person_visible_to(principal)
                )
            )
        ).first() is not None
        break_glass = bool(caring) and not already_seen
        if break_glass and body.reason is None:
            raise Conflict(
                "Another team cares for this person: state why you need access "
                "(break-glass; the reason is shown to that team's lead and is audited)",
                errors=[FieldProblem(field="body.reason", message="required: break-glass")],
            )
        reason = body.reason if break_glass else None
        session.add(
            CaseloadEntry(
                person_id=person.id,
                team_id=team.id,
                added_by=principal.subject,
                break_glass_reason=reason,
            )
        )
        await session.flush()
        detail: dict[str, object] = {"team": code}
        if break_glass:
            detail |= {"reason": reason, "caring_teams": caring}
        record(
            session,
            principal,
            request,
            action="break-glass" if break_glass else "caseload-add",
            entity_type="person",
            entity_id=person.id,
            detail=detail,
        )
    teams = await _caring_team_codes(session, person.id)
    response.headers["ETag"] = etag_for(person.version)
    return person_read(person, teams)


async def _entry(session: AsyncSession, team: Team, person_id: uuid.UUID) -> CaseloadEntry:
    entry = await session.get(CaseloadEntry, (person_id, team.id), with_for_update=True)
    if entry is None:
        raise NotFound(f"This person is not on the caseload of {team.code}")
    return entry


async def _end(
    session: AsyncSession,
    principal: Principal,
    request: Request,
    entry: CaseloadEntry,
    team: Team,
    *,
    action: str,
    reason: str | None,
) -> None:
    """Take the person off the team's caseload: the team's access ends now."""
    await session.execute(
        delete(CaseloadEntry).where(
            col(CaseloadEntry.person_id) == entry.person_id,
            col(CaseloadEntry.team_id) == entry.team_id,
        )
    )
    detail: dict[str, object] = {"team": team.code, "break_glass": entry.break_glass_reason}
    if reason is not None:
        detail["reason"] = reason
    record(
        session,
        principal,
        request,
        action=action,
        entity_type="person",
        entity_id=entry.person_id,
        detail=detail,
    )


@router.delete(
    "/teams/{code}/caseload/{person_id}",
    status_code=204,
    responses=problem_responses(404, 422),
    summary="Discharge a person from your team's caseload (your team no longer sees them)",
)
async def discharge(
    code: TeamCode,
    person_id: PersonId,
    principal: PersonWriter,
    session: Session,
    request: Request,
) -> Response:
    team = await callers_team(session, principal, code, "path.code")
    entry = await _entry(session, team, person_id)
    await _end(session, principal, request, entry, team, action="caseload-discharge", reason=None)
    return Response(status_code=204)


async def _organisation_teams(session: AsyncSession, principal: Principal) -> dict[uuid.UUID, str]:
    """Every team of the caller's organisation, by id."""
    rows = await session.execute(
        select(col(Team.id), col(Team.code))
        .join(Organisation, col(Organisation.id) == col(Team.organisation_id))
        .where(col(Organisation.ods_code) == principal.organisation_code)
    )
    return {team_id: code for team_id, code in rows.tuples()}


async def _overseen(session: AsyncSession, principal: Principal) -> set[str] | None:
    """The teams whose break-glass entries the caller oversees: None for all of the
    organisation's (an administrator), else the teams they lead."""
    if principal.has(Permission.organisation_admin):
        return None
    return {team.code for team, m in await teams_of(session, principal) if m.role == "lead"}


@router.get(
    "/break-glass",
    responses=problem_responses(422),
    summary="Recent break-glass access, with reasons: on people your teams care for "
    "(team leads) or in your organisation (administrators)",
)
async def list_break_glass(
    principal: Authenticated,
    session: Session,
    since: Annotated[
        Instant | None, Query(description="Added at or after this time; default 30 days ago")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[BreakGlassRead]:
    overseen = await _overseen(session, principal)
    teams = await _organisation_teams(session, principal)
    if overseen is not None and not overseen:
        return []
    rows = (
        await session.execute(
            select(CaseloadEntry)
            .where(
                col(CaseloadEntry.team_id).in_(list(teams)),
                col(CaseloadEntry.break_glass_reason).is_not(None),
                col(CaseloadEntry.added_at) >= (since or utcnow() - RECENT),
            )
            .order_by(col(CaseloadEntry.added_at).desc())
        )
    ).scalars()
    entries = list(rows)
    caring = await team_codes_by_person(session, list({e.person_id for e in entries}))
    found: list[BreakGlassRead] = []
    for entry in entries:
        others = [c for c in caring[entry.person_id] if c != teams[entry.team_id]]
        if overseen is None or overseen & set(others):
            found.append(
                BreakGlassRead(
                    person_id=entry.person_id,
                    team_code=teams[entry.team_id],
                    added_by=entry.added_by,
                    added_at=entry.added_at,
                    reason=entry.break_glass_reason or "",
                    caring_teams=others,
                )
            )
    return found[:limit]


@router.post(
    "/teams/{code}/caseload/{person_id}/revoke",
    status_code=204,
    responses=problem_responses(400, 404, 413, 422),
    summary="Revoke break-glass access: the team loses the person at once "
    "(a lead of a team caring for them, or an organisation administrator)",
)
async def revoke_break_glass(
    code: TeamCode,
    person_id: PersonId,
    body: BreakGlassRevoke,
    principal: Authenticated,
    session: Session,
    request: Request,
) -> Response:
    overseen = await _overseen(session, principal)
    teams = await _organisation_teams(session, principal)
    team_id = next((i for i, c in teams.items() if c == code), None)
    entry = None
    if team_id is not None:
        entry = await session.get(CaseloadEntry, (person_id, team_id), with_for_update=True)
    others = set(await _caring_team_codes(session, person_id)) - {code}
    if (
        entry is None
        or entry.break_glass_reason is None
        or (overseen is not None and not overseen & others)
    ):
        # Not theirs to see, or no such break-glass entry: the same answer.
        raise NotFound("No break-glass access of this team to this person that you oversee")
    team = await session.get(Team, entry.team_id)
    if team is None:  # pragma: no cover - the entry's foreign key holds it
        raise NotFound("No such team")
    await _end(
        session, principal, request, entry, team, action="break-glass-revoke", reason=body.reason
    )
    return Response(status_code=204)
