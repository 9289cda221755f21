"""What the equity routes take and answer."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from services.aggregation.hierarchy.schemas import CODE_PATTERN
from services.common.input_rules import PlainText

Label = Annotated[PlainText, Field(min_length=1, max_length=80)]
UnitCode = Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
Cell = str | int | float | bool | None


class DatasetCreate(BaseModel):
    unit_code: UnitCode = Field(description="The team or organisation whose activity this is")
    title: Label = Field(description="A short label for the dataset, e.g. 'MSK physio 2025-26'")


class DatasetRead(BaseModel):
    id: int
    unit_code: str
    title: str
    created_at: datetime
    records: int | None = Field(
        description="Activity records imported, rounded to 5; null when fewer than 8"
    )
    first_referral: date | None
    last_referral: date | None
    may_upload: bool = Field(description="Whether the caller may import into this dataset")


class ActivityRows(BaseModel):
    """Pushed activity rows: each an object of the columns of an activity file."""

    rows: list[dict[str, Cell]] = Field(min_length=1, max_length=10_000)


class RowRefusal(BaseModel):
    row: int = Field(description="The spreadsheet row (header = 1), or the index of a pushed row")
    column: str
    message: str


class ImportRead(BaseModel):
    id: int
    dataset_id: int
    source: Literal["csv", "xlsx", "json"]
    status: Literal["reading", "imported", "rejected", "failed"]
    rows_read: int
    rows_imported: int
    rows_rejected: int
    problems: list[RowRefusal] = Field(description="The first 100 refusals")
    started_at: datetime
    finished_at: datetime | None
