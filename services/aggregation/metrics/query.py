"""What a metrics request asks for (``MetricQuery``), read from the query string once for
every metrics route, each problem named by its parameter. Pure: no I/O."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import Query

from services.aggregation.hierarchy.rules import Level
from services.common.errors import FieldProblem, InvalidInput

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,63}$"
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
MAX_BREAKDOWNS = 3
OVERALL = "overall"


class Period(StrEnum):
    month = "month"
    quarter = "quarter"
    financial_year = "financial_year"


class Structure(StrEnum):
    """``as_at``: each assessment under the parents of its own date (history never
    restated); ``current``: under today's structure (or ``structure_on``'s)."""

    as_at = "as_at"
    current = "current"


class Breakdown(StrEnum):
    imd_decile = "imd_decile"
    imd_quintile = "imd_quintile"
    core20 = "core20"
    ethnic_group = "ethnic_group"
    ethnic_category = "ethnic_category"
    age_band = "age_band"
    sex = "sex"
    episode_type = "episode_type"
    determinant = "determinant"


DEPRIVATION = frozenset({Breakdown.imd_decile, Breakdown.imd_quintile, Breakdown.core20})


@dataclass(frozen=True)
class MetricQuery:
    instrument: str = "hef"
    variant: str | None = None
    level: Level | None = None
    """None until checked against the caller (``common.check_query``): their own level."""
    organisation: str | None = None
    period: Period = Period.quarter
    start: date | None = None
    end: date | None = None
    by: tuple[Breakdown, ...] = ()
    structure: Structure = Structure.as_at
    structure_on: date | None = None
    score: str = "total"
    """The score summarised: the overall score of this id (HEF ``total``), or with a
    ``determinant`` breakdown (or ``determinant=``) each determinant's score of this id."""
    determinant: str | None = None
    band_set: str = "impact"
    episode_type: str | None = None
    confidence: float = 0.95

    @property
    def row_level(self) -> Level:
        if self.level is None:
            raise RuntimeError("the query's level is set when it is checked")
        return self.level

    @property
    def by_determinant(self) -> bool:
        return Breakdown.determinant in self.by or self.determinant is not None

    @property
    def section(self) -> str | None:
        """The determinant whose score is used, when one is fixed."""
        return self.determinant


def _invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(
        f"{field_name}: {message}", errors=[FieldProblem(field=field_name, message=message)]
    )


def metric_query(
    instrument: Annotated[str, Query(pattern=NAME_PATTERN, description="e.g. hef")] = "hef",
    variant: Annotated[str | None, Query(pattern=NAME_PATTERN)] = None,
    level: Annotated[
        Level | None, Query(description="Unit of each row (default: your organisation's level)")
    ] = None,
    organisation: Annotated[
        str | None,
        Query(
            pattern=CODE_PATTERN,
            max_length=64,
            description="Only units under this organisation (default: all you may read)",
        ),
    ] = None,
    period: Period = Period.quarter,
    start: Annotated[
        date | None, Query(alias="from", description="First assessment date included")
    ] = None,
    end: Annotated[
        date | None, Query(alias="to", description="Last assessment date included")
    ] = None,
    by: Annotated[
        list[Breakdown] | None,
        Query(description="Up to three breakdowns (repeat the parameter); e.g. by=imd_quintile"),
    ] = None,
    structure: Structure = Structure.as_at,
    structure_on: Annotated[
        date | None, Query(description="With structure=current: the structure of this date")
    ] = None,
    score: Annotated[
        str, Query(pattern=NAME_PATTERN, description="Score id (HEF: total)")
    ] = "total",
    determinant: Annotated[
        str | None, Query(pattern=NAME_PATTERN, description="One determinant (section) only")
    ] = None,
    band_set: Annotated[str, Query(pattern=NAME_PATTERN)] = "impact",
    episode_type: Annotated[str | None, Query(pattern=NAME_PATTERN)] = None,
) -> MetricQuery:
    """The shared query parameters of every metrics route."""
    chosen = tuple(by or ())
    if len(chosen) > MAX_BREAKDOWNS:
        raise _invalid("query.by", f"at most {MAX_BREAKDOWNS} breakdowns")
    if len(set(chosen)) != len(chosen):
        raise _invalid("query.by", "each breakdown once")
    if len(DEPRIVATION & set(chosen)) > 1:
        raise _invalid("query.by", "one deprivation breakdown at a time (they nest)")
    if {Breakdown.ethnic_group, Breakdown.ethnic_category} <= set(chosen):
        raise _invalid("query.by", "ethnic group or ethnic category, not both (they nest)")
    if determinant is not None and Breakdown.determinant in chosen:
        raise _invalid("query.determinant", "either one determinant or a determinant breakdown")
    if start and end and end < start:
        raise _invalid("query.to", "must not be before from")
    if structure_on is not None and structure is not Structure.current:
        raise _invalid("query.structure_on", "only with structure=current")
    return MetricQuery(
        instrument=instrument,
        variant=variant,
        level=level,
        organisation=organisation,
        period=period,
        start=start,
        end=end,
        by=chosen,
        structure=structure,
        structure_on=structure_on,
        score=score,
        determinant=determinant,
        band_set=band_set,
        episode_type=episode_type,
    )
