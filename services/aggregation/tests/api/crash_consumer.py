"""A feed consumer in a process of its own that kills itself (SIGKILL: no clean-up, no
rollback sent) between applying a page and committing it, with probability
``EQUITAS_CRASH_P`` per page; it exits 0 once caught up. Run by ``test_feed_crash.py``::

    python -m services.aggregation.tests.api.crash_consumer DSN SCORING_URL TOKEN_URL KEY_FILE
"""

import asyncio
import os
import random
import signal
import sys
from pathlib import Path

from services.aggregation.feed.consumer import ConsumerOptions, FeedConsumer, feed_http_client
from services.common.client_credentials import ClientCredentials

KILLED_BEFORE_COMMIT = 86  # printed, so the test can count where the kills fell


async def main(dsn: str, scoring_url: str, token_url: str, key_file: str) -> int:
    chance = float(os.environ.get("EQUITAS_CRASH_P", "0.3"))
    rng = random.Random(os.environ.get("EQUITAS_CRASH_SEED"))

    async def before_commit() -> None:
        if rng.random() < chance:
            print("killed before commit", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    credentials = ClientCredentials(
        token_url,
        "aggregation-service",
        Path(key_file).read_bytes(),
        "feed:read",
        kid="aggregation-service-rs256-1",
    )
    async with credentials, feed_http_client(credentials) as http:
        consumer = FeedConsumer(
            dsn=dsn,
            scoring_url=scoring_url,
            http=http,
            options=ConsumerOptions(page_size=int(os.environ.get("EQUITAS_CRASH_PAGE", "3"))),
            before_commit=before_commit,
        )
        await consumer.catch_up()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(*sys.argv[1:5])))
