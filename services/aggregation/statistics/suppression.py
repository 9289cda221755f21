"""The NHS Digital small-number rule (HES/ECDS, September 2018) for one count."""

import math
from decimal import Decimal
from numbers import Integral

# Counts from 1 to DEFAULT_THRESHOLD - 1 are suppressed; Equitas's default T = 7.
DEFAULT_THRESHOLD = 8
ROUND_TO = 5


def whole_count(name: str, value: object) -> int:
    """A count as an int: negative, fractional, non-finite or non-numeric values are refused."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if isinstance(value, Integral):
        result = int(value)
    elif isinstance(value, float | Decimal):
        if not math.isfinite(value) or value != int(value):
            raise ValueError(f"{name} must be a whole number, not {value!r}")
        result = int(value)
    else:
        raise ValueError(f"{name} must be a whole number, not {type(value).__name__}")
    if result < 0:
        raise ValueError(f"{name} must be zero or more, not {result}")
    return result


def round_to_five(count: int) -> int:
    """5·round(x/5) for a whole count (never a half: x/5 ends in .0, .2, .4, .6 or .8)."""
    return ROUND_TO * ((count + ROUND_TO // 2) // ROUND_TO)


def suppress_count(count: int, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    """0 stays 0; 1 to threshold - 1 is suppressed (None); every other count is rounded to the
    nearest 5 (8 → 10, 16 → 15, 57 → 55)."""
    count = whole_count("count", count)
    threshold = whole_count("threshold", threshold)
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, not {threshold}")
    if count == 0:
        return 0
    if count < threshold:
        return None
    return round_to_five(count)
