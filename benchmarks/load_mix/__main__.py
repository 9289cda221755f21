"""``python -m benchmarks.load_mix [--users N] [--seconds S]`` (``make load``).

Starts the system (clean ``equitas_load_*`` databases), makes the world and fetches every
token, runs the users in a child process for the measured window, stops the system and
writes ``var/bench/load.json``: ``users``, ``duration_s``, ``requests``, ``errors``,
``operations`` (per operation: ``count``, ``errors``, ``p50_ms``, ``p95_ms``, ``p99_ms``),
the targets, what was missed, and where and when it ran. Exit code 1 when a target was
missed (any error, or an operation's p95 at or over 500 ms).
"""

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.harness import BenchOptions, load_average, run_facts, write_result
from benchmarks.load_mix.figures import missed_targets
from benchmarks.load_mix.world import STACK_DIR, load_stack, make_world

NAME = "load"
TARGET_P95_MS = 500.0
SCORING_WORKERS = 2


def _swarm(plan_file: Path, result_file: Path, timeout_s: float) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "benchmarks.load_mix.swarm", str(plan_file), str(result_file)],
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the users' process failed ({done.returncode})")
    result: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
    return result


def _table(operations: dict[str, dict[str, Any]]) -> str:
    head = f"{'operation':<26}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    lines = [head, "-" * len(head)]
    for name, f in operations.items():
        lines.append(
            f"{name:<26}{f['count']:>8}{f['errors']:>8}"
            f"{f['p50_ms'] or 0:>9.1f}{f['p95_ms'] or 0:>9.1f}{f['p99_ms'] or 0:>9.1f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_mix", description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120.0, help="the measured window")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds before it, not counted")
    parser.add_argument("--spawn-rate", type=float, default=50.0, help="users started per second")
    parser.add_argument("--max-requests", type=int, default=100_000, help="stop after this many")
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args(argv)
    if args.users < 20 or args.seconds <= 0 or args.spawn_rate <= 0 or args.max_requests < 1:
        parser.error("need --users >= 20, --seconds > 0, --spawn-rate > 0, --max-requests >= 1")
    if args.warmup < 0:
        parser.error("need --warmup >= 0")
    load_before = load_average()
    print("Starting Equitas for the load run (clean equitas_load_* databases) ...", flush=True)
    with load_stack(SCORING_WORKERS) as stack:
        print("Making the teams, people and assessments the users work on ...", flush=True)
        started = time.monotonic()
        plan = asyncio.run(
            make_world(
                stack.config.public_url,
                users=args.users,
                seconds=args.seconds,
                warmup_s=args.warmup,
                spawn_rate=args.spawn_rate,
                max_requests=args.max_requests,
                seed=args.seed,
            )
        )
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
        plan_file, result_file = STACK_DIR / "plan.json", STACK_DIR / "result.json"
        plan.write(plan_file)
        print(f"{args.users} users for {args.seconds:g} s ...", flush=True)
        try:
            measured = _swarm(
                plan_file,
                result_file,
                args.users / args.spawn_rate + args.warmup + args.seconds + 180,
            )
        finally:
            plan_file.unlink(missing_ok=True)  # it holds live tokens
        dead = stack.failed()
        if dead is not None:
            raise RuntimeError(f"{dead} stopped during the run:\n{stack.log_tail(dead)}")
    missed = missed_targets(measured["operations"], TARGET_P95_MS)
    result: dict[str, Any] = {
        **measured,
        "target": {"errors": 0, "p95_ms_below": TARGET_P95_MS},
        "missed": missed,
        **run_facts(BenchOptions(scoring_workers=SCORING_WORKERS), load_before=load_before),
    }
    path = write_result(NAME, result)
    print(_table(measured["operations"]))
    print(
        f"{measured['requests']} requests ({measured['requests_per_s']}/s), "
        f"{measured['errors']} errors, {measured['users']} users, {measured['duration_s']} s"
    )
    print(f"written {path}")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
