"""Every router of the aggregation service."""

from fastapi import APIRouter

from services.common.identity import me_router

routers: list[APIRouter] = [me_router("aggregation")]
