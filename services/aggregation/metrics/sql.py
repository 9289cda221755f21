"""SQL for metrics: which rows a caller may read, the unit of each row at a level in either
structure mode (decision 0024), the period, the breakdowns and the score. Pure: it builds
statements and their parameters, it runs nothing.

Facts are read from ``assessment_fact`` (one row per assessment) or ``person_fact`` (one per
person: first and latest, for paired change). Both have ``team_code``,
``organisation_code`` and ``commissioner_code``; the date that places a row in the
hierarchy and in a period is ``assessed_on`` (a fact) or ``latest_assessed_on`` (a person).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.aggregation.access.scope import Basis, ReaderScope
from services.aggregation.hierarchy.rules import Level
from services.aggregation.metrics.query import Breakdown, MetricQuery, Period, Structure

UNKNOWN = "unknown"


@dataclass
class Statement:
    """A statement being built: numbered parameters as asyncpg takes them."""

    params: list[Any] = field(default_factory=list)

    def bind(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"


@dataclass(frozen=True)
class Source:
    """The table read and the names of the columns that differ between the two."""

    table: str
    alias: str
    day: str  # the date that places a row in the hierarchy and a period
    episode_type: str

    def col(self, name: str) -> str:
        return f"{self.alias}.{name}"


FACTS = Source("assessment_fact", "f", "assessed_on", "episode_type")
PEOPLE = Source("person_fact", "p", "latest_assessed_on", "latest_episode_type")


def _covers(link: str, day: str) -> str:
    return f"{link}.valid_from <= {day} AND ({link}.valid_to IS NULL OR {day} < {link}.valid_to)"


def unit_sql(source: Source, level: Level, query: MetricQuery, st: Statement) -> tuple[str, str]:
    """(expression, joins) for the code of the unit a row counts under at ``level``.

    As at (default): a row's trust is the one recorded with it (scoring knew the team's trust
    that day); above it, the reference links on the row's own date, else the commissioner
    recorded with it. Current: every step follows the links holding on ``structure_on``
    (today by default), falling back on what the row recorded where no link says.
    """
    s = source
    if level is Level.team:
        return s.col("team_code"), ""
    day = s.col(s.day)
    if query.structure is Structure.current:
        day = st.bind(query.structure_on or date.today()) + "::date"
    joins: list[str] = []
    if query.structure is Structure.current:
        joins.append(
            f"LEFT JOIN org_link lt ON lt.child_code = {s.col('team_code')} AND {_covers('lt', day)}"
        )
        trust = f"COALESCE(lt.parent_code, {s.col('organisation_code')})"
    else:
        trust = s.col("organisation_code")
    if level is Level.trust:
        return trust, " ".join(joins)
    joins.append(f"LEFT JOIN org_link li ON li.child_code = {trust} AND {_covers('li', day)}")
    icb = f"COALESCE(li.parent_code, {s.col('commissioner_code')})"
    if level is Level.icb:
        return icb, " ".join(joins)
    joins.append(f"LEFT JOIN org_link lr ON lr.child_code = {icb} AND {_covers('lr', day)}")
    return "lr.parent_code", " ".join(joins)


def period_sql(source: Source, period: Period) -> str:
    """The first day of the row's period."""
    if source is FACTS:
        return {
            Period.month: "f.month_start",
            Period.quarter: "f.quarter_start",
            Period.financial_year: "make_date(f.financial_year::int, 4, 1)",
        }[period]
    day = source.col(source.day)
    return {
        Period.month: f"date_trunc('month', {day})::date",
        Period.quarter: f"date_trunc('quarter', {day})::date",
        Period.financial_year: (
            f"make_date(extract(year FROM {day} - interval '3 months')::int, 4, 1)"
        ),
    }[period]


def breakdown_sql(source: Source, breakdown: Breakdown) -> str:
    """The row's category as text ('unknown' where the fact has none)."""
    col = source.col
    match breakdown:
        case Breakdown.determinant:
            return "d.section"
        case Breakdown.episode_type:
            return col(source.episode_type)
        case Breakdown.ethnic_group:
            return col("ethnic_group")
        case Breakdown.core20:
            return (
                f"COALESCE(CASE WHEN {col('core20')} THEN 'core20' ELSE 'other' END, '{UNKNOWN}')"
            )
        case Breakdown.sex:
            return f"COALESCE({col('sex')}, '{UNKNOWN}')"
        case _:
            return f"COALESCE({col(breakdown.value)}::text, '{UNKNOWN}')"


def scope_sql(
    source: Source, scope: ReaderScope, within: frozenset[str] | None, st: Statement
) -> str:
    """The caller's rows (decision 0021), narrowed to the units under ``organisation=``."""
    col = source.col
    conditions = []
    if scope.basis is Basis.teams:
        conditions.append(f"{col('team_code')} = ANY({st.bind(scope.team_codes)}::text[])")
    else:
        conditions.append(_any_code(source, scope.unit_codes, st))
    if within is not None:
        conditions.append(_any_code(source, sorted(within), st))
    return " AND ".join(conditions)


def _any_code(source: Source, codes: list[str], st: Statement) -> str:
    col = source.col
    bound = st.bind(codes) + "::text[]"
    return (
        f"({col('organisation_code')} = ANY({bound}) OR {col('team_code')} = ANY({bound}) "
        f"OR {col('commissioner_code')} = ANY({bound}))"
    )


def filters_sql(source: Source, query: MetricQuery, st: Statement) -> str:
    col = source.col
    parts = [f"{col('instrument')} = {st.bind(query.instrument)}"]
    if query.variant is not None:
        parts.append(f"{col('variant')} = {st.bind(query.variant)}")
    if query.start is not None:
        parts.append(f"{col(source.day)} >= {st.bind(query.start)}::date")
    if query.end is not None:
        parts.append(f"{col(source.day)} <= {st.bind(query.end)}::date")
    if query.episode_type is not None:
        parts.append(f"{col(source.episode_type)} = {st.bind(query.episode_type)}")
    return " AND ".join(parts)


# One row per determinant (section) of each row; with DETERMINANT_CONDITION in the WHERE.
DETERMINANT_JOIN = "CROSS JOIN LATERAL jsonb_each({scores}) AS d(section, vals)"
DETERMINANT_CONDITION = "d.section <> 'overall'"
