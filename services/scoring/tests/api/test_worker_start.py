"""What a worker sets up when it starts, beyond its routes."""

import gc

from equitas_stack.stack import Stack

from services.scoring.main import create_app
from services.scoring.settings import ScoringSettings


async def test_a_worker_collects_garbage_at_the_configured_threshold(stack: Stack) -> None:
    before = gc.get_threshold()
    settings = ScoringSettings(
        environment="test",
        database_url=stack.database_url,
        database_name=f"{stack.config.database_prefix}scoring",
        migrate_on_start=False,
        gc_young_threshold=12_345,
    )
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == (12_345, *before[1:])
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
