"""Argument checks shared by the statistics functions: each refusal names the argument."""

import math
from functools import lru_cache
from numbers import Real

from scipy.stats import norm

# PHEindicatormethods accepts confidence between 0.9 and 1; Equitas gives it on one scale only
# (0.95, never 95) so that a percentage passed by mistake is refused, not silently rescaled.
LOWEST_CONFIDENCE = 0.9


def number(name: str, value: object) -> float:
    """A finite real number (bool refused: True is not a count)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number, not {type(value).__name__}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be a finite number, not {result}")
    return result


def non_negative(name: str, value: object) -> float:
    result = number(name, value)
    if result < 0:
        raise ValueError(f"{name} must be zero or more, not {result:g}")
    return result


def positive(name: str, value: object) -> float:
    result = number(name, value)
    if result <= 0:
        raise ValueError(f"{name} must be greater than zero, not {result:g}")
    return result


def confidence_level(value: object) -> float:
    result = number("confidence", value)
    if not LOWEST_CONFIDENCE <= result < 1:
        raise ValueError(
            f"confidence must be at least {LOWEST_CONFIDENCE} and below 1 (e.g. 0.95 or 0.998), "
            f"not {result:g}"
        )
    return result


# A summary computes thousands of intervals at one or two confidences: the quantile is
# worked out once per confidence (scipy's ppf costs ~0.1 ms a call).
@lru_cache(maxsize=64)
def z_value(confidence: float) -> float:
    """The two-sided normal quantile: 1.959964 at 0.95, 3.090232 at 0.998 (never 2 or 3)."""
    return float(norm.ppf(confidence + (1 - confidence) / 2))
