"""The tidy long-format table every BI output is written from: one row per organisation x
period x breakdown x measure, with its suppression flag.

The columns are stated once here; the CSV header, the JSON rows, the Parquet schema and the
OData ``$metadata`` are all made from ``COLUMNS``, so their names and types never differ.
The names are part of the contract (``docs/bi.md``): add columns, never rename one.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

Kind = Literal["string", "date", "number", "integer", "boolean"]
Value = str | date | float | int | bool | None


class BiTable(StrEnum):
    """The tables BI tools can read (one OData entity set each)."""

    measures = "measures"


DESCRIPTIONS: dict[BiTable, str] = {
    BiTable.measures: "Every published measure (people, assessments, mean scores with 95% "
    "confidence intervals, impact bands, paired change) by organisation, period and breakdown",
}


@dataclass(frozen=True, slots=True)
class TidyRow:
    organisation_code: str
    organisation_name: str | None
    organisation_level: str
    period_type: str
    period: str
    period_start: date
    period_end: date
    instrument: str
    breakdown: str
    breakdown_value: str
    measure: str
    value: float | None
    lower_ci: float | None
    upper_ci: float | None
    denominator: int | None
    suppressed: bool


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool
    key: bool
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("organisation_code", "string", False, True,
           "ODS code of the organisation (trust, ICB) or Equitas code of the team"),
    Column("organisation_name", "string", True, False, "Name of the organisation or team"),
    Column("organisation_level", "string", False, True, "team, trust, icb or region"),
    Column("period_type", "string", False, True, "month, quarter or financial_year"),
    Column("period", "string", False, True,
           "The period's label: 2026-04 (month), 2026/27 Q1 (quarter of the financial year), 2026/27 (financial year)"),
    Column("period_start", "date", False, False, "First day of the period"),
    Column("period_end", "date", False, False, "Last day of the period"),
    Column("instrument", "string", False, True, "Instrument code, e.g. hef"),
    Column("breakdown", "string", False, True,
           "What the rows are split by (all, imd_quintile, ethnic_group, age_band, sex, ...); "
           "two-way breakdowns join the names with ' x '"),
    Column("breakdown_value", "string", False, True,
           "The group within the breakdown (all for no breakdown); two-way values join with ' x '"),
    Column("measure", "string", False, True,
           "What the value measures: people, assessments, mean_score; band_<band>_assessments and band_<band>_percent where bands are shown"),
    Column("value", "number", True, False, "The figure; empty when suppressed"),
    Column("lower_ci", "number", True, False, "Lower 95% confidence limit, where one applies"),
    Column("upper_ci", "number", True, False, "Upper 95% confidence limit, where one applies"),
    Column("denominator", "integer", True, False,
           "Count the value is out of (rounded as published), where one applies"),
    Column("suppressed", "boolean", False, False,
           "True when disclosure control withheld the value (and its limits)"),
)  # fmt: skip

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
KEY: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.key)

assert TidyRow.__slots__ == COLUMN_NAMES, "COLUMNS and TidyRow name the same fields in order"


def row_key(row: TidyRow) -> tuple[str, ...]:
    """A row's identity (and the order rows are served in)."""
    return tuple(str(getattr(row, name)) for name in KEY)


def value_of(row: TidyRow, name: str) -> Value:
    value: Value = getattr(row, name)
    return value
