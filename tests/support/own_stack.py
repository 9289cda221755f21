"""A whole system of a test's own, for fault tests that kill or stop parts of it (the
session's shared stack must never see those faults). Its databases live on the machine's
Postgres under a prefix of their own and are dropped afterwards."""

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import asyncpg
from equitas_stack.stack import REPO, Stack, StackConfig, default_database_url
from equitas_stack.supervisor import CrashLoop, RestartPolicy, Supervisor


@contextmanager
def own_stack(name: str) -> Iterator[Stack]:
    database_url = default_database_url()
    prefix = f"equitas_{name}_{os.getpid()}_"
    config = StackConfig.on_free_ports(
        database_url=database_url,
        database_prefix=prefix,
        var_dir=REPO / "var" / "test-runs" / str(os.getpid()) / name,
        environment="test",
        log_level="WARNING",
    )
    system = Stack(config)
    system.start()
    try:
        yield system
    finally:
        system.stop()
        if database_url:
            asyncio.run(drop_databases(database_url, prefix))


async def drop_databases(server_url: str, prefix: str) -> None:
    conn = await asyncpg.connect(server_url)
    try:
        rows = await conn.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", prefix + "%"
        )
        for row in rows:
            await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
    finally:
        await conn.close()


@dataclass
class Supervising:
    """A supervisor running in a thread, as `make run` runs it: what it said, and why it
    stopped the system if it did."""

    supervisor: Supervisor
    said: list[str] = field(default_factory=list)
    crash_loop: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.supervisor.run(self._stop.is_set, interval_s=0.1)
        except CrashLoop as exc:  # what `make run` does: say why, stop everything
            self.crash_loop = str(exc)
            self.supervisor.stack.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def wait_for(self, what: Callable[[], bool], timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not what():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the supervisor said: {self.said}")
            time.sleep(0.05)


@contextmanager
def supervised(stack: Stack, policy: RestartPolicy | None = None) -> Iterator[Supervising]:
    said: list[str] = []
    running = Supervising(Supervisor(stack, policy, say=said.append), said)
    running.start()
    try:
        yield running
    finally:
        running.stop()
