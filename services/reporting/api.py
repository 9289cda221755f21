"""Every router of the reporting service."""

from fastapi import APIRouter

from services.common.identity import me_router

routers: list[APIRouter] = [me_router("reporting")]
