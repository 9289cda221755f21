"""What the equity routes take and answer."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.aggregation.hierarchy.schemas import CODE_PATTERN
from services.common.input_rules import PlainText

Label = Annotated[PlainText, Field(min_length=1, max_length=80)]
UnitCode = Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
Cell = str | int | float | bool | None


class DatasetCreate(BaseModel):
    unit_code: UnitCode = Field(description="The team or organisation whose activity this is")
    title: Label = Field(description="A short label for the dataset, e.g. 'MSK physio 2025-26'")
    plus_groups: list[Annotated[str, Field(max_length=64)]] = Field(
        default=[],
        max_length=20,
        description="The service's PLUS groups (Core20PLUS5) as characteristic:code, e.g. "
        "ethnic_group:black_or_black_british, inclusion_group:homelessness, disability:yes",
    )


class DatasetRead(BaseModel):
    id: int
    unit_code: str
    title: str
    plus_groups: list[str]
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


ImportStatus = Literal["reading", "imported", "rejected", "failed"]


class ImportRead(BaseModel):
    id: int
    dataset_id: int
    import_key: UUID | None = Field(
        default=None, description="The key its client sent it with (decision 0050)"
    )
    source: Literal["csv", "xlsx", "json"]
    status: ImportStatus
    rows_read: int
    rows_imported: int
    rows_rejected: int
    problems: list[RowRefusal] = Field(description="The first 100 refusals")
    started_at: datetime
    finished_at: datetime | None


# Analyses ------------------------------------------------------------------------------

FROM_ATTRIBUTES = ConfigDict(from_attributes=True)


class EquityFigure(BaseModel):
    """A rate, proportion, mean or ratio with its interval; null with ``withheld`` saying why
    when a count it rests on is hidden."""

    model_config = FROM_ATTRIBUTES
    value: float | None
    lower: float | None
    upper: float | None
    method: str | None
    withheld: str | None


class EquityShown(BaseModel):
    """A count as published: 0, a multiple of 5, or null with the reason."""

    model_config = FROM_ATTRIBUTES
    value: int | None
    reason: str | None


class EquityDifference(BaseModel):
    model_config = FROM_ATTRIBUTES
    value: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    withheld: str | None


class EquityMethod(BaseModel):
    confidence: float = 0.95
    proportions: str = "Wilson score interval"
    means: str = "Student's t interval"
    ratios: str = "observed/expected with exact (fewer than 10) or Byar's limits"
    differences: str = (
        "Newcombe's hybrid score interval for proportions, Welch's t for means; the gap's "
        "change by difference in differences (normal approximation, z-test)"
    )
    inequality: str = "PHE slope and relative index of inequality across IMD quintiles"
    suppression: str = (
        "counts of 1 to 7 hidden, others rounded to the nearest 5; secondary suppression on "
        "the whole table; figures withheld where their counts are hidden"
    )


class EquityEnvelope(BaseModel):
    dataset_id: int
    unit_code: str
    method: EquityMethod = EquityMethod()
    caveats: list[str]


class EquityEngagementRow(BaseModel):
    model_config = FROM_ATTRIBUTES
    category: str
    referrals: EquityShown
    figures: dict[str, EquityFigure] = Field(
        description="opt_in, dna, drop_out (proportions 0-1), length_of_stay (days), "
        "outcome_change (after minus before)"
    )


class EquityInequalityIndex(BaseModel):
    measure: str
    sii: EquityFigure
    rii: EquityFigure


class EquityEngagement(EquityEnvelope):
    by: str
    rows: list[EquityEngagementRow]
    total: EquityEngagementRow
    inequality: list[EquityInequalityIndex] = Field(
        description="Across IMD quintiles (by=imd_quintile)"
    )


class EquityFieldCompleteness(BaseModel):
    model_config = FROM_ATTRIBUTES
    field: str
    group: str
    records: EquityShown
    recorded: EquityShown
    not_stated: EquityShown
    not_known: EquityShown
    not_recorded_percent: EquityFigure
    least_complete: bool


class EquityCompleteness(EquityEnvelope):
    by: str | None
    rows: list[EquityFieldCompleteness]


class EquityRepresentationRow(BaseModel):
    model_config = FROM_ATTRIBUTES
    category: str
    observed: EquityShown
    reference_people: int
    expected: float | None
    observed_share: EquityFigure
    reference_share: float
    ratio: EquityFigure
    absent: bool


class EquityRepresentation(EquityEnvelope):
    by: str
    reference_id: int
    rows: list[EquityRepresentationRow]
    absent_groups: list[str] = Field(description="Groups of the reference with no one in the data")


class EquityEvaluationRow(BaseModel):
    model_config = FROM_ATTRIBUTES
    category: str
    before_people: EquityShown
    after_people: EquityShown
    before: EquityFigure
    after: EquityFigure
    change: EquityDifference


class EquityGap(BaseModel):
    model_config = FROM_ATTRIBUTES
    focus: str
    before: EquityFigure
    after: EquityFigure
    change: EquityDifference
    narrowed: bool | None
    verdict: str


class EquityEvaluation(EquityEnvelope):
    by: str
    measure: str
    baseline_from: date | None
    intervention: date
    after_to: date | None
    rows: list[EquityEvaluationRow]
    gap: EquityGap | None


class EquitySummary(EquityEnvelope):
    completeness: list[EquityFieldCompleteness]
    engagement: list[EquityEngagement]


# Reference populations and the action plan ----------------------------------------------


class EquityReferenceCount(BaseModel):
    area_code: Annotated[str, Field(pattern=r"^[A-Z][0-9]{8}$")]
    category: Annotated[str, Field(pattern=r"^[a-z0-9_\-+]{1,24}$")]
    people: int = Field(ge=0, le=100_000_000)


class EquityReferenceCreate(BaseModel):
    title: Label
    dimension: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,24}$")]
    counts: list[EquityReferenceCount] = Field(min_length=1, max_length=40_000)


class EquityReferenceRead(BaseModel):
    id: int
    title: str
    dimension: str
    areas: int
    people: int
    created_at: datetime


# The IMD lookup (decision 0046) ----------------------------------------------------------

# The vintages of ``codes.IMD_VINTAGES``, as the contract lists them.
ImdVintage = Literal["IoD2019", "IoD2025"]


class EquityImdLookupRead(BaseModel):
    vintage: ImdVintage
    lsoa_year: int = Field(description="The census year of the LSOA boundaries it ranks")
    lsoas: int = Field(description="LSOA codes in the lookup")
    loaded_at: datetime


class DatasetImdVintage(BaseModel):
    imd_vintage: ImdVintage | None = Field(
        description="The IMD vintage the dataset's LSOA codes are read against in later "
        "imports; null: each row's imd_vintage, else the newest vintage that knows every "
        "LSOA code of the file"
    )


Stage = Literal["focus", "understanding", "adjustment", "evaluation", "staff_development"]
StepStatus = Literal["planned", "in_progress", "done", "stopped"]
Action = Literal[
    "improve_recording", "community_engagement", "literature_review", "patient_insight",
    "pathway_adjustment", "reasonable_adjustment", "outreach", "interpreter_access",
    "digital_inclusion", "appointment_flexibility", "evaluate_change", "staff_training", "other",
]  # fmt: skip
Analysis = Literal["completeness", "representation", "engagement", "evaluation"]


class EquityStepWrite(BaseModel):
    stage: Stage
    action: Action
    owner_role: Label = Field(description="The role that owns the step, e.g. 'Service manager'")
    starts_on: date | None = None
    due_on: date | None = None
    status: StepStatus = "planned"
    analysis: Analysis | None = Field(None, description="The analysis that motivated it")
    breakdown: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,24}$")] | None = None
    category: Annotated[str, Field(pattern=r"^[a-z0-9_\-+]{1,24}$")] | None = None


class EquityStepRead(EquityStepWrite):
    id: int
    dataset_id: int
    created_at: datetime
    updated_at: datetime
