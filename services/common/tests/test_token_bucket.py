"""The token bucket's arithmetic (rate limits per client, decision 0043)."""

import pytest
from pydantic import ValidationError

from services.common.token_bucket import Bucket, Buckets, RateLimit, retry_after_s, take

LIMIT = RateLimit(per_s=2, burst=3)


def test_a_new_client_may_send_its_burst_at_once_and_no_more() -> None:
    buckets = Buckets()
    assert [buckets.take("a", LIMIT, 100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a", LIMIT, 100.0) == pytest.approx(0.5)  # 1 token at 2 a second


def test_tokens_come_back_at_the_rate_and_never_beyond_the_burst() -> None:
    bucket = Bucket(tokens=0.0, updated=0.0)
    assert take(bucket, LIMIT, 0.25) == pytest.approx(0.25)  # half a token: wait 0.25 s
    assert take(bucket, LIMIT, 0.5) == 0.0  # one token at 0.5 s
    bucket = Bucket(tokens=0.0, updated=0.0)
    take(bucket, LIMIT, 3600.0)
    assert bucket.tokens == pytest.approx(2.0)  # full (3) less the one taken


def test_a_refused_request_takes_nothing() -> None:
    bucket = Bucket(tokens=0.5, updated=10.0)
    take(bucket, LIMIT, 10.0)
    take(bucket, LIMIT, 10.0)
    assert bucket.tokens == pytest.approx(0.5)


def test_a_clock_that_steps_back_adds_no_tokens() -> None:
    bucket = Bucket(tokens=0.0, updated=10.0)
    assert take(bucket, LIMIT, 5.0) == pytest.approx(0.5)
    assert bucket.tokens == 0.0


def test_clients_have_buckets_of_their_own() -> None:
    buckets = Buckets()
    for _ in range(3):
        buckets.take("a", LIMIT, 0.0)
    assert buckets.take("a", LIMIT, 0.0) > 0
    assert buckets.take("b", LIMIT, 0.0) == 0.0


def test_when_full_the_first_client_held_is_dropped_and_starts_again_full() -> None:
    buckets = Buckets(max_clients=2)
    for key in ("a", "a", "a", "b", "c"):
        buckets.take(key, LIMIT, 0.0)
    assert len(buckets) == 2
    assert buckets.take("a", LIMIT, 0.0) == 0.0  # "a" was dropped for "c"


@pytest.mark.parametrize(
    ("wait_s", "header"), [(0.001, 1), (0.5, 1), (1.0, 1), (1.01, 2), (59.2, 60)]
)
def test_retry_after_is_whole_seconds_rounded_up(wait_s: float, header: int) -> None:
    assert retry_after_s(wait_s) == header


@pytest.mark.parametrize(
    ("value", "field"),
    [({"per_s": 0, "burst": 1}, "per_s"), ({"per_s": 1, "burst": 0}, "burst")],
)
def test_a_limit_must_let_something_through(value: dict[str, float], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        RateLimit.model_validate(value)
    assert [e["loc"] for e in raised.value.errors()] == [(field,)]
    assert raised.value.errors()[0]["msg"].startswith("Input should be greater than")
