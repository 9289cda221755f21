"""What the metrics API answers (typed, into openapi/aggregation.yaml). Every response has a
``method``, ``caveats`` and ``suppression`` block beside its rows."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from services.aggregation.hierarchy.rules import Level


class Count(BaseModel):
    """A count after disclosure control: 0, a multiple of 5, or null with the reason."""

    value: int | None
    suppressed: bool
    reason: str | None = None


class Interval(BaseModel):
    """A figure with its confidence interval; null with the reason when withheld."""

    value: float | None
    lower: float | None = None
    upper: float | None = None
    withheld: str | None = Field(default=None, description="Why the figure is not shown")


class Unit(BaseModel):
    code: str | None = Field(description="null: not placed in the hierarchy at this level")
    name: str | None
    level: Level


class PeriodOf(BaseModel):
    start: date
    label: str = Field(description="e.g. 2026-04, 2026/27 Q1, 2026/27")


class Method(BaseModel):
    confidence: float = 0.95
    counts: str
    mean: str | None = None
    proportion: str | None = None
    other: list[str] = []


class Suppression(BaseModel):
    rule: str
    threshold: int = Field(description="The smallest count shown (other than 0)")
    rounding: str
    primary: int = Field(description="Cells hidden because they were small")
    secondary: int = Field(description="Cells hidden so a small one cannot be worked out")
    withheld: int = Field(description="Derived figures (means, percentages, SII) withheld")


class Band(BaseModel):
    band: str
    count: Count
    percent: Interval = Field(description="Per cent of scored assessments, Wilson interval")


class SummaryRow(BaseModel):
    unit: Unit
    period: PeriodOf
    breakdown: dict[str, str]
    people: Count
    assessments: Count
    mean_score: Interval = Field(description="Mean score of the assessments, Student's t")
    bands: list[Band]


class Envelope(BaseModel):
    instrument: str
    score: str
    structure: Literal["as_at", "current"]
    method: Method
    caveats: list[str]
    suppression: Suppression


class Summary(Envelope):
    rows: list[SummaryRow]


class SeriesPoint(BaseModel):
    period: PeriodOf
    people: Count
    assessments: Count
    mean_score: Interval


class Series(BaseModel):
    unit: Unit
    breakdown: dict[str, str]
    points: list[SeriesPoint]


class TimeSeries(Envelope):
    series: list[Series]


class ChangeRow(BaseModel):
    unit: Unit
    period: PeriodOf = Field(description="The period of each person's latest assessment")
    breakdown: dict[str, str]
    people: Count = Field(description="People with an assessment of this instrument")
    paired: Count = Field(description="People with a first and a later assessment")
    not_followed_up: Count = Field(description="People with one assessment only")
    mean_change: Interval = Field(description="Latest minus first, Student's t")
    improved: Interval = Field(description="Per cent of paired people, Wilson")
    unchanged: Interval
    worse: Interval
    improved_count: Count
    unchanged_count: Count
    worse_count: Count


class Change(Envelope):
    direction: Literal["lower_is_better", "higher_is_better"]
    rows: list[ChangeRow]


class QuantileValue(BaseModel):
    quantile: int
    people: Count
    mean_score: Interval


class InequalityRow(BaseModel):
    unit: Unit
    period: PeriodOf
    quantiles: list[QuantileValue]
    sii: Interval = Field(description="Slope index of inequality (most to least deprived)")
    rii: Interval = Field(description="Relative index of inequality")


class Inequality(Envelope):
    quantile: Literal["imd_quintile", "imd_decile"]
    rows: list[InequalityRow]


class FieldCompleteness(BaseModel):
    field: str
    recorded: Count
    not_stated: Count = Field(description="Asked, and the person chose not to say")
    unknown: Count = Field(description="Not asked, not known or not recorded")
    unknown_percent: Interval = Field(description="Not stated or unknown, per cent, Wilson")


class CompletenessRow(BaseModel):
    unit: Unit
    period: PeriodOf
    assessments: Count
    fields: list[FieldCompleteness]


class Completeness(Envelope):
    rows: list[CompletenessRow]


class FunnelUnit(BaseModel):
    unit: Unit
    numerator: Count
    denominator: Count
    percent: Interval = Field(description="With its own 95% Wilson interval")
    limits_95: Interval | None = Field(description="The funnel at this size (value: baseline)")
    limits_99_8: Interval | None
    significance: str | None = Field(
        description="Low (0.001), Low (0.025), Not significant, High (0.025) or High (0.001)"
    )


class FunnelCurvePoint(BaseModel):
    denominator: int
    lower_95: float
    upper_95: float
    lower_99_8: float
    upper_99_8: float


class Funnel(Envelope):
    measure: str
    parent: Unit
    baseline: Interval = Field(description="The parent's proportion over the units shown")
    units: list[FunnelUnit] = Field(description="In code order: never a ranked league table")
    curve: list[FunnelCurvePoint]
