"""Slope and Relative Index of Inequality as PHEindicatormethods' `phe_sii` computes them.

Quantiles are sorted by label (1 = most deprived, relative rank near 0). Each gets the midpoint
of its share of the cumulative population as its rank b; the model Y·√a = β0·√a + β1·b·√a is
fitted by least squares (WLS of Y on b with weights a). SII = β1 = fitted(1) - fitted(0);
RII = (β0 + β1)/β0. Confidence limits come from simulation: each quantile's value is drawn from
Normal(value, se) on the log (rates) or logit (proportions) scale where the value type asks, and
the model refitted with the fixed matrix (XᵀX)⁻¹Xᵀ; the limits are order statistics at the
positions round(repetitions·alpha/2) and round(repetitions·(1 - alpha/2)), as in the package.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from services.aggregation.statistics._checks import confidence_level, number, positive

INDICATOR: Final = 0
RATE: Final = 1
PROPORTION: Final = 2
VALUE_TYPES = {INDICATOR: "normal", RATE: "rate", PROPORTION: "proportion"}

MIN_QUANTILES = 5
MAX_QUANTILES = 100
MIN_REPETITIONS = 1000
# Draw the simulation in slices so 100 quantiles x 100,000 repetitions never sits in memory.
_SLICE = 20000
# phe_sii turns supplied 95% limits into a standard error with this z, whatever `confidence`.
_Z95 = float(norm.ppf(0.975))

Vector = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SiiResult:
    """SII and RII with simulated limits. `intercept` is β0 (the fitted value at rank 0); with
    `transform` it is back-transformed and times |multiplier|, as phe_sii returns it."""

    sii: float
    sii_lower: float
    sii_upper: float
    rii: float
    rii_lower: float
    rii_upper: float
    intercept: float
    confidence: float
    repetitions: int
    value_type: int
    transform: bool
    multiplier: float
    method: str


@dataclass(frozen=True, slots=True)
class _Quantile:
    label: Any
    population: float
    value: float  # on the working scale (log / logit for rates / proportions)
    se: float  # on the working scale


def _forward(value: float, value_type: int, what: str) -> float:
    if value_type == RATE:
        if value <= 0:
            raise ValueError(f"{what} must be greater than zero for a rate, not {value:g}")
        return math.log(value)
    if value_type == PROPORTION:
        if not 0 < value < 1:
            raise ValueError(
                f"{what} must be strictly between 0 and 1 for a proportion, not {value:g}"
            )
        return math.log(value / (1 - value))
    return value


def _backward(values: Vector, value_type: int) -> Vector:
    if value_type == RATE:
        return np.exp(values)
    if value_type == PROPORTION:
        return 1 / (1 + np.exp(-values))
    return values


def _back(value: float, value_type: int) -> float:
    return float(_backward(np.array([value]), value_type)[0])


def _read_quantile(row: Mapping[str, Any], value_type: int, transform: bool) -> _Quantile:
    if "quantile" not in row:
        raise ValueError("each quantile needs a 'quantile' label")
    label = row["quantile"]
    population = positive(f"population of quantile {label}", row.get("population"))
    if row.get("value") is not None:
        value = number(f"value of quantile {label}", row["value"])
    elif value_type == PROPORTION and row.get("x") is not None:
        value = number(f"x of quantile {label}", row["x"]) / population
    else:
        raise ValueError(f"quantile {label} needs a value (or x, for a proportion)")
    working = _forward(value, value_type, f"value of quantile {label}")
    if row.get("se") is not None:
        if transform:
            raise ValueError(
                "with transform, give each quantile's lower_cl and upper_cl, not se "
                "(as phe_sii requires)"
            )
        se = number(f"se of quantile {label}", row["se"])
        if se < 0:
            raise ValueError(f"se of quantile {label} must be zero or more, not {se:g}")
    elif row.get("lower_cl") is not None and row.get("upper_cl") is not None:
        lower = _forward(
            number(f"lower_cl of quantile {label}", row["lower_cl"]),
            value_type,
            f"lower_cl of quantile {label}",
        )
        upper = _forward(
            number(f"upper_cl of quantile {label}", row["upper_cl"]),
            value_type,
            f"upper_cl of quantile {label}",
        )
        se = (upper - lower) / _Z95 / 2
        if se < 0:
            raise ValueError(f"lower_cl of quantile {label} is above its upper_cl")
    else:
        raise ValueError(f"quantile {label} needs se, or lower_cl and upper_cl (95% limits)")
    return _Quantile(label=label, population=population, value=working, se=se)


def _sorted(quantiles: Sequence[_Quantile]) -> list[_Quantile]:
    try:
        return sorted(quantiles, key=lambda q: q.label)
    except TypeError as error:
        raise ValueError("quantile labels must be comparable (all numbers or all text)") from error


def _order_statistic(values: Vector, position: int) -> float:
    # R's sort()[position] with a 1-based position.
    return float(np.partition(values, position - 1)[position - 1])


def sii(
    quantiles: Sequence[Mapping[str, Any]],
    value_type: int = 0,
    transform: bool = False,
    multiplier: float = 1,
    confidence: float = 0.95,
    repetitions: int = 100000,
    seed: int | None = None,
) -> SiiResult:
    """SII and RII across quantiles, with simulated confidence limits.

    Each quantile is a mapping with `quantile` (its label; 1 = most deprived), `population`,
    `value` (or `x` for a proportion) and either `se` or 95% `lower_cl` and `upper_cl`.
    value_type: 0 indicator, 1 rate, 2 proportion (phe_sii's codes). For rates and proportions
    the standard error is taken on the log / logit scale and draws are back-transformed;
    `transform` fits the model itself on that scale and back-transforms the results. A negative
    multiplier flips polarity and inverts the RII. `seed` makes the limits reproducible.
    """
    if value_type not in VALUE_TYPES:
        raise ValueError(
            f"value_type must be 0 (indicator), 1 (rate) or 2 (proportion), not {value_type!r}"
        )
    if transform and value_type == INDICATOR:
        raise ValueError("transform applies to rates (value_type 1) and proportions (2) only")
    multiplier = number("multiplier", multiplier)
    if multiplier == 0:
        raise ValueError("multiplier must not be zero")
    confidence = confidence_level(confidence)
    if isinstance(repetitions, bool) or not isinstance(repetitions, int):
        raise ValueError(f"repetitions must be a whole number, not {repetitions!r}")
    if repetitions < MIN_REPETITIONS:
        raise ValueError(f"repetitions must be at least {MIN_REPETITIONS}, not {repetitions}")
    rows = _sorted([_read_quantile(row, value_type, transform) for row in quantiles])
    if not MIN_QUANTILES <= len(rows) <= MAX_QUANTILES:
        raise ValueError(
            f"give between {MIN_QUANTILES} and {MAX_QUANTILES} quantiles, not {len(rows)}"
        )
    labels = [row.label for row in rows]
    if len(set(labels)) != len(labels):
        raise ValueError("each quantile label must appear once")

    population = np.array([row.population for row in rows])
    share = population / population.sum()
    rank = np.cumsum(share) - share / 2
    sqrt_a = np.sqrt(share)
    design = np.column_stack([sqrt_a, rank * sqrt_a])
    # (XᵀX)⁻¹Xᵀ: the least-squares solution for any y, fixed across the simulation.
    solver = np.linalg.solve(design.T @ design, design.T)

    working = np.array([row.value for row in rows])
    se = np.array([row.se for row in rows])
    fit_scale = working if transform else _backward(working, value_type)
    intercept, slope = (float(v) for v in solver @ (fit_scale * sqrt_a))

    rng = np.random.default_rng(seed)
    sim_intercept = np.empty(repetitions)
    sim_slope = np.empty(repetitions)
    for start in range(0, repetitions, _SLICE):
        size = min(_SLICE, repetitions - start)
        draws = rng.normal(working[:, None], se[:, None], size=(len(rows), size))
        if not transform:
            draws = _backward(draws, value_type)
        params = solver @ (draws * sqrt_a[:, None])
        sim_intercept[start : start + size] = params[0]
        sim_slope[start : start + size] = params[1]

    upper_tail = confidence + (1 - confidence) / 2
    low_at = max(1, round(repetitions * (1 - upper_tail)))
    high_at = min(repetitions, max(1, round(repetitions * upper_tail)))
    method = f"simulation {repetitions} reps"

    if not transform:
        rii_value = (intercept + slope) / intercept
        with np.errstate(divide="ignore", invalid="ignore"):
            sim_rii = (sim_slope + sim_intercept) / sim_intercept
        if multiplier < 0:
            rii_value = 1 / rii_value
            with np.errstate(divide="ignore"):
                sim_rii = 1 / sim_rii
        sim_sii = multiplier * sim_slope
        return SiiResult(
            sii=multiplier * slope,
            sii_lower=_order_statistic(sim_sii, low_at),
            sii_upper=_order_statistic(sim_sii, high_at),
            rii=rii_value,
            rii_lower=_order_statistic(sim_rii, low_at),
            rii_upper=_order_statistic(sim_rii, high_at),
            intercept=intercept,
            confidence=confidence,
            repetitions=repetitions,
            value_type=value_type,
            transform=transform,
            multiplier=multiplier,
            method=method,
        )

    # Fitted on the log / logit scale: back-transform the fitted values at ranks 0 and 1, and
    # the simulated slope limits about the fitted midpoint (rank 0.5), as phe_sii does.
    at_zero = _back(intercept, value_type)
    at_one = _back(intercept + slope, value_type)
    middle = intercept + slope / 2
    slope_low = _order_statistic(sim_slope, low_at)
    slope_high = _order_statistic(sim_slope, high_at)

    def ends(limit: float) -> tuple[float, float]:
        return _back(middle - limit / 2, value_type), _back(middle + limit / 2, value_type)

    low_zero, low_one = ends(slope_low)
    high_zero, high_one = ends(slope_high)
    if multiplier < 0:
        # Polarity flipped: the upper slope limit gives the lower SII limit, and the RII inverts.
        sii_lower = (high_one - high_zero) * multiplier
        sii_upper = (low_one - low_zero) * multiplier
        rii_lower = 1 / (high_one / high_zero)
        rii_upper = 1 / (low_one / low_zero)
        rii_value = 1 / (at_one / at_zero)
    else:
        sii_lower = (low_one - low_zero) * multiplier
        sii_upper = (high_one - high_zero) * multiplier
        rii_lower = low_one / low_zero
        rii_upper = high_one / high_zero
        rii_value = at_one / at_zero
    return SiiResult(
        sii=(at_one - at_zero) * multiplier,
        sii_lower=sii_lower,
        sii_upper=sii_upper,
        rii=rii_value,
        rii_lower=rii_lower,
        rii_upper=rii_upper,
        intercept=at_zero * abs(multiplier),
        confidence=confidence,
        repetitions=repetitions,
        value_type=value_type,
        transform=transform,
        multiplier=multiplier,
        method=method,
    )
