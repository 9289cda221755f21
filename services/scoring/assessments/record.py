"""Recording a new assessment, as a draft or (``submit=true``) complete: the hot path of
data entry, in one statement and one round trip (decisions 0011 and 0013).

The statement's source query finds the caller's team caring for the person (the database's
``cared_for_by``, the one statement of the access rule ``people.access.person_visible_to``
uses too) and the feed event's context as of the assessment (age by the database's
``completed_years``); the assessment, its revision, its feed event and the audit entry are written
only if it finds them. Nothing is read first, unless there are notes: flagging names in
them needs the person's own names.
"""

import uuid
from dataclasses import fields
from functools import partial
from typing import Any, NoReturn

import asyncpg
from fastapi import Request
from sqlmodel import SQLModel

from services.common.auth import Principal
from services.common.direct import FromSource, columns_of, detached, insert_rows_from, row_from
from services.common.errors import Conflict, FieldProblem, InvalidInput, NotFound
from services.scoring.assessments import service
from services.scoring.assessments.models import Assessment, AssessmentRevision
from services.scoring.assessments.schemas import AssessmentCreate
from services.scoring.audit.service import apart
from services.scoring.feed.models import FeedEvent
from services.scoring.feed.payload import FeedContext
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.people.models import Person

# The caller's teams caring for person $1 (the access rule: the database's cared_for_by, for
# the caller $2 in the organisation of their selected role $3).
_CARED_FOR_BY_CALLER = """
FROM cared_for_by($2, $3) t
JOIN person p ON p.id = t.person_id
WHERE t.person_id = $1
"""
# The caller's team caring for the person (the team asked for, $4, or the first by code)
# and the feed context as of the assessment date $5.
_CARE = f"""
SELECT t.team_id, t.team_code, t.organisation_code, t.commissioner_code,
       completed_years($5::date, p.birth_date) AS age_years,
       p.sex, p.ethnic_category, p.imd_decile, p.imd_vintage
{_CARED_FOR_BY_CALLER}
  AND ($4::text IS NULL OR t.team_code = $4) AND p.birth_date <= $5::date
ORDER BY t.team_code
LIMIT 1
"""
# The feed event's context, built from the source row under FeedContext's own names.
_CONTEXT = FromSource(
    "json_build_object("
    + ", ".join(f"'{field.name}', src.{field.name}" for field in fields(FeedContext))
    + ")"
)
_TEAM_ID = FromSource("src.team_id")


async def record_assessment(
    connection: asyncpg.Connection,
    principal: Principal,
    request: Request,
    person_id: uuid.UUID,
    body: AssessmentCreate,
    defn: InstrumentDefinition,
    *,
    submit: bool,
) -> tuple[Assessment, str]:
    """Write a new assessment whose answers have passed ``check_answers``: the assessment
    and the code of the team it belongs to."""
    flags: list[dict[str, Any]] = []
    if body.notes:
        person = await cared_for_person(connection, principal, person_id, body.team_code)
        flags = service.flag_notes(body.notes, person)
    assessment = service.new_assessment(
        person_id,
        _TEAM_ID,
        defn,
        episode_type=body.episode_type,
        assessed_on=body.assessed_on,
        responses=body.responses,
        notes=body.notes,
        free_text_flags=flags,
        author=principal.subject,
        submit=submit,
    )
    rows: list[SQLModel] = [assessment]
    if submit:
        rows.append(service.revision_of(assessment, amend_reason=None, build=_revision))
        payload = service.event_payload(request, "assessment.submitted", assessment, defn)
        rows.append(
            _feed_event(
                event_type="assessment.submitted",
                payload=payload,
                person_id=person_id,
                context=_CONTEXT,
            )
        )
    # One audit entry says both: created, and (if so) submitted.
    action = "submit" if submit else "create"
    rows.append(service.audit_entry(principal, request, action, assessment, apart))
    # _CARE's parameters, in order.
    care = (
        person_id,
        principal.subject,
        principal.organisation_code,
        body.team_code,
        body.assessed_on,
    )
    found = await insert_rows_from(connection, _CARE, care, rows, "src.team_id, src.team_code")
    if found is None:
        await _explain_refusal(connection, principal, person_id, body)
    # The row was built with the team to come from the statement; now it is known.
    vars(assessment)["team_id"] = found["team_id"]
    return assessment, found["team_code"]


async def _explain_refusal(
    connection: asyncpg.Connection,
    principal: Principal,
    person_id: uuid.UUID,
    body: AssessmentCreate,
) -> NoReturn:
    """Nothing was written: say why (rarely needed, so read only then)."""
    person = await cared_for_person(connection, principal, person_id, body.team_code)
    service.check_assessed_on(person, body.assessed_on)
    raise Conflict("The person's care changed while recording; try again")


# New rows of the hot path, written with insert_rows_from (see services.common.direct).
_revision = partial(detached, AssessmentRevision)
_feed_event = partial(detached, FeedEvent)


# What notes need (the person's names) and what an explained refusal needs.
_PERSON_FACTS = ("id", "given_name", "family_name", "birth_date")
_CARING_TEAMS = f"""
SELECT {columns_of(Person, "p", _PERSON_FACTS)}, t.team_code
{_CARED_FOR_BY_CALLER}
"""


async def cared_for_person(
    connection: asyncpg.Connection,
    principal: Principal,
    person_id: uuid.UUID,
    team_code: str | None,
) -> Person:
    """The person, if on a caseload of the caller's team (``cared_for_by``), or the
    precise refusal: 404 for a person on none of the caller's caseloads, 422 for a team
    asked for that is theirs but not caring for the person."""
    rows = await connection.fetch(
        _CARING_TEAMS, person_id, principal.subject, principal.organisation_code
    )
    if not rows:
        raise NotFound("No such person on your teams' caseloads")
    if team_code not in (None, *(row["team_code"] for row in rows)):
        raise InvalidInput(
            errors=[
                FieldProblem(
                    field="body.team_code", message="not a team of yours caring for this person"
                )
            ]
        )
    return row_from(Person, rows[0], "p")
