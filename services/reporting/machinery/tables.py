"""A report's tables: what the reader sees beside each chart, and what its CSV holds."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

Number = int | float
# What a cell with no figure shows (an en dash).
NO_VALUE = "\u2013"


@dataclass(frozen=True)
class Cell:
    """One figure or label. ``suppressed`` cells show why, never a value."""

    text: str
    value: Number | None = None
    suppressed: str | None = None  # the reason, e.g. "fewer than 8 people"

    @property
    def shown(self) -> str:
        return self.text


def cell(value: object) -> Cell:
    """A plain cell: numbers keep their value (for charts), ``None`` reads as a dash."""
    if value is None:
        return Cell(NO_VALUE)
    if isinstance(value, bool):
        return Cell("yes" if value else "no")
    if isinstance(value, int | float):
        return Cell(_number(value), value)
    return Cell(str(value))


def suppressed(reason: str) -> Cell:
    """A count the owning service hid (disclosure control)."""
    return Cell("suppressed", None, reason)


def withheld(reason: str) -> Cell:
    """A derived figure (a mean, a per cent) the owning service did not give."""
    return Cell("withheld", None, reason)


def _number(value: Number) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


@dataclass(frozen=True)
class Table:
    """``id`` names the table's CSV; the first column heads each row (a ``th``)."""

    id: str
    caption: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    notes: Sequence[str] = field(default_factory=tuple)

    def column(self, name: str) -> list[Cell]:
        index = list(self.columns).index(name)
        return [row[index] for row in self.rows]

    @property
    def numeric(self) -> list[bool]:
        """Per column: whether it holds figures (right-aligned), not words."""
        return [
            i > 0 and any(row[i].value is not None or row[i].suppressed for row in self.rows)
            for i in range(len(self.columns))
        ]

    @property
    def any_suppressed(self) -> bool:
        return any(c.suppressed for row in self.rows for c in row)


def to_csv(table: Table) -> str:
    """The table as CSV: a header row, then the figures as shown (suppressed cells say
    "suppressed"; numbers unformatted). Cells that a spreadsheet would run as a formula
    are prefixed with a quote."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_safe(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_safe(_csv_value(c)) for c in row])
    return out.getvalue()


def _csv_value(c: Cell) -> str:
    if c.suppressed:
        return c.text
    if c.value is not None:
        return str(int(c.value)) if float(c.value).is_integer() else str(c.value)
    return "" if c.text == NO_VALUE else c.text


def _safe(text: str) -> str:
    return (
        "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _numeric(text) else text
    )


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def long_date(value: str | None) -> str:
    """An ISO date or moment in words: "1 March 2026", "1 March 2026 at 10:04 UTC"."""
    if not value:
        return NO_VALUE
    if "T" in value:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment.strftime("%-d %B %Y at %H:%M") + (" UTC" if moment.tzinfo else "")
    return date.fromisoformat(value).strftime("%-d %B %Y")
