"""Every router of the reporting service."""

from fastapi import APIRouter

from services.common.identity import me_router
from services.reporting.person_profile.routes import router as person_profile

routers: list[APIRouter] = [me_router("reporting"), person_profile]
