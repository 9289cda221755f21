"""Every router of the reporting service."""

from fastapi import APIRouter

from services.reporting.account.routes import router as account

routers: list[APIRouter] = [account]
