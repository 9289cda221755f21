"""Wilson, Byar's, exact Poisson, t means and the small-number rule, each checked against values
worked out here another way (statsmodels, scipy's gamma and t, Wilson-Hilferty, hand tables)."""

import math
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from services.aggregation.statistics import (
    Estimate,
    byars,
    mean,
    mean_from_summary,
    rate,
    suppress_count,
    wilson,
)
from services.aggregation.statistics._checks import z_value


def test_z_is_the_exact_normal_quantile_never_2_or_3() -> None:
    # The reference's quoted values.
    assert z_value(0.95) == pytest.approx(1.959964, abs=5e-7)
    assert z_value(0.998) == pytest.approx(3.090232, abs=5e-7)


@pytest.mark.parametrize(
    ("x", "n"),
    [(0, 10), (1, 1), (3, 10), (10, 10), (45, 120), (177, 180), (1, 100000), (5000, 9999)],
)
@pytest.mark.parametrize("confidence", [0.95, 0.998, 0.9])
def test_wilson_matches_statsmodels(x: int, n: int, confidence: float) -> None:
    lower, upper = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    result = wilson(x, n, confidence=confidence, multiplier=100)
    assert result.value == pytest.approx(100 * x / n, rel=1e-12)
    assert result.lower == pytest.approx(100 * lower, rel=1e-9, abs=1e-12)
    assert result.upper == pytest.approx(100 * upper, rel=1e-9, abs=1e-12)
    assert result.method == "Wilson"
    assert result.confidence == confidence


def test_wilson_limits_are_exact_at_the_ends() -> None:
    assert wilson(0, 37).lower == 0.0
    assert wilson(37, 37).upper == 1.0


def test_wilson_by_its_score_definition() -> None:
    # The Wilson interval is every p whose score test |p̂ - p| <= z sqrt(p(1-p)/n) accepts.
    x, n = 17, 60
    result = wilson(x, n)
    z = stats.norm.ppf(0.975)
    for bound in (result.lower, result.upper):
        assert abs(x / n - bound) == pytest.approx(z * math.sqrt(bound * (1 - bound) / n))


@pytest.mark.parametrize(
    ("x", "n", "message"),
    [
        (1, 0, "n must be greater than zero"),
        (5, 4, "x \\(5\\) must not exceed n \\(4\\)"),
        (-1, 4, "x must be zero or more"),
        (1, -4, "n must be greater than zero"),
        (float("nan"), 4, "x must be a finite number"),
    ],
)
def test_wilson_refuses_bad_arguments(x: float, n: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wilson(x, n)


@pytest.mark.parametrize("confidence", [95, 1.0, 0.5, 0])
def test_confidence_on_one_scale_only(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        wilson(1, 2, confidence=confidence)


def wilson_hilferty(df: float, probability: float) -> float:
    """Wilson-Hilferty's chi-square quantile: Byar's limits are half of it at 2x and 2x + 2."""
    z = stats.norm.ppf(probability)
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


@pytest.mark.parametrize("x", [1, 4, 10, 11, 57, 250, 10000])
@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_byars_is_wilson_hilferty_on_twice_the_count(x: int, confidence: float) -> None:
    alpha = 1 - confidence
    lower, upper = byars(x, confidence)
    assert lower == pytest.approx(max(0.0, wilson_hilferty(2 * x, alpha / 2) / 2), rel=1e-10)
    assert upper == pytest.approx(wilson_hilferty(2 * x + 2, 1 - alpha / 2) / 2, rel=1e-10)


def test_byars_is_close_to_exact_for_large_counts() -> None:
    lower, upper = byars(400)
    assert lower == pytest.approx(stats.gamma.ppf(0.025, 400), rel=1e-3)
    assert upper == pytest.approx(stats.gamma.ppf(0.975, 401), rel=1e-3)


def test_byars_lower_is_zero_for_no_events() -> None:
    lower, upper = byars(0)
    assert lower == 0.0
    assert upper == pytest.approx(wilson_hilferty(2, 0.975) / 2)


@pytest.mark.parametrize("x", [0, 1, 2, 5, 9])
@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_rate_is_exact_poisson_below_ten_events(x: int, confidence: float) -> None:
    # Exact limits via the gamma distribution (the chi-square's other face).
    n, multiplier = 2345.0, 1000
    alpha = 1 - confidence
    result = rate(x, n, multiplier=multiplier, confidence=confidence)
    expected_lower = 0.0 if x == 0 else stats.gamma.ppf(alpha / 2, x)
    assert result.method == "Exact"
    assert result.value == pytest.approx(x / n * multiplier)
    assert result.lower == pytest.approx(expected_lower / n * multiplier, rel=1e-9, abs=1e-15)
    assert result.upper == pytest.approx(
        stats.gamma.ppf(1 - alpha / 2, x + 1) / n * multiplier, rel=1e-9
    )


def test_exact_limits_by_their_definition() -> None:
    # P(X >= x | lower) = alpha/2 and P(X <= x | upper) = alpha/2.
    result = rate(7, 1, multiplier=1)
    assert stats.poisson.sf(6, result.lower) == pytest.approx(0.025, rel=1e-7)
    assert stats.poisson.cdf(7, result.upper) == pytest.approx(0.025, rel=1e-7)


@pytest.mark.parametrize("x", [10, 11, 99, 12345])
def test_rate_is_byars_from_ten_events(x: int) -> None:
    n = 50000.0
    result = rate(x, n)
    assert result.method == "Byars"
    assert result.value == pytest.approx(x / n * 100000)
    assert result.lower == pytest.approx(wilson_hilferty(2 * x, 0.025) / 2 / n * 100000)
    assert result.upper == pytest.approx(wilson_hilferty(2 * x + 2, 0.975) / 2 / n * 100000)


def test_rate_refuses_a_zero_denominator_and_negative_counts() -> None:
    with pytest.raises(ValueError, match="n must be greater than zero"):
        rate(3, 0)
    with pytest.raises(ValueError, match="x must be zero or more"):
        rate(-3, 10)


@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_mean_matches_scipy_and_statsmodels(confidence: float) -> None:
    values = [3.0, 7.5, 2.25, 9.0, 4.0, 4.0, 11.5, 0.0]
    lower, upper = stats.t.interval(
        confidence,
        len(values) - 1,
        loc=np.mean(values),
        scale=stats.sem(values),  # sample SD (ddof 1) / sqrt(k)
    )
    result = mean(values, confidence)
    assert result == Estimate(
        value=pytest.approx(np.mean(values)),  # type: ignore[arg-type]
        lower=pytest.approx(lower),  # type: ignore[arg-type]
        upper=pytest.approx(upper),  # type: ignore[arg-type]
        confidence=confidence,
        method="Student's t",
    )
    sm_lower, sm_upper = DescrStatsW(np.array(values)).tconfint_mean(alpha=1 - confidence)
    assert (result.lower, result.upper) == pytest.approx((sm_lower, sm_upper))


def test_mean_from_summary_agrees_with_mean() -> None:
    values = [1.0, 2.0, 2.0, 5.0, 8.0]
    direct = mean(values)
    summary = mean_from_summary(5, float(np.mean(values)), float(np.std(values, ddof=1)))
    assert (summary.lower, summary.upper) == pytest.approx((direct.lower, direct.upper))


def test_mean_needs_two_values() -> None:
    with pytest.raises(ValueError, match="at least 2 values"):
        mean([4.0])
    with pytest.raises(ValueError, match="at least 2 values"):
        mean_from_summary(1, 4.0, 0.0)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, 0),
        (1, None),
        (7, None),
        (8, 10),  # the reference's worked cases
        (16, 15),
        (57, 55),
        (12, 10),
        (13, 15),
        (100, 100),
        (102, 100),
        (103, 105),
        (8.0, 10),
        (Decimal(57), 55),
        (np.int64(16), 15),
    ],
)
def test_nhs_digital_small_number_rule(count: int, expected: int | None) -> None:
    assert suppress_count(count) == expected


def test_threshold_is_configurable() -> None:
    assert suppress_count(5, threshold=6) is None
    assert suppress_count(6, threshold=6) == 5
    assert suppress_count(1, threshold=1) == 0  # 1 rounds to the nearest 5


@pytest.mark.parametrize("count", [-1, 2.5, "7", None, True, float("inf"), Decimal("7.5")])
def test_bad_counts_are_refused_never_rounded(count: object) -> None:
    with pytest.raises(ValueError, match="count"):
        suppress_count(count)  # type: ignore[arg-type]
