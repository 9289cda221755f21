"""People on caseloads: create, read, search, correct demographics (caseloads themselves:
``people.caseload``)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import func, literal, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from services.common.database import Session
from services.common.errors import Conflict, FieldProblem, InvalidInput, problem_responses
from services.common.etag import IfMatch, check_if_match, etag_for
from services.common.idempotency import idempotent
from services.common.input_rules import PlainText
from services.common.pagination import CursorPosition, Page, decode_cursor, encode_cursor
from services.scoring.audit.refusals import AuditedRoute
from services.scoring.audit.service import record
from services.scoring.db.base import utcnow
from services.scoring.organisations.repository import callers_team
from services.scoring.people.access import (
    CurrentPerson,
    PersonReader,
    PersonWriter,
    load_visible_person,
    person_visible_to,
)
from services.scoring.people.models import CaseloadEntry, Person
from services.scoring.people.nhs_number import InvalidNhsNumber, normalise_nhs_number
from services.scoring.people.repository import (
    caseload_status_by_person,
    corrected_fields,
    team_codes_by_person,
)
from services.scoring.people.schemas import (
    PersonCreate,
    PersonRead,
    PersonSummary,
    PersonUpdate,
)
from services.scoring.people.service import apply_fields, person_read

router = APIRouter(
    prefix="/api/scoring",
    tags=["people"],
    responses=problem_responses(401, 403),
    route_class=AuditedRoute,
)


class PeoplePosition(CursorPosition):
    """Search results are ordered by family name, then id."""

    family_name: PlainText
    id: uuid.UUID


@router.post(
    "/people",
    status_code=201,
    responses=problem_responses(400, 409, 413, 422),
    summary="Add a person to one of your teams' caseloads",
)
@idempotent
async def create_person(
    body: PersonCreate,
    principal: PersonWriter,
    session: Session,
    request: Request,
    response: Response,
) -> PersonRead:
    team = await callers_team(session, principal, body.team_code, "body.team_code")
    person = Person(
        organisation_id=team.organisation_id,
        nhs_number=body.nhs_number,
        local_id=body.local_id,
        given_name=body.given_name,
        family_name=body.family_name,
        birth_date=body.birth_date,
        sex=body.sex.value,
    )
    fields = body.model_dump(
        exclude={"team_code", "nhs_number", "local_id", "given_name", "family_name", "birth_date"}
    )
    apply_fields(person, fields, request.app.state.deprivation)
    session.add(person)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "A person with this NHS number or local id is already recorded in your "
            "organisation; add them to your team's caseload instead",
            errors=[FieldProblem(field="body.nhs_number", message="already recorded")],
        ) from exc
    session.add(CaseloadEntry(person_id=person.id, team_id=team.id))
    record(session, principal, request, action="create", entity_type="person", entity_id=person.id)
    response.headers["ETag"] = etag_for(person.version)
    return person_read(person, [team.code])


@router.get("/people", summary="Find people on your teams' caseloads")
async def search_people(
    principal: PersonReader,
    session: Session,
    request: Request,
    nhs_number: Annotated[str | None, Query(description="Exact NHS number")] = None,
    name: Annotated[str | None, Query(min_length=2, max_length=100)] = None,
    team: Annotated[str | None, Query(description="Only this team's caseload")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[PersonSummary]:
    query = select(Person).where(person_visible_to(principal))
    if nhs_number is not None:
        try:
            query = query.where(col(Person.nhs_number) == normalise_nhs_number(nhs_number))
        except InvalidNhsNumber as exc:
            raise InvalidInput(
                errors=[FieldProblem(field="query.nhs_number", message=str(exc))]
            ) from exc
    if name is not None:
        pattern = f"%{name.lower()}%"
        query = query.where(
            or_(
                func.lower(col(Person.family_name)).like(pattern),
                func.lower(col(Person.given_name)).like(pattern),
            )
        )
    if team is not None:
        chosen = await callers_team(session, principal, team, "query.team")
        query = query.where(
            col(Person.id).in_(
                select(col(CaseloadEntry.person_id)).where(col(CaseloadEntry.team_id) == chosen.id)
            )
        )
    position = decode_cursor(cursor, PeoplePosition)
    if position is not None:
        query = query.where(
            tuple_(col(Person.family_name), col(Person.id))
            > tuple_(literal(position.family_name), literal(position.id))
        )
    rows = list(
        (
            await session.execute(
                query.order_by(col(Person.family_name), col(Person.id)).limit(limit + 1)
            )
        ).scalars()
    )
    page, more = rows[:limit], len(rows) > limit
    teams = await team_codes_by_person(session, [p.id for p in page])
    status = await caseload_status_by_person(session, [p.id for p in page])
    record(
        session,
        principal,
        request,
        action="search",
        entity_type="person",
        entity_id=None,
        detail={"returned": [str(p.id) for p in page]},
    )
    return Page(
        items=[
            PersonSummary(
                id=p.id,
                nhs_number=p.nhs_number,
                given_name=p.given_name,
                family_name=p.family_name,
                birth_date=p.birth_date,
                teams=teams[p.id],
                last_assessment=status[p.id].last_assessment,
                review_due=status[p.id].review_due,
            )
            for p in page
        ],
        next_cursor=encode_cursor(PeoplePosition(family_name=page[-1].family_name, id=page[-1].id))
        if more
        else None,
    )


@router.get(
    "/people/{person_id}", responses=problem_responses(404), summary="A person's demographics"
)
async def get_person(person: CurrentPerson, session: Session, response: Response) -> PersonRead:
    teams = await team_codes_by_person(session, [person.id])
    response.headers["ETag"] = etag_for(person.version)
    return person_read(person, teams[person.id], await corrected_fields(session, person))


@router.patch(
    "/people/{person_id}",
    responses=problem_responses(400, 404, 412, 413, 422, 428),
    summary="Correct a person's demographics (If-Match required)",
)
async def update_person(
    person_id: uuid.UUID,
    body: PersonUpdate,
    principal: PersonWriter,
    session: Session,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> PersonRead:
    person = await load_visible_person(session, principal, person_id)
    check_if_match(if_match, person.version)
    changed = body.model_dump(exclude_unset=True)
    apply_fields(person, changed, request.app.state.deprivation)
    person.version += 1
    person.updated_at = utcnow()  # the FHIR read's meta.lastUpdated
    await session.flush()
    record(
        session,
        principal,
        request,
        action="update",
        entity_type="person",
        entity_id=person.id,
        detail={"fields": sorted(changed)},
    )
    teams = await team_codes_by_person(session, [person.id])
    response.headers["ETag"] = etag_for(person.version)
    return person_read(person, teams[person.id], await corrected_fields(session, person))
