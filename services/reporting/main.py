"""Reporting service: renders accessible HTML and PDF reports from scoring and aggregation,
forwarding the caller's token so each owning service enforces its own rules. It stores
nothing but report jobs."""

import asyncio
from pathlib import Path

from fastapi import FastAPI

from services.common.app import ServiceSpec, build_app
from services.reporting.api import routers
from services.reporting.jobs.runner import sweep_expired_jobs
from services.reporting.machinery.render import PDF_RENDERS, warm_up
from services.reporting.settings import ReportingSettings


async def _start(app: FastAPI) -> None:
    settings: ReportingSettings = app.state.settings
    PDF_RENDERS.configure(settings.pdf_renders_at_once, settings.pdf_renders_waiting)
    app.state.report_jobs = set()  # running jobs' tasks, so none is collected mid-way
    app.state.job_sweeper = asyncio.create_task(sweep_expired_jobs(app.state.sessionmaker))
    await warm_up()


async def _stop(app: FastAPI) -> None:
    app.state.job_sweeper.cancel()
    # A job cut short is marked failed (its requester asks again).
    for task in list(app.state.report_jobs):
        task.cancel()
    await asyncio.gather(*app.state.report_jobs, return_exceptions=True)


SPEC = ServiceSpec(
    name="reporting",
    title="Equitas reporting API",
    version="0.1.0",
    description="Accessible HTML and PDF reports.",
    routers=routers,
    migrations_dir=Path(__file__).parent / "db" / "migrations",
    on_startup=[_start],
    on_shutdown=[_stop],
)


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    return build_app(SPEC, settings or ReportingSettings())
