"""BI access tokens: their shape, their hash and their longest life."""

from datetime import UTC, datetime

from services.aggregation.bi import tokens


def test_a_minted_token_is_prefixed_random_and_stored_only_as_a_hash() -> None:
    first, second = tokens.mint(), tokens.mint()
    assert first.token.startswith("eqbi_" + first.id + "_")
    assert first.token != second.token
    assert first.id != second.id
    parts = tokens.split(first.token)
    assert parts is not None
    token_id, secret = parts
    assert token_id == first.id
    assert len(secret) == 43  # 256 bits
    assert secret.encode() not in first.secret_hash
    assert tokens.secret_matches(secret, first.secret_hash)
    other_last = "B" if secret.endswith("A") else "A"  # one secret in 64 ends in "A" already
    assert not tokens.secret_matches(secret[:-1] + other_last, first.secret_hash)


def test_only_our_shape_is_ours() -> None:
    assert tokens.is_ours("eqbi_x")
    assert not tokens.is_ours("eyJhbGciOiJSUzI1NiJ9.e30.x")
    for malformed in ("eqbi_", "eqbi_abc_def", "eqbi_ABCDEFGHIJKL_" + "a" * 43,
                      "eqbi_abcdefghijkl_" + "a" * 42, "eqbi_abcdefghijkl_" + "a" * 43 + "\n"):  # fmt: skip
        assert tokens.split(malformed) is None


def test_twelve_months_at_most() -> None:
    assert tokens.latest_expiry(datetime(2026, 3, 15, 9, 30, tzinfo=UTC)) == datetime(
        2027, 3, 15, 9, 30, tzinfo=UTC
    )
    # 29 February has no twin the next year: the last day of February.
    assert tokens.latest_expiry(datetime(2028, 2, 29, tzinfo=UTC)) == datetime(
        2029, 2, 28, tzinfo=UTC
    )
    assert tokens.add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(
        2026, 2, 28, tzinfo=UTC
    )
