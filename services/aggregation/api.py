"""Every router of the aggregation service."""

from fastapi import APIRouter

from services.aggregation.account.routes import router as account

routers: list[APIRouter] = [account]
