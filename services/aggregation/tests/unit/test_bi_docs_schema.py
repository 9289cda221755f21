"""docs/bi.md describes every column of the tidy table, in order, with its type."""

import re
from pathlib import Path

from services.aggregation.bi.table import COLUMNS

DOC = Path(__file__).parents[4] / "docs" / "bi.md"


def test_the_documented_schema_is_the_tables() -> None:
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \| *(key|may be empty)? *\|", DOC.read_text(), re.M)
    assert [(name, kind, mark or "") for name, kind, mark in rows] == [
        (c.name, c.kind, "key" if c.key else ("may be empty" if c.nullable else ""))
        for c in COLUMNS
    ]
