"""The floor the submit benchmark is measured against: the least a real write route does.

Same token verification (``Authenticated``), same way of writing as the submit path (a
pooled connection and ``insert_rows``: one statement, its own transaction), one INSERT and
a small JSON answer, and nothing else. ``benchmarks/scoring_submit.py`` reports submit
throughput as a ratio of this. Mounted only when the ``benchmark_endpoints`` setting is
true, and never in the OpenAPI document.
"""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.common.auth import Authenticated
from services.common.direct import direct_connection, insert_rows
from services.scoring.benchmark.models import BenchFloor

router = APIRouter(prefix="/api/scoring/benchmark", tags=["benchmark"])


class FloorRead(BaseModel):
    subject: str


@router.post("/floor", status_code=201, include_in_schema=False)
async def floor(principal: Authenticated, request: Request) -> FloorRead:
    async with direct_connection(request.app.state.engine) as connection:
        await insert_rows(connection, [BenchFloor(subject=principal.subject)])
    return FloorRead(subject=principal.subject)
