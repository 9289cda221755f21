"""``python -m benchmarks [--only NAME] [--seconds N]`` (``make bench``).

Starts the whole system once (clean bench databases), runs each benchmark, writes
``var/bench/<name>.json``, prints a table and stops the system. To add a benchmark, write a
module with ``run(context: BenchContext) -> dict`` and add one line to ``BENCHMARKS``.
A result may carry ``warnings``; one starting with ``INVALID RUN`` makes the exit code 1.
"""

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks import (
    aggregation_feed,
    aggregation_metrics,
    fhir_ingest,
    reports,
    scoring_submit,
    service_equity,
    spa_caseload,
    spa_hef,
)
from benchmarks.harness import BenchContext, BenchOptions, bench_stack, write_result

Benchmark = Callable[[BenchContext], dict[str, Any]]

BENCHMARKS: dict[str, Benchmark] = {
    "scoring_submit": scoring_submit.run,
    "fhir_ingest": fhir_ingest.run,
    "spa_hef": spa_hef.run,
    "spa_caseload": spa_caseload.run,
    "aggregation_feed": aggregation_feed.run,
    "aggregation_metrics": aggregation_metrics.run,
    "reports": reports.run,
    "service_equity": service_equity.run,
}


def _table(results: dict[str, dict[str, Any]]) -> str:
    rows: list[tuple[str, str, str]] = []
    for name, result in results.items():
        for key, value in result.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            rows.append((name, key, f"{value:,.3f}".rstrip("0").rstrip(".")))
    widths = [max(len(r[i]) for r in [("benchmark", "metric", "value"), *rows]) for i in range(3)]
    lines = [
        f"{'benchmark':<{widths[0]}}  {'metric':<{widths[1]}}  {'value':>{widths[2]}}",
        "  ".join("-" * w for w in widths),
    ]
    lines += [f"{n:<{widths[0]}}  {k:<{widths[1]}}  {v:>{widths[2]}}" for n, k, v in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--only", action="append", choices=sorted(BENCHMARKS), help="run only this (repeatable)"
    )
    parser.add_argument("--seconds", type=float, default=BenchOptions.seconds)
    parser.add_argument("--warmup", type=float, default=BenchOptions.warmup_seconds)
    parser.add_argument("--clients", type=int, default=BenchOptions.clients)
    parser.add_argument(
        "--rounds",
        type=int,
        default=BenchOptions.rounds,
        help="scoring_submit: measure floor and submit alternately this many times (median)",
    )
    parser.add_argument(
        "--round-seconds",
        type=float,
        default=BenchOptions.round_seconds,
        help="scoring_submit: length of each floor and each submit phase of a round",
    )
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator (auto: wrk, installed if missing, else asyncio)",
    )
    args = parser.parse_args(argv)
    if min(args.seconds, args.round_seconds) <= 0 or args.warmup < 0:
        parser.error("need --seconds > 0, --round-seconds > 0 and --warmup >= 0")
    if args.clients < 1 or args.rounds < 1:
        parser.error("need --clients >= 1 and --rounds >= 1")
    options = BenchOptions(
        seconds=args.seconds,
        warmup_seconds=args.warmup,
        clients=args.clients,
        client=args.client,
        rounds=args.rounds,
        round_seconds=args.round_seconds,
    )
    chosen = args.only or list(BENCHMARKS)
    results: dict[str, dict[str, Any]] = {}
    invalid = False
    print("Starting Equitas for benchmarks (clean bench databases) ...", flush=True)
    with bench_stack(options) as stack:
        context = BenchContext(stack, options)
        for number, name in enumerate(chosen):
            print(f"{name}:", flush=True)
            context.require_running()
            if number:
                print("  letting the previous benchmark's writes settle ...", flush=True)
                context.quiesce()
            result = BENCHMARKS[name](context)
            context.require_running()
            results[name] = result
            path = write_result(name, result)
            print(f"  written {path}", flush=True)
    print()
    print(_table(results))
    for name, result in results.items():
        for warning in result.get("warnings", []):
            loud = warning.startswith("INVALID RUN")
            invalid = invalid or loud
            banner = "!" * 78 if loud else ""
            print("\n".join(x for x in (banner, f"{name}: {warning}", banner) if x))
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
