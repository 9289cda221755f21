"""An attacker, written apart from the code under test: from the interior counts it adds up
every margin itself, takes each shown cell's exact count (more than Equitas shows: shown counts
are rounded), knows a cell hidden as small holds 1 to threshold - 1 and one hidden to protect
another holds threshold or more, and asks an integer program for the smallest and largest value
each hidden cell can take."""

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

Key = tuple[object, ...]


def all_cells(categories: Sequence[Sequence[object]], counts: Mapping[Key, int]) -> dict[Key, int]:
    """Every cell, None standing for "all" in a dimension, each summed from the interior."""
    cells: dict[Key, int] = {}
    width = len(categories)
    for kept in itertools.product((True, False), repeat=width):
        axes = [
            list(values) if keep else [None] for values, keep in zip(categories, kept, strict=True)
        ]
        for key in itertools.product(*axes):
            cells[key] = sum(
                count
                for interior, count in counts.items()
                if all(k is None or k == v for k, v in zip(key, interior, strict=True))
            )
    return cells


def equations(
    categories: Sequence[Sequence[object]], cells: Mapping[Key, int]
) -> list[tuple[Key, list[Key]]]:
    """Each margin cell equals the sum of its cells along each dimension it adds up."""
    result = []
    for key in cells:
        for position, value in enumerate(key):
            if value is None:
                parts = [(*key[:position], v, *key[position + 1 :]) for v in categories[position]]
                result.append((key, parts))
    return result


def ranges(
    categories: Sequence[Sequence[object]],
    cells: Mapping[Key, int],
    shown: set[Key],
    small: set[Key],
    protecting: set[Key],
    threshold: int,
    unknown: frozenset[Key] = frozenset(),
) -> dict[Key, tuple[int, int]]:
    """The smallest and largest whole value of each hidden cell over all consistent tables
    (`unknown`: hidden cells known only to be non-zero)."""
    hidden = sorted(small | protecting | unknown, key=repr)
    if not hidden:
        return {}
    position = {key: i for i, key in enumerate(hidden)}
    rows, right = [], []
    for total, parts in equations(categories, cells):
        row = np.zeros(len(hidden))
        constant = 0.0
        for key, sign in [(total, 1.0), *((part, -1.0) for part in parts)]:
            if key in position:
                row[position[key]] += sign
            else:
                assert key in shown
                constant += sign * cells[key]
        if row.any():
            rows.append(row)
            right.append(-constant)
    big = 10.0 * max(cells.values()) + 10 * threshold
    lower = [1.0 if key in small or key in unknown else float(threshold) for key in hidden]
    upper = [threshold - 1.0 if key in small else big for key in hidden]
    constraints = [LinearConstraint(np.array(rows), right, right)] if rows else []
    result = {}
    for key in hidden:
        ends: list[int] = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(hidden))
            objective[position[key]] = sign
            solved = milp(
                objective,
                integrality=np.ones(len(hidden)),
                bounds=Bounds(lower, upper),
                constraints=constraints,
            )
            assert solved.success, solved.message  # the true table is always feasible
            ends.append(round(solved.x[position[key]]))
        result[key] = (ends[0], ends[1])
    return result
