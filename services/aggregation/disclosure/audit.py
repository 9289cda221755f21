"""Which hidden cells could an attacker pin down from what is shown?

The attacker is given more than Equitas shows: every shown count exactly (not rounded), that a
cell hidden as small holds 1 to threshold - 1, and that a cell hidden to protect another holds
threshold or more (only shown, non-zero counts are ever hidden to protect another). A hidden cell
is safe when two whole-number tables satisfying all of that differ in it.

The hidden cells split into groups linked by shared lines. A group within one line is settled by
interval arithmetic. In larger groups, cells the equations alone fix are found by linear algebra
(no free direction moves them); the rest by integer programming (scipy's HiGHS): a few solves
pushing many cells at once in fixed pseudo-random directions, then, cell by cell, a search for
any table with that cell one above or one below its true value.
"""

from collections.abc import Collection, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import null_space
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from services.aggregation.disclosure.table import Key, Line

# Solves that push every unsettled cell at once before going cell by cell; fixed directions so
# the same table always gets the same answer.
_SWEEPS = 6
# Branch-and-bound nodes per search. A search that finds no second table within it counts the
# cell as pinned, so more is hidden: the safe side, and the same answer every time.
_NODE_LIMIT = 500
# The work one table may cost: hidden cells linked in one group, and integer programs in all.
# Past either, the table is too fine for its population to be protected cell by cell, and
# `TooFine` is raised (the caller withholds it whole). Both are counts, never times, so the
# same table always gets the same answer.
MAX_GROUP = 400
MAX_SEARCHES = 150


class TooFine(Exception):
    """Protecting this table cell by cell would cost more than the limits allow."""


class Budget:
    """Integer programs left for one table (shared by its audit rounds)."""

    def __init__(self, searches: int | None = None) -> None:
        self.searches = MAX_SEARCHES if searches is None else searches

    def spend(self) -> None:
        self.searches -= 1
        if self.searches < 0:
            raise TooFine(f"more than {MAX_SEARCHES} integer programs")


class _Group:
    """Hidden cells linked by lines, with those lines as equations: rows · x = right."""

    def __init__(
        self,
        truth: NDArray[np.float64],
        lower: NDArray[np.float64],
        upper: NDArray[np.float64],
        rows: NDArray[np.float64],
        right: NDArray[np.float64],
        budget: Budget,
    ) -> None:
        self.truth, self.lower, self.upper, self.rows, self.right = truth, lower, upper, rows, right
        self.budget = budget

    def pinned(self, enough: int | None) -> list[int]:
        if len(self.rows) == 1:
            return self._pinned_one_line()
        return self._pinned_by_search(enough)

    def _pinned_one_line(self) -> list[int]:
        # Σ a_i x_i = c with a_i = ±1: x_i's range follows from the others' bounds.
        signs = self.rows[0]
        low_terms = np.where(signs > 0, signs * self.lower, signs * self.upper)
        high_terms = np.where(signs > 0, signs * self.upper, signs * self.lower)
        result = []
        for i, sign in enumerate(signs):
            rest_low = low_terms.sum() - low_terms[i]
            rest_high = high_terms.sum() - high_terms[i]
            ends = sorted(((self.right[0] - rest_high) / sign, (self.right[0] - rest_low) / sign))
            low = max(self.lower[i], np.ceil(ends[0] - 1e-9))
            high = min(self.upper[i], np.floor(ends[1] + 1e-9))
            if high - low < 1:
                result.append(i)
        return result

    def _find(
        self,
        objective: NDArray[np.float64],
        lower: NDArray[np.float64] | None = None,
        upper: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64] | None:
        """A whole-number table within the bounds (the best found within the node limit)."""
        self.budget.spend()
        result = milp(
            objective,
            integrality=np.ones(len(self.truth), dtype=np.int64),
            bounds=Bounds(
                self.lower if lower is None else lower, self.upper if upper is None else upper
            ),
            constraints=[LinearConstraint(csr_array(self.rows), self.right, self.right)],
            options={"node_limit": _NODE_LIMIT},
        )
        return None if result.x is None else np.round(result.x)

    def _determined_by_the_lines(self) -> set[int]:
        """Cells fixed by the equations alone, whatever the bounds: those whose unit vector lies
        in the rows' span, i.e. that every direction the equations allow leaves unmoved."""
        free_directions = null_space(self.rows)
        if free_directions.size == 0:
            return set(range(len(self.truth)))
        return set(np.flatnonzero(np.abs(free_directions).max(axis=1) < 1e-9).tolist())

    def _pinned_by_search(self, enough: int | None) -> list[int]:
        determined = self._determined_by_the_lines()
        unsettled = set(range(len(self.truth))) - determined

        def settle(solution: NDArray[np.float64] | None) -> None:
            if solution is not None:
                unsettled.difference_update(np.flatnonzero(solution != self.truth).tolist())

        directions = np.random.default_rng(0)
        for sweep in range(_SWEEPS):
            if not unsettled:
                break
            objective = np.zeros(len(self.truth))
            cells = sorted(unsettled)
            if sweep < 2:
                objective[cells] = -1.0 if sweep == 0 else 1.0
            else:
                objective[cells] = directions.choice([-1.0, 1.0], size=len(cells))
            settle(self._find(objective))
        found: set[int] = set()
        nothing = np.zeros(len(self.truth))
        for i in sorted(unsettled):
            if enough is not None and len(found | determined) >= enough:
                break
            # Any table with this cell one above (or below) its true value will do.
            if self.truth[i] + 1 <= self.upper[i]:
                lower = self.lower.copy()
                lower[i] = self.truth[i] + 1
                settle(self._find(nothing, lower=lower))
            if i in unsettled and self.truth[i] - 1 >= self.lower[i]:
                upper = self.upper.copy()
                upper[i] = self.truth[i] - 1
                settle(self._find(nothing, upper=upper))
            if i in unsettled:
                found.add(i)
        if enough is not None and len(found | determined) >= enough:
            return sorted(found | determined)
        return sorted(unsettled | determined)


def pinned(
    hidden_small: Collection[Key],
    hidden_other: Collection[Key],
    values: Mapping[Key, int],
    lines: Sequence[Line],
    threshold: int,
    enough: int | None = None,
    budget: Budget | None = None,
) -> list[Key]:
    """The hidden cells that take one value only in every table consistent with what is shown.

    With `enough`, a group's search may stop once it has found that many pinned cells (some
    others may then go unreported); an empty answer is always complete. Raises `TooFine` past
    the limits (`MAX_GROUP`, and the budget's integer programs)."""
    budget = budget or Budget()
    hidden = [*hidden_small, *hidden_other]
    if not hidden:
        return []
    index = {key: position for position, key in enumerate(hidden)}
    # Nothing exceeds the grand total; the box only bounds the search, so any second table found
    # inside it is a genuine one.
    ceiling = 2.0 * max(values.values()) + threshold
    lower = np.array([1.0] * len(hidden_small) + [float(threshold)] * len(hidden_other))
    upper = np.array([threshold - 1.0] * len(hidden_small) + [ceiling] * len(hidden_other))
    equations: list[tuple[dict[int, float], float]] = []
    parent = list(range(len(hidden)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for line in lines:
        coefficients: dict[int, float] = {}
        constant = 0.0
        for member, sign in ((line.total, 1.0), *((part, -1.0) for part in line.parts)):
            if member in index:
                coefficients[index[member]] = coefficients.get(index[member], 0.0) + sign
            else:
                constant += sign * values[member]
        if coefficients:
            equations.append((coefficients, -constant))
            first, *others = coefficients
            for other in others:
                parent[root(other)] = root(first)
    groups: dict[int, list[int]] = {}
    for i in range(len(hidden)):
        groups.setdefault(root(i), []).append(i)
    group_equations: dict[int, list[tuple[dict[int, float], float]]] = {}
    for coefficients, right in equations:
        group_equations.setdefault(root(next(iter(coefficients))), []).append((coefficients, right))
    result: list[int] = []
    for group_root, members in groups.items():
        rows_of = group_equations.get(group_root, [])
        if not rows_of:
            continue  # in no line at all: nothing constrains it
        position = {cell: j for j, cell in enumerate(members)}
        rows = np.zeros((len(rows_of), len(members)))
        for r, (coefficients, _) in enumerate(rows_of):
            for cell, coefficient in coefficients.items():
                rows[r, position[cell]] = coefficient
        if len(members) > MAX_GROUP and len(rows_of) > 1:
            raise TooFine(f"{len(members)} hidden cells linked in one group")
        group = _Group(
            truth=np.array([values[hidden[cell]] for cell in members], dtype=float),
            lower=lower[members],
            upper=upper[members],
            rows=rows,
            right=np.array([right for _, right in rows_of]),
            budget=budget,
        )
        result.extend(members[j] for j in group.pinned(enough))
    return [hidden[i] for i in sorted(result)]
