"""Who may see which person.

A member of staff sees the people on the caseloads of their teams, in the organisation of
the role they selected at login. A system client (an EPR) sees the people of the
organisation its credentials are bound to. Anyone else gets "not found": whether a person
exists is itself sensitive.

The hot path of recording an assessment restates the staff rule in raw SQL, once
(``assessments.record._CARED_FOR_BY_CALLER``, decisions 0011 and 0013): a change to the
rule here must be made there too. The API tests deny other teams and other trusts through
both.
"""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from services.common.auth import Principal, require
from services.common.database import Session
from services.common.errors import NotFound
from services.common.permissions import Permission
from services.scoring.audit.service import record
from services.scoring.organisations.models import Membership, Organisation, Team
from services.scoring.people.models import CaseloadEntry, Person


def person_visible_to(principal: Principal) -> ColumnElement[bool]:
    """A SQL condition on ``Person`` true only for people the caller may see."""
    if principal.kind == "system":
        return col(Person.organisation_id).in_(
            select(col(Organisation.id)).where(
                col(Organisation.ods_code) == principal.organisation_code
            )
        )
    return exists(
        select(col(CaseloadEntry.person_id))
        .join(Team, col(Team.id) == col(CaseloadEntry.team_id))
        .join(Membership, col(Membership.team_id) == col(Team.id))
        .join(Organisation, col(Organisation.id) == col(Team.organisation_id))
        .where(
            col(CaseloadEntry.person_id) == col(Person.id),
            col(Membership.subject) == principal.subject,
            col(Organisation.ods_code) == principal.organisation_code,
        )
    )


async def load_visible_person(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID
) -> Person:
    result = await session.execute(
        select(Person).where(col(Person.id) == person_id, person_visible_to(principal))
    )
    person = result.scalar_one_or_none()
    if person is None:
        raise NotFound("No such person on your teams' caseloads")
    return person


PersonReader = Annotated[Principal, Depends(require(Permission.person_read))]
PersonWriter = Annotated[Principal, Depends(require(Permission.person_write))]


async def _current_person(
    person_id: Annotated[uuid.UUID, Path(description="Person id")],
    principal: PersonReader,
    session: Session,
    request: Request,
) -> Person:
    person = await load_visible_person(session, principal, person_id)
    record(session, principal, request, action="read", entity_type="person", entity_id=person.id)
    return person


# Loads the person named in the path, 404 unless visible, and audits the read.
CurrentPerson = Annotated[Person, Depends(_current_person)]
