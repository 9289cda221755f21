import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.scoring.assessments.models import Assessment
from services.scoring.fhir.corrections import corrected_columns
from services.scoring.fhir.patient_mapping import london_today
from services.scoring.organisations.models import Team
from services.scoring.people.models import CaseloadEntry, PatientResource, Person
from services.scoring.people.review import review_due, review_interval_months
from services.scoring.people.schemas import LastAssessment


async def team_codes_by_person(
    session: AsyncSession, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    if not person_ids:
        return {}
    result = await session.execute(
        select(col(CaseloadEntry.person_id), col(Team.code))
        .join(Team, col(Team.id) == col(CaseloadEntry.team_id))
        .where(col(CaseloadEntry.person_id).in_(person_ids))
        .order_by(col(Team.code))
    )
    out: dict[uuid.UUID, list[str]] = {pid: [] for pid in person_ids}
    for person_id, code in result.tuples():
        out[person_id].append(code)
    return out


@dataclass(frozen=True)
class CaseloadStatus:
    last_assessment: LastAssessment | None
    review_due: date | None


async def caseload_status_by_person(
    session: AsyncSession, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, CaseloadStatus]:
    """Each person's latest assessment (a draft included) and when their next review is
    due (after the latest submitted one, by the assessing team's interval). Deleted
    assessments do not count. Two queries for the whole page."""
    if not person_ids:
        return {}
    live = col(Assessment.deleted_at).is_(None)
    newest_first = (
        col(Assessment.person_id),
        col(Assessment.assessed_on).desc(),
        col(Assessment.created_at).desc(),
    )
    latest = await session.execute(
        select(
            col(Assessment.person_id),
            col(Assessment.id),
            col(Assessment.episode_type),
            col(Assessment.assessed_on),
            col(Assessment.status),
        )
        .where(col(Assessment.person_id).in_(person_ids), live)
        .distinct(col(Assessment.person_id))
        .order_by(*newest_first)
    )
    last = {
        person_id: LastAssessment(
            id=assessment_id, episode_type=episode, assessed_on=on, status=status
        )
        for person_id, assessment_id, episode, on, status in latest.tuples()
    }
    submitted = await session.execute(
        select(
            col(Assessment.person_id),
            col(Assessment.assessed_on),
            col(Assessment.episode_type),
            col(Team.settings),
        )
        .join(Team, col(Team.id) == col(Assessment.team_id))
        .where(
            col(Assessment.person_id).in_(person_ids), live, col(Assessment.status) == "submitted"
        )
        .distinct(col(Assessment.person_id))
        .order_by(*newest_first)
    )
    due = {
        person_id: review_due(on, episode, review_interval_months(settings))
        for person_id, on, episode, settings in submitted.tuples()
    }
    return {pid: CaseloadStatus(last.get(pid), due.get(pid)) for pid in person_ids}


async def corrected_fields(session: AsyncSession, person: Person) -> list[str]:
    """For a person an EPR sent: the demographics staff corrected in Equitas since the
    latest Patient (decision 0025: the person page says where each value came from)."""
    if person.source != "fhir":
        return []
    sent = (
        await session.execute(
            select(col(PatientResource.version), col(PatientResource.resource))
            .where(col(PatientResource.person_id) == person.id)
            .order_by(col(PatientResource.version).desc())
            .limit(1)
        )
    ).first()
    if sent is None or sent.version == person.version:
        return []
    return corrected_columns(dict(sent.resource), person, london_today())
