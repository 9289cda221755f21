"""Service equity analysis over HTTP (``docs/equity.md``): datasets, their imports, the
analyses, reference populations, the action plan and the IMD lookup, one module each, all
under ``/api/aggregation/equity``."""

from fastapi import APIRouter

from services.aggregation.equity.routes import (
    analyses,
    datasets,
    imd,
    imports,
    plan,
    references,
)

router = APIRouter()
# In this order the contract lists them (the IMD lookup came last).
for part in (datasets, imports, analyses, references, plan, imd):
    router.include_router(part.router)
