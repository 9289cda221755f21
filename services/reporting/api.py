"""Every router of the reporting service."""

from fastapi import APIRouter

from services.common.identity import me_router
from services.reporting.assurance_scorecard.routes import router as assurance_scorecard
from services.reporting.board_self_assessment.routes import private_router as private_board
from services.reporting.board_self_assessment.routes import stored_router as board_self_assessment
from services.reporting.commissioner_pack.routes import router as commissioner_pack
from services.reporting.heat_summary.routes import router as heat_summary
from services.reporting.jobs.routes import router as jobs
from services.reporting.org_summary.routes import router as org_summary
from services.reporting.person_profile.routes import router as person_profile
from services.reporting.service_equity.routes import router as service_equity

routers: list[APIRouter] = [
    me_router("reporting"),
    person_profile,
    org_summary,
    commissioner_pack,
    service_equity,
    board_self_assessment,
    private_board,
    assurance_scorecard,
    heat_summary,
    jobs,
]
