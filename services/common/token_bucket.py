"""The arithmetic of rate limiting: one token bucket per client, no clock and no I/O.

A bucket holds at most ``burst`` tokens and gains ``per_s`` tokens a second; a request takes
one. A client may send ``burst`` requests at once and then ``per_s`` a second for as long as
it likes: the classic token bucket (the committed rate and burst of RFC 2697). Decision 0043
says why the limit lives in the services and how its figures were chosen.
"""

import math
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

# Buckets each process keeps. A client dropped to make room starts again with a full bucket
# (the limit errs towards letting a request through, never towards refusing one).
MAX_CLIENTS = 65_536


class RateLimit(BaseModel):
    """How much one client may ask of one service process."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    per_s: float = Field(gt=0, description="Requests a second, sustained")
    burst: int = Field(ge=1, description="Requests at once, after a quiet spell")


@dataclass(slots=True)
class Bucket:
    tokens: float
    updated: float  # seconds, on the caller's monotonic clock


def take(bucket: Bucket, limit: RateLimit, now: float) -> float:
    """Take one token for a request: 0.0 when granted, else the seconds until one will be
    there (the request is refused and takes nothing)."""
    elapsed = max(0.0, now - bucket.updated)
    tokens = min(float(limit.burst), bucket.tokens + elapsed * limit.per_s)
    bucket.updated = now
    if tokens >= 1.0:
        bucket.tokens = tokens - 1.0
        return 0.0
    bucket.tokens = tokens
    return (1.0 - tokens) / limit.per_s


def retry_after_s(wait_s: float) -> int:
    """``Retry-After`` is whole seconds (RFC 9110 §10.2.3): rounded up, at least 1."""
    return max(1, math.ceil(wait_s))


class Buckets:
    """Each client's bucket, by key; a new client starts full. When ``max_clients`` are
    held, the one that arrived first is dropped."""

    def __init__(self, max_clients: int = MAX_CLIENTS) -> None:
        self._buckets: dict[str, Bucket] = {}
        self._max = max_clients

    def take(self, key: str, limit: RateLimit, now: float) -> float:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max:
                del self._buckets[next(iter(self._buckets))]
            bucket = self._buckets[key] = Bucket(float(limit.burst), now)
        return take(bucket, limit, now)

    def __len__(self) -> int:
        return len(self._buckets)
