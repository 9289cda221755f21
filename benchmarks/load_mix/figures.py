"""Per-operation figures of a load run: count, errors and latency percentiles (pure).

Percentiles are nearest-rank over every answered request (no buckets, no interpolation):
p95 is the smallest latency that at least 95 % of the requests did not exceed. Requests
that failed count in ``count`` and ``errors``; their latencies count too (a slow 503 is
as slow as a slow 200).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PERCENTILES = (50, 95, 99)


def nearest_rank(ordered: Sequence[float], percent: float) -> float:
    """The nearest-rank percentile of ``ordered`` (sorted ascending, not empty)."""
    if not ordered:
        raise ValueError("no latencies")
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in (0, 100], got {percent}")
    rank = math.ceil(percent / 100 * len(ordered))
    return ordered[rank - 1]


@dataclass
class Operation:
    """What one named operation saw during the measured window."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    # Why requests failed (status or exception, shortened) and how often.
    error_kinds: dict[str, int] = field(default_factory=dict)

    def record(self, latency_ms: float, error: str | None) -> None:
        self.latencies_ms.append(latency_ms)
        if error is not None:
            self.errors += 1
            kind = error[:160]
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def figures(self, duration_s: float) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)
        out: dict[str, Any] = {
            "count": len(ordered),
            "errors": self.errors,
            "per_s": round(len(ordered) / duration_s, 2) if duration_s > 0 else 0.0,
        }
        for p in PERCENTILES:
            out[f"p{p}_ms"] = round(nearest_rank(ordered, p), 1) if ordered else None
        out["max_ms"] = round(ordered[-1], 1) if ordered else None
        if self.error_kinds:
            out["error_kinds"] = dict(sorted(self.error_kinds.items(), key=lambda kv: -kv[1]))
        return out


def summary(operations: Mapping[str, Operation], duration_s: float) -> dict[str, Any]:
    """Totals and each operation's figures, operations in name order."""
    figures = {name: operations[name].figures(duration_s) for name in sorted(operations)}
    requests = sum(f["count"] for f in figures.values())
    return {
        "requests": requests,
        "errors": sum(f["errors"] for f in figures.values()),
        "requests_per_s": round(requests / duration_s, 2) if duration_s > 0 else 0.0,
        "operations": figures,
    }


def missed_targets(operations: Mapping[str, Mapping[str, Any]], p95_ms: float) -> list[str]:
    """Each way the run missed its targets: any error, any operation's p95 at or over
    ``p95_ms``, any operation that never ran."""
    missed: list[str] = []
    for name, figures in operations.items():
        if figures["count"] == 0:
            missed.append(f"{name}: never ran")
            continue
        if figures["errors"]:
            missed.append(f"{name}: {figures['errors']} errors")
        if figures["p95_ms"] >= p95_ms:
            missed.append(f"{name}: p95 {figures['p95_ms']} ms (target < {p95_ms:g} ms)")
    return missed
