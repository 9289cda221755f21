"""The supervisor's rule, quickly: a child that keeps exiting is restarted after 0.5 s,
1 s, 2 s ... (at most the policy's maximum), back to the shortest once it has stayed up for
the window; the fifth crash within the window stops everything, saying which child, how
often and why. The children are real processes that exit at once, as a service that
cannot start would; the supervisor's clock is the test's."""

import sys
from pathlib import Path

from equitas_stack.stack import Stack, StackConfig
from equitas_stack.supervisor import CrashLoop, RestartPolicy, Supervisor

CRASH = [sys.executable, "-c", "print('cannot start: no such setting'); raise SystemExit(3)"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _crashing_stack(tmp_path: Path) -> Stack:
    stack = Stack(StackConfig.on_free_ports(var_dir=tmp_path))
    (tmp_path / "log").mkdir()
    stack._spawn("scoring", CRASH)
    return stack


def _until_exited(stack: Stack) -> None:
    stack.processes["scoring"].wait(timeout=30)


def _crash_until_stopped(
    stack: Stack, supervisor: Supervisor, clock: Clock, said: list[str], delays: list[float]
) -> CrashLoop:
    for _ in range(10):
        _until_exited(stack)
        try:
            supervisor.check()  # notices the crash, schedules the restart
        except CrashLoop as loop:
            return loop
        delay = float(said[-1].split("restarting it in ")[1].split(" s")[0])
        delays.append(delay)
        clock.now += delay
        supervisor.check()  # restarts it
    raise AssertionError(f"no crash loop: {said}")


def test_restarts_back_off_and_a_crash_loop_stops_with_its_reason(tmp_path: Path) -> None:
    stack = _crashing_stack(tmp_path)
    clock, said = Clock(), []
    supervisor = Supervisor(stack, RestartPolicy(max_delay_s=2.0), say=said.append, clock=clock)
    delays: list[float] = []
    try:
        stopped = _crash_until_stopped(stack, supervisor, clock, said, delays)
    finally:
        stack.stop()
    assert delays == [0.5, 1.0, 2.0, 2.0]
    assert supervisor.restarts == 4
    assert said[0] == (
        "scoring stopped unexpectedly (exit status 3); restarting it in 0.5 s "
        "(crash 1 of 5 allowed within 60 s)"
    )
    message = str(stopped)
    assert message.startswith(
        "scoring crashed 5 times within 60 s (last: exit status 3); stopping Equitas"
    )
    assert "cannot start: no such setting" in message  # the end of its log


def test_a_child_that_stayed_up_starts_again_from_the_shortest_delay(tmp_path: Path) -> None:
    stack = _crashing_stack(tmp_path)
    clock, said = Clock(), []
    supervisor = Supervisor(stack, say=said.append, clock=clock)
    try:
        for _ in range(3):
            _until_exited(stack)
            supervisor.check()
            clock.now += 5
            supervisor.check()
        clock.now += 61  # up for longer than the window before it crashes again
        _until_exited(stack)
        supervisor.check()
    finally:
        stack.stop()
    assert [m.split("restarting it in ")[1].split(" s")[0] for m in said] == [
        "0.5",
        "1.0",
        "2.0",
        "0.5",
    ]
    assert "(crash 1 of 5" in said[-1]
