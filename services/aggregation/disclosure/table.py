"""Count tables: interior cells keyed by breakdown values, and every margin derived from them.

A margin's key holds None for each dimension it adds up ("all"), so in a two-way table
(ethnic_group, imd_quintile) the key ("Asian", None) is the Asian row total and (None, None)
the grand total. Every additive relation between cells is a `Line`: one cell (the total) equals
the sum of the cells that split it along one dimension.
"""

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from services.aggregation.statistics.suppression import whole_count

Category = str | int
Key = tuple[Category | None, ...]

# Four dimensions cover a three-way breakdown stacked under an organisation level; beyond that
# the margins multiply faster than any screen can show them.
MAX_DIMENSIONS = 5


@dataclass(frozen=True, slots=True)
class Line:
    """`total` equals the sum of `parts` (the total split along one dimension)."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def members(self) -> tuple[Key, ...]:
        return (*self.parts, self.total)


@dataclass(frozen=True)
class Table:
    """Counts of a 1- to 5-way breakdown. `categories` lists every category of each dimension
    (those with no one in them too: an absent cell is a zero the reader is entitled to see).
    A dimension may have none (a dataset with no rows yet): the table is then its margins,
    all zero, rather than an error."""

    dimensions: tuple[str, ...]
    categories: tuple[tuple[Category, ...], ...]
    counts: Mapping[tuple[Category, ...], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1 <= len(self.dimensions) <= MAX_DIMENSIONS:
            raise ValueError(
                f"a table has 1 to {MAX_DIMENSIONS} dimensions, not {len(self.dimensions)}"
            )
        if len(set(self.dimensions)) != len(self.dimensions):
            raise ValueError("each dimension must be named once")
        if len(self.categories) != len(self.dimensions):
            raise ValueError("give the categories of every dimension")
        for name, values in zip(self.dimensions, self.categories, strict=True):
            if len(set(values)) != len(values):
                raise ValueError(f"dimension {name} lists a category twice")
            if any(value is None for value in values):
                raise ValueError(f"dimension {name}: None means 'all', not a category")
        for key, count in self.counts.items():
            if len(key) != len(self.dimensions):
                raise ValueError(f"cell {key!r} does not have one value per dimension")
            for name, value, values in zip(self.dimensions, key, self.categories, strict=True):
                if value not in values:
                    raise ValueError(f"cell {key!r}: {value!r} is not a category of {name}")
            whole_count(f"count of cell {key!r}", count)

    @classmethod
    def from_counts(
        cls,
        dimensions: Sequence[str],
        counts: Mapping[tuple[Category, ...], int],
        categories: Mapping[str, Sequence[Category]] | None = None,
    ) -> "Table":
        """A table from its interior counts. Categories default to those seen in `counts`, in
        sorted order; pass them to include empty categories or to fix the display order."""
        given = dict(categories or {})
        resolved: list[tuple[Category, ...]] = []
        for position, name in enumerate(dimensions):
            if name in given:
                resolved.append(tuple(given[name]))
            else:
                seen = {key[position] for key in counts}
                resolved.append(tuple(sorted(seen, key=lambda value: (str(type(value)), value))))
        return cls(
            dimensions=tuple(dimensions),
            categories=tuple(resolved),
            counts={tuple(key): whole_count("count", value) for key, value in counts.items()},
        )

    def keys(self) -> list[Key]:
        """Every cell, interior and margin, in a fixed order (categories first, then "all")."""
        axes: list[tuple[Category | None, ...]] = [(*values, None) for values in self.categories]
        return [tuple(key) for key in itertools.product(*axes)]

    def values(self) -> dict[Key, int]:
        """The count of every cell, margins added up from the interior."""
        totals: dict[Key, int] = dict.fromkeys(self.keys(), 0)
        # One dimension at a time: summing out dimension d over cells already summed out of
        # those before it yields every margin once (a national summary's 2,000 cells x 8
        # margins each took 50 ms cell by cell).
        summed: dict[Key, int] = {
            tuple(key): int(count) for key, count in self.counts.items() if count
        }
        for position in range(len(self.dimensions)):
            margins: dict[Key, int] = {}
            for key, count in summed.items():
                margin = (*key[:position], None, *key[position + 1 :])
                margins[margin] = margins.get(margin, 0) + count
            summed.update(margins)  # disjoint: only these have None at `position`
        totals.update(summed)
        return totals

    def lines(self) -> list[Line]:
        """Every additive relation: each cell with an "all" splits along each such dimension."""
        result = []
        for key in self.keys():
            for position, value in enumerate(key):
                if value is None:
                    parts = tuple(
                        (*key[:position], category, *key[position + 1 :])
                        for category in self.categories[position]
                    )
                    result.append(Line(total=key, parts=parts))
        return result


def stack(children: Mapping[Category, Table], dimension: str) -> Table:
    """One table of several organisations' tables: a new first dimension `dimension` whose
    categories are the children, so the margin over it is the parent. Protect the stack once and
    read parent and children from it: a child's hidden cell then cannot be had as the parent's
    figure minus its siblings'. Children may differ in categories (e.g. teams of different trusts
    when stacking stacks): a category a child lacks is a structural zero there."""
    if not children:
        raise ValueError("stack needs at least one child table")
    tables = list(children.values())
    dimensions = tables[0].dimensions
    if any(table.dimensions != dimensions for table in tables):
        raise ValueError("every child table must have the same dimensions")
    if dimension in dimensions:
        raise ValueError(f"dimension {dimension} is already in the tables")
    categories: list[tuple[Category, ...]] = []
    for position in range(len(dimensions)):
        merged: list[Category] = []
        for table in tables:
            merged.extend(value for value in table.categories[position] if value not in merged)
        categories.append(tuple(merged))
    counts = {
        (code, *key): count
        for code, table in children.items()
        for key, count in table.counts.items()
    }
    return Table(
        dimensions=(dimension, *dimensions),
        categories=(tuple(children), *categories),
        counts=counts,
    )


def interior(keys: Iterable[Key]) -> list[Key]:
    return [key for key in keys if None not in key]
