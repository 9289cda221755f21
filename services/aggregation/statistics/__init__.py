"""Equitas's statistics: pure functions (no I/O) that agree with PHE Fingertips.

Names and arguments follow PHEindicatormethods; methods and references are in
docs/statistics.md. Confidence is a fraction (0.95 or 0.998, never 95); bad arguments (n = 0,
x > n, negative or non-finite numbers, confidence outside [0.9, 1)) raise ValueError naming the
argument.

- ``wilson(x, n, confidence=0.95, multiplier=1) -> Estimate``: proportion, Wilson score limits.
- ``byars(x, confidence=0.95) -> (lower, upper)``: Byar's limits for a count.
- ``rate(x, n, multiplier=100000, confidence=0.95) -> Estimate``: ``.method`` "Exact"
  (chi-square limits, x < 10) or "Byars".
- ``mean(values, confidence=0.95) -> Estimate``: Student's t; ``mean_from_summary(count, mean,
  sd, confidence)`` does the same from SQL's count, avg and stddev_samp.
- ``sii(quantiles, value_type=0, transform=False, multiplier=1, confidence=0.95,
  repetitions=100000, seed=None) -> SiiResult``: slope and relative index of inequality with
  simulated limits; each quantile a mapping with ``quantile, population, value`` and either
  ``se`` or 95% ``lower_cl, upper_cl``.
- ``funnel_limits(baseline, n, confidence) -> (lower, upper)`` on the proportion scale, and
  ``funnel_significance(x, n, baseline)`` -> "Low (0.001)", "Low (0.025)", "Not significant",
  "High (0.025)" or "High (0.001)".
- ``suppress_count(count, threshold=8) -> int | None``: 0 stays 0, 1 to threshold - 1 is None,
  the rest rounded to the nearest 5.

``Estimate`` has ``.value .lower .upper .confidence .method``.
"""

from services.aggregation.statistics.estimates import (
    BYARS,
    EXACT,
    STUDENTS_T,
    WILSON,
    Estimate,
    byars,
    exact_poisson,
    mean,
    mean_from_summary,
    rate,
    wilson,
)
from services.aggregation.statistics.funnel import (
    HIGH_INNER,
    HIGH_OUTER,
    LOW_INNER,
    LOW_OUTER,
    NOT_SIGNIFICANT,
    funnel_limits,
    funnel_significance,
)
from services.aggregation.statistics.sii import PROPORTION, RATE, SiiResult, sii
from services.aggregation.statistics.suppression import (
    DEFAULT_THRESHOLD,
    round_to_five,
    suppress_count,
)

__all__ = [
    "BYARS",
    "DEFAULT_THRESHOLD",
    "EXACT",
    "HIGH_INNER",
    "HIGH_OUTER",
    "LOW_INNER",
    "LOW_OUTER",
    "NOT_SIGNIFICANT",
    "PROPORTION",
    "RATE",
    "STUDENTS_T",
    "WILSON",
    "Estimate",
    "SiiResult",
    "byars",
    "exact_poisson",
    "funnel_limits",
    "funnel_significance",
    "mean",
    "mean_from_summary",
    "rate",
    "round_to_five",
    "sii",
    "suppress_count",
    "wilson",
]
