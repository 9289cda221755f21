"""The lists of projects and actions, a page at a time (keyset: no OFFSET). Each grows with
years of use, so neither is returned whole (decision 0051)."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Date, DateTime, String, Uuid, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from services.common.input_rules import PlainText
from services.common.pagination import CursorPosition
from services.scoring.organisational.access import SubjectType
from services.scoring.organisational.models import Action, Project
from services.scoring.organisations.models import Organisation

# Each list's largest page: a board's or a commissioner's screen asks for pages this size.
PAGE_MAX = 500


class ProjectsPosition(CursorPosition):
    """Projects are listed by organisation, then name, then id."""

    organisation_code: PlainText
    name: PlainText
    id: uuid.UUID


class ActionsPosition(CursorPosition):
    """Actions are listed by due date, then when they were recorded, then id."""

    due_on: date
    created_at: datetime
    id: uuid.UUID


async def projects_page(
    session: AsyncSession,
    readable: ColumnElement[bool],
    after: ProjectsPosition | None,
    limit: int,
) -> tuple[list[tuple[Project, Organisation]], ProjectsPosition | None]:
    """A page of the projects of the organisations ``readable`` admits, and where the next
    starts (None: this was the last)."""
    query = (
        select(Project, Organisation)
        .join(Organisation, col(Organisation.id) == col(Project.organisation_id))
        .where(readable)
    )
    if after is not None:
        query = query.where(
            tuple_(col(Organisation.ods_code), col(Project.name), col(Project.id))
            > tuple_(
                literal(after.organisation_code, String()),
                literal(after.name, String()),
                literal(after.id, Uuid()),
            )
        )
    query = query.order_by(col(Organisation.ods_code), col(Project.name), col(Project.id))
    rows = list((await session.execute(query.limit(limit + 1))).tuples())
    page = rows[:limit]
    if len(rows) <= limit:
        return page, None
    project, organisation = page[-1]
    return page, ProjectsPosition(
        organisation_code=organisation.ods_code, name=project.name, id=project.id
    )


async def actions_page(
    session: AsyncSession,
    organisation_id: uuid.UUID,
    subjects: Sequence[SubjectType],
    after: ActionsPosition | None,
    limit: int,
) -> tuple[list[Action], ActionsPosition | None]:
    """A page of the organisation's actions of the subjects the caller may read (the
    board's objectives, HEAT's assessments), by due date."""
    query = select(Action).where(col(Action.organisation_id) == organisation_id)
    if "organisation" not in subjects:
        query = query.where(col(Action.objective_id).is_(None))
    if "programme" not in subjects:
        query = query.where(col(Action.objective_id).is_not(None))
    if after is not None:
        query = query.where(
            tuple_(col(Action.due_on), col(Action.created_at), col(Action.id))
            > tuple_(
                literal(after.due_on, Date()),
                # With its zone: a bare literal binds as a timestamp without one.
                literal(after.created_at, DateTime(timezone=True)),
                literal(after.id, Uuid()),
            )
        )
    query = query.order_by(col(Action.due_on), col(Action.created_at), col(Action.id))
    rows = list((await session.execute(query.limit(limit + 1))).scalars())
    page = rows[:limit]
    if len(rows) <= limit:
        return page, None
    last = page[-1]
    return page, ActionsPosition(due_on=last.due_on, created_at=last.created_at, id=last.id)
