"""Point estimates with confidence intervals, as PHEindicatormethods computes them.

Wilson score for proportions (`wilson_lower`/`wilson_upper`), Byar's method with exact Poisson
limits below 10 events for rates (`phe_rate`, `byars_lower`/`byars_upper`), Student's t for means
(`phe_mean`). See docs/statistics.md.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from scipy.stats import chi2
from scipy.stats import t as student_t

from services.aggregation.statistics._checks import (
    confidence_level,
    non_negative,
    number,
    positive,
    z_value,
)

# phe_rate switches from exact Poisson to Byar's at this many events, and never to a normal
# approximation.
BYARS_FROM_EVENTS = 10

WILSON = "Wilson"
EXACT = "Exact"
BYARS = "Byars"
STUDENTS_T = "Student's t"


@dataclass(frozen=True, slots=True)
class Estimate:
    """A value with its confidence interval, the confidence and the method that produced it."""

    value: float
    lower: float
    upper: float
    confidence: float
    method: str


def wilson(x: float, n: float, confidence: float = 0.95, multiplier: float = 1) -> Estimate:
    """Proportion x/n with the Wilson score interval, all three times `multiplier`.

    LCL/UCL = (2x + z² -+ z·√(z² + 4x(1 - x/n))) / (2(n + z²)); the lower limit is exactly 0 when
    x = 0 and the upper exactly 1 when x = n.
    """
    x = non_negative("x", x)
    n = positive("n", n)
    if x > n:
        raise ValueError(f"x ({x:g}) must not exceed n ({n:g})")
    confidence = confidence_level(confidence)
    multiplier = number("multiplier", multiplier)
    z = z_value(confidence)
    spread = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    denominator = 2 * (n + z * z)
    lower = 0.0 if x == 0 else (2 * x + z * z - spread) / denominator
    upper = 1.0 if x == n else (2 * x + z * z + spread) / denominator
    return Estimate(
        value=x / n * multiplier,
        lower=lower * multiplier,
        upper=upper * multiplier,
        confidence=confidence,
        method=WILSON,
    )


def byars(x: float, confidence: float = 0.95) -> tuple[float, float]:
    """Byar's approximate confidence limits for an observed count x (Breslow & Day 1987).

    O_L = x(1 - 1/(9x) - z/(3√x))³ and O_U = (x+1)(1 - 1/(9(x+1)) + z/(3√(x+1)))³. The lower
    limit is 0 where the formula has no value (x = 0) or falls below zero (tiny x at very high
    confidence, where PHEindicatormethods gives NA): use `rate`, which is exact there.
    """
    x = non_negative("x", x)
    confidence = confidence_level(confidence)
    z = z_value(confidence)
    lower = 0.0
    if x > 0:
        lower = max(0.0, x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3)
    x1 = x + 1
    upper = x1 * (1 - 1 / (9 * x1) + z / (3 * math.sqrt(x1))) ** 3
    return lower, upper


def exact_poisson(x: float, confidence: float = 0.95) -> tuple[float, float]:
    """Exact Poisson limits for a count x from chi-square quantiles (0 below when x = 0)."""
    x = non_negative("x", x)
    confidence = confidence_level(confidence)
    alpha = 1 - confidence
    lower = 0.0 if x == 0 else float(chi2.ppf(alpha / 2, 2 * x)) / 2
    upper = float(chi2.ppf(1 - alpha / 2, 2 * x + 2)) / 2
    return lower, upper


def rate(x: float, n: float, multiplier: float = 100000, confidence: float = 0.95) -> Estimate:
    """Rate x/n x multiplier: exact Poisson limits when x < 10 (method "Exact"), else Byar's."""
    x = non_negative("x", x)
    n = positive("n", n)
    multiplier = number("multiplier", multiplier)
    confidence = confidence_level(confidence)
    if x < BYARS_FROM_EVENTS:
        lower, upper = exact_poisson(x, confidence)
        method = EXACT
    else:
        lower, upper = byars(x, confidence)
        method = BYARS
    return Estimate(
        value=x / n * multiplier,
        lower=lower / n * multiplier,
        upper=upper / n * multiplier,
        confidence=confidence,
        method=method,
    )


@lru_cache(maxsize=4096)
def _t_quantile(confidence: float, degrees_of_freedom: int) -> float:
    """Student's t two-sided quantile, once per (confidence, df): summaries ask thousands."""
    return float(student_t.ppf(confidence + (1 - confidence) / 2, degrees_of_freedom))


def mean_from_summary(count: int, mean: float, sd: float, confidence: float = 0.95) -> Estimate:
    """The t interval from a count, mean and sample SD (k - 1), e.g. SQL's avg and stddev_samp."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError(f"count must be a whole number, not {count!r}")
    if count < 2:
        raise ValueError(f"a mean's confidence interval needs at least 2 values, not {count}")
    mean = number("mean", mean)
    sd = non_negative("sd", sd)
    confidence = confidence_level(confidence)
    half_width = _t_quantile(confidence, count - 1) * sd
    half_width /= math.sqrt(count)
    return Estimate(
        value=mean,
        lower=mean - half_width,
        upper=mean + half_width,
        confidence=confidence,
        method=STUDENTS_T,
    )


def mean(values: Iterable[float], confidence: float = 0.95) -> Estimate:
    """Mean with mean ± t(k-1, 1-alpha/2) · s/√k, s the sample SD (k - 1 denominator)."""
    numbers = [number("values", value) for value in values]
    if len(numbers) < 2:
        raise ValueError(
            f"a mean's confidence interval needs at least 2 values, not {len(numbers)}"
        )
    k = len(numbers)
    average = math.fsum(numbers) / k
    variance = math.fsum((value - average) ** 2 for value in numbers) / (k - 1)
    return mean_from_summary(k, average, math.sqrt(variance), confidence)
