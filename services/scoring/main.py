"""Scoring service: instruments, people, assessments, the audit log and the change feed.
It owns everything identifiable."""

from pathlib import Path

from fastapi import FastAPI

from services.common.app import ServiceSpec, build_app
from services.scoring.api import on_shutdown, on_startup, routers
from services.scoring.settings import ScoringSettings

SPEC = ServiceSpec(
    name="scoring",
    title="Equitas scoring API",
    version="0.1.0",
    description=(
        "Instrument definitions (HEF, board self-assessment, ...), people and their "
        "demographics, assessments over time, the audit log and the pseudonymised change feed."
    ),
    routers=routers,
    migrations_dir=Path(__file__).parent / "db" / "migrations",
    on_startup=on_startup,
    on_shutdown=on_shutdown,
)


def create_app(settings: ScoringSettings | None = None) -> FastAPI:
    return build_app(SPEC, settings or ScoringSettings())
