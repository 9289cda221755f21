import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.scoring.organisations.models import Team
from services.scoring.people.models import CaseloadEntry


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
