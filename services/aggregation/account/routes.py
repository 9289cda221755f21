from fastapi import APIRouter

from services.common.auth import Authenticated
from services.common.errors import problem_responses
from services.common.identity import Me, me_from_principal

router = APIRouter(prefix="/api/aggregation", tags=["account"], responses=problem_responses(401))


@router.get("/me", summary="Who the caller is, as this service sees them")
async def me(principal: Authenticated) -> Me:
    return me_from_principal(principal)
