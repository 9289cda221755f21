"""Disclosure control for every figure the aggregation service shows (pure, no I/O).

Build the whole table the response rests on, protect it once, then read cells from it::

    table = Table.from_counts(
        ["ethnic_group", "imd_quintile"],
        {("Asian", 1): 12, ("Asian", 2): 3, ...},          # interior counts; absent = 0
        categories={"ethnic_group": [...], "imd_quintile": [1, 2, 3, 4, 5]},
    )
    protected = protect(table, threshold=8, unit="people")
    cell = protected.cell(("Asian", None))                  # None = all: the Asian row total
    cell.shown       # 0, a multiple of 5, or None when hidden
    cell.status      # Status.ZERO | ROUNDED | PRIMARY | SECONDARY | TOO_FINE (HIDDEN: the last 3)
    cell.reason      # words to show instead of a hidden number ("fewer than 8 people")
    protected.withheld(key, ...)                 # reason a mean/rate/CI on these cells is withheld
    protected.proportion_withheld(numerator_key, denominator_key)   # also withheld if n - x small
    protected.sii_withheld(event_keys, population_keys)

- ``Table(dimensions, categories, counts)`` / ``Table.from_counts(dimensions, counts,
  categories=None)``: 1- to 5-way; keys of margins hold None for each added-up dimension.
- ``stack(children: Mapping[code, Table], dimension) -> Table``: organisations' tables as one
  table with a new first dimension; its margin over that dimension is the parent. Stack stacks
  for team -> trust -> ICB.
- ``protect(table, threshold=8, unit="people") -> ProtectedTable`` (``.cells``, ``.cell(key)``,
  ``.shown(key)``, ``.withheld``, ``.proportion_withheld``, ``.sii_withheld``).

A table too fine to protect cell by cell within a fixed amount of work comes back with every
non-zero cell TOO_FINE (reason: ask for fewer breakdowns or a larger unit).

Rules the caller must keep (docs/statistics.md, decision 0022): protect the whole table, margins,
"unknown" and "not stated" included, before filtering what a response shows; read parent and
children figures from one protected stack; compute rates and means from true counts
(``Cell.count``) and show them only where ``withheld`` says None; show ``shown``, never
``count``.
"""

from services.aggregation.disclosure.protect import (
    HIDDEN,
    Cell,
    ProtectedTable,
    Status,
    protect,
)
from services.aggregation.disclosure.table import Category, Key, Line, Table, stack

__all__ = [
    "HIDDEN",
    "Category",
    "Cell",
    "Key",
    "Line",
    "ProtectedTable",
    "Status",
    "Table",
    "protect",
    "stack",
]
