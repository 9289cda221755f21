"""Who may see which person.

A member of staff sees the people on the caseloads of their teams, in the organisation of
the role they selected at login. A system client (an EPR) sees the people of the
organisation its credentials are bound to. Anyone else gets "not found": whether a person
exists is itself sensitive.

The staff rule is stated once, in the database: the function ``cared_for_by(staff,
organisation)`` (migration c41f9a2e7b60) gives the people a member of staff, working for an
organisation, cares for and the teams through which: the caseloads of their teams there,
break-glass entries included (decision 0014). ``person_visible_to`` (every ORM path) and
the hot path of recording an assessment (``assessments.record``, raw SQL) both call it;
Postgres inlines it into each query, so the plans are those of the join written out.
"""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import TableValuedAlias
from sqlmodel import col

from services.common.auth import Principal, require
from services.common.database import Session
from services.common.errors import NotFound
from services.common.permissions import Permission
from services.scoring.audit.service import record
from services.scoring.organisations.models import Organisation
from services.scoring.people.models import Person


def person_visible_to(principal: Principal) -> ColumnElement[bool]:
    """A SQL condition on ``Person`` true only for people the caller may see."""
    if principal.kind == "system":
        return col(Person.organisation_id).in_(
            select(col(Organisation.id)).where(
                col(Organisation.ods_code) == principal.organisation_code
            )
        )
    cared_for = cared_for_by(principal)
    return col(Person.id).in_(select(cared_for.c.person_id))


def cared_for_by(principal: Principal) -> TableValuedAlias:
    """The database's ``cared_for_by`` for the caller: ``person_id``, ``team_id``,
    ``team_code``, ``organisation_code`` and ``commissioner_code`` of each person they care
    for and each team of theirs through which."""
    return func.cared_for_by(principal.subject, principal.organisation_code).table_valued(
        "person_id", "team_id", "team_code", "organisation_code", "commissioner_code"
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
