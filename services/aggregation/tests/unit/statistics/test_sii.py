"""SII and RII: point estimates against statsmodels' weighted least squares (to 1e-9), limits
against the exact normal interval of a linear estimator (within a few per cent), seeded."""

import math
from typing import Any

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from services.aggregation.statistics import sii

# phe_sii's documented example: life expectancy by decile in two areas (value_type 0, se given).
POPULATION = [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534]
VALUE = [75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3]
LOWER = [72.7, 75.3, 80.9, 80.2, 77.1, 78, 79, 81.4, 75.8, 83.2]
UPPER = [79.1, 81.4, 86.8, 87.1, 83.8, 84.2, 84.4, 86.9, 85.4, 89.4]
SE = [1.64, 1.58, 1.51, 1.78, 1.7, 1.56, 1.37, 1.4, 2.43, 1.57]


def deciles(**columns: list[float]) -> list[dict[str, Any]]:
    return [
        {"quantile": decile, "population": POPULATION[decile - 1]}
        | {name: values[decile - 1] for name, values in columns.items()}
        for decile in range(1, 11)
    ]


def wls(values: list[float], population: list[float]) -> tuple[float, float]:
    """Intercept and slope of WLS of value on the cumulative-midpoint rank, weights = shares."""
    share = np.array(population) / sum(population)
    rank = np.cumsum(share) - share / 2
    fit = sm.WLS(np.array(values), sm.add_constant(rank), weights=share).fit()
    return float(fit.params[0]), float(fit.params[1])


def slope_sd(se: list[float], population: list[float]) -> float:
    """The SII is a fixed linear combination of the values: its SD, written as weighted
    regression's slope weights a_i (b_i - b̄) / Σ a_j (b_j - b̄)²."""
    share = np.array(population) / sum(population)
    rank = np.cumsum(share) - share / 2
    centred = rank - np.sum(share * rank)
    weights = share * centred / np.sum(share * centred**2)
    return float(np.sqrt(np.sum(weights**2 * np.array(se) ** 2)))


def test_relative_rank_is_the_cumulative_midpoint() -> None:
    # The reference's example: a first quantile holding 12% of the population has rank 0.06.
    population = [12, 10, 30, 28, 20]
    share = np.array(population) / 100
    rank = np.cumsum(share) - share / 2
    assert rank[0] == pytest.approx(0.06)
    assert rank[1] == pytest.approx(0.17)
    intercept, slope = wls([1, 2, 3, 4, 5], population)
    result = sii(
        [
            {"quantile": i + 1, "population": p, "value": i + 1.0, "se": 0.1}
            for i, p in enumerate(population)
        ],
        repetitions=1000,
        seed=1,
    )
    assert (result.intercept, result.sii) == pytest.approx((intercept, slope), abs=1e-9)


def test_indicator_with_standard_errors() -> None:
    intercept, slope = wls(VALUE, POPULATION)
    result = sii(deciles(value=VALUE, se=SE), seed=20261207)
    assert result.sii == pytest.approx(slope, abs=1e-9)
    assert result.intercept == pytest.approx(intercept, abs=1e-9)
    assert result.rii == pytest.approx((intercept + slope) / intercept, abs=1e-9)
    half = stats.norm.ppf(0.975) * slope_sd(SE, POPULATION)
    assert result.sii_lower == pytest.approx(slope - half, rel=0.03)
    assert result.sii_upper == pytest.approx(slope + half, rel=0.03)
    assert result.rii_lower < result.rii < result.rii_upper
    assert result.method == "simulation 100000 reps"


def test_limits_from_confidence_limits_match_limits_from_se() -> None:
    se_from_limits = [
        (u - lo) / 2 / stats.norm.ppf(0.975) for lo, u in zip(LOWER, UPPER, strict=True)
    ]
    result = sii(deciles(value=VALUE, lower_cl=LOWER, upper_cl=UPPER), seed=3)
    slope = wls(VALUE, POPULATION)[1]
    half = stats.norm.ppf(0.975) * slope_sd(se_from_limits, POPULATION)
    assert (result.sii_lower, result.sii_upper) == pytest.approx(
        (slope - half, slope + half), rel=0.03
    )


def test_the_same_seed_gives_the_same_limits_and_order_does_not_matter() -> None:
    rows = deciles(value=VALUE, se=SE)
    first = sii(rows, repetitions=5000, seed=11)
    again = sii(list(reversed(rows)), repetitions=5000, seed=11)
    assert first == again


def test_higher_confidence_widens_the_interval() -> None:
    narrow = sii(deciles(value=VALUE, se=SE), repetitions=20000, seed=5)
    wide = sii(deciles(value=VALUE, se=SE), confidence=0.998, repetitions=20000, seed=5)
    half = stats.norm.ppf(0.999) * slope_sd(SE, POPULATION)
    assert wide.sii_upper - wide.sii_lower > narrow.sii_upper - narrow.sii_lower
    assert wide.sii_upper - wide.sii_lower == pytest.approx(2 * half, rel=0.05)


def test_negative_multiplier_flips_polarity_and_inverts_rii() -> None:
    plain = sii(deciles(value=VALUE, se=SE), repetitions=10000, seed=8)
    flipped = sii(deciles(value=VALUE, se=SE), multiplier=-1, repetitions=10000, seed=8)
    assert flipped.sii == pytest.approx(-plain.sii)
    assert flipped.rii == pytest.approx(1 / plain.rii)
    # The same draws, negated: the order statistics at the package's positions are neighbours.
    assert flipped.sii_lower == pytest.approx(-plain.sii_upper, rel=1e-2)
    assert flipped.sii_upper == pytest.approx(-plain.sii_lower, rel=1e-2)


def test_proportion_without_transform_fits_the_proportions() -> None:
    events = [40, 45, 52, 60, 61, 70, 72, 80, 85, 90]
    rows = [
        {"quantile": q, "population": p, "x": x, "lower_cl": 0, "upper_cl": 0}
        for q, p, x in zip(range(1, 11), POPULATION, events, strict=True)
    ]
    for row in rows:
        lower, upper = stats.binomtest(row["x"], row["population"]).proportion_ci(method="wilson")
        row["lower_cl"], row["upper_cl"] = lower, upper
    proportions = [x / p for x, p in zip(events, POPULATION, strict=True)]
    intercept, slope = wls(proportions, POPULATION)
    result = sii(rows, value_type=2, multiplier=100, repetitions=20000, seed=2)
    assert result.sii == pytest.approx(100 * slope, abs=1e-9)
    assert result.intercept == pytest.approx(intercept, abs=1e-12)
    assert result.sii_lower < result.sii < result.sii_upper


def test_rate_with_log_transform_back_transforms_the_fitted_ends() -> None:
    rates = [950.0, 900.0, 860.0, 800.0, 760.0, 700.0, 690.0, 640.0, 600.0, 580.0]
    lower = [r * 0.9 for r in rates]
    upper = [r * 1.1 for r in rates]
    intercept, slope = wls([math.log(r) for r in rates], POPULATION)
    result = sii(
        deciles(value=rates, lower_cl=lower, upper_cl=upper),
        value_type=1,
        transform=True,
        repetitions=20000,
        seed=4,
    )
    at_zero, at_one = math.exp(intercept), math.exp(intercept + slope)
    assert result.sii == pytest.approx(at_one - at_zero, abs=1e-9)
    assert result.rii == pytest.approx(at_one / at_zero, abs=1e-12)
    assert result.intercept == pytest.approx(at_zero, abs=1e-9)
    assert result.sii_lower < result.sii < result.sii_upper
    assert result.rii_lower < result.rii < result.rii_upper
    # On the log scale the slope is linear in the values: its limits, back-transformed about the
    # fitted midpoint, are the RII limits.
    se_log = [
        (math.log(u) - math.log(lo)) / 2 / stats.norm.ppf(0.975)
        for lo, u in zip(lower, upper, strict=True)
    ]
    half = stats.norm.ppf(0.975) * slope_sd(se_log, POPULATION)
    assert result.rii_lower == pytest.approx(math.exp(slope - half), rel=0.03)
    assert result.rii_upper == pytest.approx(math.exp(slope + half), rel=0.03)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value_type": 3}, "value_type"),
        ({"transform": True}, "transform applies to rates"),
        ({"repetitions": 999}, "repetitions must be at least 1000"),
        ({"confidence": 95}, "confidence"),
        ({"multiplier": 0}, "multiplier"),
    ],
)
def test_bad_arguments(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sii(deciles(value=VALUE, se=SE), **change)


def test_bad_quantiles() -> None:
    rows = deciles(value=VALUE, se=SE)
    with pytest.raises(ValueError, match="between 5 and 100"):
        sii(rows[:4])
    with pytest.raises(ValueError, match="population of quantile 1 must be greater than zero"):
        sii([rows[0] | {"population": 0}, *rows[1:]])
    with pytest.raises(ValueError, match="needs se, or lower_cl and upper_cl"):
        sii([{"quantile": 1, "population": 5, "value": 1.0}, *rows[1:]])
    with pytest.raises(ValueError, match="each quantile label must appear once"):
        sii([*rows, rows[0]])
    with pytest.raises(ValueError, match="lower_cl and upper_cl, not se"):
        sii(deciles(value=VALUE, se=SE), value_type=1, transform=True)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        sii(deciles(value=[0.5] * 9 + [1.0], se=SE), value_type=2)
