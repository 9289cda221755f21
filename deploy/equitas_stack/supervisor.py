"""Keeping the system up: a child that dies is started again, with backoff.

`make run` (and the fault tests) call ``Supervisor.check`` a few times a second. A child
that exits on its own (a crash, ``kill -9``, the OOM killer) is started again after a
delay that doubles with each crash in a row (0.5 s, 1 s, 2 s ... at most 10 s) and starts
again from the shortest once the child has stayed up for the crash window. Meanwhile the
gateway answers 503 for that service (decision 0019). A child that crashes
``max_crashes`` times within ``window_s`` is in a crash loop: restarting it again would
only hide that, so ``check`` raises ``CrashLoop`` and the caller stops everything, saying
why.
"""

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from equitas_stack.stack import Stack


@dataclass(frozen=True)
class RestartPolicy:
    first_delay_s: float = 0.5
    max_delay_s: float = 10.0
    max_crashes: int = 5  # within window_s: a crash loop
    window_s: float = 60.0


class CrashLoop(RuntimeError):
    """A child keeps dying: the system is stopped rather than restarted forever."""


@dataclass
class _Child:
    crashes: deque[float] = field(default_factory=deque)  # when, within the window
    delay_s: float = 0.0
    restart_at: float | None = None  # pending restart
    started_at: float = field(default_factory=time.monotonic)
    awaiting_ready: bool = False


def _exit_reason(code: int) -> str:
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"


class Supervisor:
    def __init__(
        self,
        stack: Stack,
        policy: RestartPolicy | None = None,
        *,
        say: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stack = stack
        self.policy = policy or RestartPolicy()
        self._say = say
        self._clock = clock
        self._children = {name: _Child() for name in stack.processes}
        self.restarts = 0

    def check(self) -> None:
        """Notice children that died, restart those whose delay is over, and say when a
        restarted one is ready again. Raises ``CrashLoop``."""
        now = self._clock()
        for name, proc in self.stack.processes.items():
            child = self._children.setdefault(name, _Child())
            code = proc.poll()
            if code is not None and child.restart_at is None:
                self._crashed(name, child, code, now)
            elif child.restart_at is not None and now >= child.restart_at:
                self.stack.restart(name)
                self.restarts += 1
                child.restart_at = None
                child.started_at = now
                child.awaiting_ready = True
            elif child.awaiting_ready and self._ready(name):
                child.awaiting_ready = False
                self._say(f"{name} is running again ({now - child.started_at:.1f} s to start)")

    def _crashed(self, name: str, child: _Child, code: int, now: float) -> None:
        policy = self.policy
        if now - child.started_at >= policy.window_s:
            child.delay_s = 0.0  # it had settled: this is a new incident
        child.crashes.append(now)
        while child.crashes and now - child.crashes[0] > policy.window_s:
            child.crashes.popleft()
        tail = self.stack.log_tail(name, 20)
        if len(child.crashes) >= policy.max_crashes:
            raise CrashLoop(
                f"{name} crashed {len(child.crashes)} times within {policy.window_s:.0f} s "
                f"(last: {_exit_reason(code)}); stopping Equitas rather than restarting it "
                f"again. Its log ends:\n{tail}"
            )
        child.delay_s = min(policy.max_delay_s, max(policy.first_delay_s, child.delay_s * 2))
        child.restart_at = now + child.delay_s
        child.awaiting_ready = False
        self._say(
            f"{name} stopped unexpectedly ({_exit_reason(code)}); restarting it in "
            f"{child.delay_s:.1f} s (crash {len(child.crashes)} of {policy.max_crashes} "
            f"allowed within {policy.window_s:.0f} s)"
        )

    def _ready(self, name: str) -> bool:
        url = self.stack.ready_url(name)
        try:
            return httpx.get(url, timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    def run(self, stopping: Callable[[], bool], *, interval_s: float = 0.2) -> None:
        """Check until ``stopping()`` says so. Raises ``CrashLoop``."""
        while not stopping():
            self.check()
            time.sleep(interval_s)
