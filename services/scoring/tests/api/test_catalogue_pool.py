"""The instrument catalogue reads the database on a pool of its own: a request that holds
a connection and then needs a definition never waits on the pool it is holding."""

import asyncio

from equitas_stack.stack import Stack

from services.scoring.tests.api.in_process import in_process_app


async def test_the_catalogue_does_not_wait_for_the_request_pool(stack: Stack) -> None:
    app = in_process_app(stack, database_pool_size=1, database_pool_timeout_s=2.0)
    # Inside the lifespan, the request pool's only connection is taken, as by a change
    # holding its row lock (the second item is entered after the first has started the app).
    async with app.router.lifespan_context(app), app.state.engine.connect():
        await asyncio.wait_for(app.state.catalogue.sync(), timeout=10)
        stored = await app.state.catalogue.get("hef", "standard", None)
    assert stored.instrument == "hef"
