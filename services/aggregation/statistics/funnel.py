"""Funnel-plot control limits and significance for proportions (PHEindicatormethods
`phe_funnels` / `phe_funnel_significance`, Fingertips technical guidance)."""

import math

from services.aggregation.statistics._checks import (
    confidence_level,
    non_negative,
    number,
    positive,
    z_value,
)

# The two funnels Fingertips draws: 95% (0.025 in each tail) and 99.8% (0.001 in each tail).
INNER = 0.95
OUTER = 0.998

LOW_OUTER = "Low (0.001)"
LOW_INNER = "Low (0.025)"
NOT_SIGNIFICANT = "Not significant"
HIGH_INNER = "High (0.025)"
HIGH_OUTER = "High (0.001)"


def funnel_limits(baseline: float, n: float, confidence: float) -> tuple[float, float]:
    """Limits for a unit of size n around the baseline proportion p0 (Σx/Σn over the units).

    p0 ± z·√(p0(1 - p0)/n) clamped to [0, 1]: the baseline's own variance, which equals
    inverting the Wilson interval (PHEindicatormethods' `sigma_adjustment`).
    """
    baseline = number("baseline", baseline)
    if not 0 <= baseline <= 1:
        raise ValueError(f"baseline must be a proportion between 0 and 1, not {baseline:g}")
    n = positive("n", n)
    z = z_value(confidence_level(confidence))
    half_width = z * math.sqrt(baseline * (1 - baseline) / n)
    return max(0.0, baseline - half_width), min(1.0, baseline + half_width)


def funnel_significance(x: float, n: float, baseline: float) -> str:
    """Where x/n falls against the baseline's 99.8% and 95% funnels (strictly outside counts)."""
    x = non_negative("x", x)
    n = positive("n", n)
    if x > n:
        raise ValueError(f"x ({x:g}) must not exceed n ({n:g})")
    proportion = x / n
    outer_low, outer_high = funnel_limits(baseline, n, OUTER)
    inner_low, inner_high = funnel_limits(baseline, n, INNER)
    if proportion < outer_low:
        return LOW_OUTER
    if proportion < inner_low:
        return LOW_INNER
    if proportion > outer_high:
        return HIGH_OUTER
    if proportion > inner_high:
        return HIGH_INNER
    return NOT_SIGNIFICANT
