"""Every router of the reporting service."""

from fastapi import APIRouter

from services.common.identity import me_router
from services.reporting.commissioner_pack.routes import router as commissioner_pack
from services.reporting.jobs.routes import router as jobs
from services.reporting.org_summary.routes import router as org_summary
from services.reporting.person_profile.routes import router as person_profile

routers: list[APIRouter] = [
    me_router("reporting"),
    person_profile,
    org_summary,
    commissioner_pack,
    jobs,
]
