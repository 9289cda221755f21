"""Funnel limits and significance, against PHEindicatormethods' sigma_adjustment (the Wilson
interval inverted, solved as a quadratic) written out here."""

import math

import pytest
from scipy import stats

from services.aggregation.statistics import funnel_limits, funnel_significance


def inverted_wilson(probability: float, n: float, average: float, side: str) -> float:
    """The proportion at which a unit of size n's Wilson limit touches the average."""
    q = stats.norm.ppf(probability) ** 2
    first = average * (n / q + 1)
    root = math.sqrt(
        (-8 * average * (n / q + 1)) ** 2
        - 64 * (1 / q + 1 / n) * average * (n * (average * (n / q + 2) - 1) + q * (average - 1))
    )
    last = 1 / q + 1 / n
    return ((first - root / 8) if side == "low" else (first + root / 8)) / last / n


@pytest.mark.parametrize(("baseline", "n"), [(0.3, 50), (0.9, 1000), (0.5, 7), (0.62, 15232)])
@pytest.mark.parametrize(("confidence", "probability"), [(0.95, 0.975), (0.998, 0.999)])
def test_limits_invert_the_wilson_interval(
    baseline: float, n: float, confidence: float, probability: float
) -> None:
    lower, upper = funnel_limits(baseline, n, confidence)
    assert lower == pytest.approx(max(0, inverted_wilson(probability, n, baseline, "low")))
    assert upper == pytest.approx(min(1, inverted_wilson(probability, n, baseline, "high")))


def test_limits_are_clamped_to_zero_and_one() -> None:
    assert funnel_limits(0.02, 10, 0.998)[0] == 0.0
    assert funnel_limits(0.98, 10, 0.998)[1] == 1.0


def classify(x: int, n: int, baseline: float) -> str:
    p = x / n
    if p < inverted_wilson(0.999, n, baseline, "low"):
        return "Low (0.001)"
    if p < inverted_wilson(0.975, n, baseline, "low"):
        return "Low (0.025)"
    if p > inverted_wilson(0.999, n, baseline, "high"):
        return "High (0.001)"
    if p > inverted_wilson(0.975, n, baseline, "high"):
        return "High (0.025)"
    return "Not significant"


def test_significance_of_the_package_example() -> None:
    # phe_funnel_significance's documented example areas.
    numerators = [10232, 12321, 15123, 13213]
    denominators = [15232, 16123, 17932, 18475]
    baseline = sum(numerators) / sum(denominators)
    labels = [
        funnel_significance(x, n, baseline) for x, n in zip(numerators, denominators, strict=True)
    ]
    assert labels == [
        classify(x, n, baseline) for x, n in zip(numerators, denominators, strict=True)
    ]
    assert labels == ["Low (0.001)", "High (0.001)", "High (0.001)", "Low (0.001)"]


@pytest.mark.parametrize("x", range(0, 41))
def test_every_band_is_reached_in_order(x: int) -> None:
    assert funnel_significance(x, 40, 0.5) == classify(x, 40, 0.5)


def test_bands_at_a_glance() -> None:
    labels = {funnel_significance(x, 40, 0.5) for x in range(41)}
    assert labels == {
        "Low (0.001)",
        "Low (0.025)",
        "Not significant",
        "High (0.025)",
        "High (0.001)",
    }


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="baseline"):
        funnel_limits(1.5, 10, 0.95)
    with pytest.raises(ValueError, match="n must be greater than zero"):
        funnel_limits(0.5, 0, 0.95)
    with pytest.raises(ValueError, match="must not exceed"):
        funnel_significance(11, 10, 0.5)
