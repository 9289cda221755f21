"""The floor the submit benchmark is measured against: the least a real write route does.

Same token verification (``Authenticated``), same per-request transaction (``Session``), one
INSERT and a small JSON answer, and nothing else. ``benchmarks/scoring_submit.py`` reports
submit throughput as a ratio of this. Mounted only when the ``benchmark_endpoints`` setting
is true, and never in the OpenAPI document.
"""

from fastapi import APIRouter
from pydantic import BaseModel

from services.common.auth import Authenticated
from services.common.database import Session
from services.scoring.benchmark.models import BenchFloor

router = APIRouter(prefix="/api/scoring/benchmark", tags=["benchmark"])


class FloorRead(BaseModel):
    id: int


@router.post("/floor", status_code=201, include_in_schema=False)
async def floor(principal: Authenticated, session: Session) -> FloorRead:
    row = BenchFloor(subject=principal.subject)
    session.add(row)
    await session.flush()
    return FloorRead(id=row.id or 0)
