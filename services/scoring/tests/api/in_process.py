"""A scoring app run inside the test process, on the test stack's database."""

from typing import Any

from equitas_stack.stack import Stack
from fastapi import FastAPI

from services.scoring.main import create_app
from services.scoring.settings import ScoringSettings


def in_process_app(stack: Stack, **settings: Any) -> FastAPI:
    """The app with the stack's (already migrated) scoring database; enter its lifespan
    with ``app.router.lifespan_context(app)``."""
    return create_app(
        ScoringSettings(
            environment="test",
            database_url=stack.database_url,
            database_name=f"{stack.config.database_prefix}scoring",
            migrate_on_start=False,
            **settings,
        )
    )
