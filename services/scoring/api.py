"""Every router of the scoring service, and what it loads at start-up."""

import asyncio
import logging

from fastapi import APIRouter, FastAPI

from services.common.app import Hook
from services.common.database import make_engine
from services.common.idempotency import purge_expired_keys
from services.common.settings import Environment
from services.scoring.assessments.routes import router as assessments
from services.scoring.audit.refusals import close_audit_pool, open_audit_pool
from services.scoring.audit.role_mapping import audit_role_mapping
from services.scoring.audit.routes import router as audit
from services.scoring.benchmark.routes import router as benchmark
from services.scoring.feed.routes import router as feed
from services.scoring.fhir.routes import router as fhir
from services.scoring.instruments.catalogue import Catalogue
from services.scoring.instruments.routes import router as instruments
from services.scoring.organisational.board_routes import router as board_tools
from services.scoring.organisational.feed_routes import router as organisational_feed
from services.scoring.organisational.heat_routes import router as heat
from services.scoring.organisational.private_routes import router as private_mode
from services.scoring.organisational.project_routes import router as projects
from services.scoring.organisational.routes import router as organisational
from services.scoring.organisations.routes import router as organisations
from services.scoring.people.caseload import router as caseloads
from services.scoring.people.routes import router as people
from services.scoring.reference_data.imd import load_imd_file
from services.scoring.reference_data.lookup import DeprivationLookup, default_lookup
from services.scoring.reference_data.postcodes import load_postcode_directory
from services.scoring.settings import ScoringSettings

log = logging.getLogger("equitas.scoring")


async def load_reference_data(app: FastAPI) -> None:
    settings: ScoringSettings = app.state.settings
    if settings.imd_file and settings.postcode_file:
        imd_file, postcode_file = settings.imd_file, settings.postcode_file
        imd = await asyncio.to_thread(load_imd_file, imd_file, vintage=settings.imd_vintage)
        postcodes = await asyncio.to_thread(load_postcode_directory, postcode_file)
        app.state.deprivation = DeprivationLookup({settings.imd_vintage: imd}, postcodes)
    else:
        if settings.environment is Environment.production:  # a trial: settings allowed it
            log.warning("synthetic reference data: every real person's IMD decile is unknown")
        app.state.deprivation = await asyncio.to_thread(default_lookup)


async def load_instruments(app: FastAPI) -> None:
    # The catalogue reads stored definitions while a request may already hold one of the
    # request pool's connections (a change loads the assessment, then its definition). On
    # a pool of its own it never waits for a second connection from a pool that requests
    # holding one could have exhausted.
    url = app.state.engine.url.render_as_string(hide_password=False)
    app.state.catalogue_engine = make_engine(url, pool_size=2)
    app.state.catalogue = await asyncio.to_thread(Catalogue, app.state.catalogue_engine)


async def close_instruments(app: FastAPI) -> None:
    await app.state.catalogue_engine.dispose()


async def mount_benchmark_endpoints(app: FastAPI) -> None:
    """Only for ``make bench`` (EQUITAS_BENCHMARK_ENDPOINTS=true); never in the OpenAPI."""
    settings: ScoringSettings = app.state.settings
    if settings.benchmark_endpoints:
        app.include_router(benchmark, include_in_schema=False)


routers: list[APIRouter] = [
    organisations,
    people,
    caseloads,
    assessments,
    instruments,
    audit,
    feed,
    fhir,
    projects,
    organisational,
    board_tools,
    heat,
    private_mode,
    organisational_feed,
]
on_startup: list[Hook] = [
    load_reference_data,
    load_instruments,
    mount_benchmark_endpoints,
    audit_role_mapping,
    open_audit_pool,
    purge_expired_keys,
]
on_shutdown: list[Hook] = [close_instruments, close_audit_pool]
