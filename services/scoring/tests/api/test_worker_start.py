"""What a worker sets up when it starts, beyond its routes."""

import gc

from equitas_stack.stack import Stack

from services.scoring.tests.api.in_process import in_process_app


async def test_a_worker_collects_garbage_at_the_configured_threshold(stack: Stack) -> None:
    before = gc.get_threshold()
    app = in_process_app(stack, gc_young_threshold=12_345)
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == (12_345, *before[1:])
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
