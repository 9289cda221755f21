"""The equity analyses' SQL: grouped true counts of one dataset (never published as they
are: ``analysis`` protects them) and the breakdowns they are grouped by."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import asyncpg

from services.aggregation.equity.analysis.figures import GroupTotals
from services.aggregation.equity.codes import CLINICAL_AREAS, ETHNIC_CATEGORIES, INCLUSION_GROUPS
from services.aggregation.equity.values import PARSERS, Refused

CHARACTERISTICS: Final = (
    "ethnic_group", "ethnic_category", "age_band", "sex", "religion", "sexual_orientation",
    "carer", "disability", "military_service", "pregnancy", "interpreter_needed",
)  # fmt: skip
BREAKDOWNS: Final[dict[str, str]] = {
    "imd_quintile": "COALESCE(((imd_decile + 1) / 2)::text, 'not_known')",
    "imd_decile": "COALESCE(imd_decile::text, 'not_known')",
    "core20": (
        "CASE WHEN imd_decile IS NULL THEN 'not_known' WHEN imd_decile <= 2 THEN 'core20' "
        "ELSE 'not_core20' END"
    ),
    "inclusion_health": (
        "CASE WHEN cardinality(inclusion_groups) > 0 THEN 'inclusion_health' "
        "ELSE 'none_recorded' END"
    ),
    "quarter": "to_char(date_trunc('quarter', referral_date), 'YYYY-MM-DD')",
    **{c: c for c in CHARACTERISTICS},
}
# core20plus needs the dataset's PLUS groups (``plus_condition``).
BREAKDOWN_NAMES: Final = (*BREAKDOWNS, "core20plus")
# Fields whose completeness is reported, and how a record's status is read from each.
COMPLETENESS: Final[dict[str, str]] = {
    **{
        c: f"CASE WHEN {c} = 'not_stated' THEN 'not_stated' WHEN {c} = 'not_known' "
        "THEN 'not_known' ELSE 'recorded' END"
        for c in CHARACTERISTICS
        if c not in ("ethnic_category",)
    },
    "ethnic_group": (
        "CASE ethnic_category WHEN 'Z' THEN 'not_stated' WHEN '99' THEN 'not_known' "
        "ELSE 'recorded' END"
    ),
    "imd_decile": "CASE WHEN imd_decile IS NULL THEN 'not_known' ELSE 'recorded' END",
    "lsoa": "CASE WHEN lsoa IS NULL THEN 'not_known' ELSE 'recorded' END",
    "language": "CASE WHEN language IS NULL THEN 'not_known' ELSE 'recorded' END",
    "outcome": (
        "CASE WHEN outcome_before IS NULL OR outcome_after IS NULL THEN 'not_known' "
        "ELSE 'recorded' END"
    ),
}
PLUS_COLUMNS: Final = (*CHARACTERISTICS, "inclusion_group")


class BadPlusGroup(ValueError):
    pass


def check_plus_group(text: str) -> str:
    """``ethnic_group:black_or_black_british``, ``inclusion_group:homelessness``,
    ``disability:yes``: a characteristic and one of its codes."""
    column, _, code = text.partition(":")
    if column not in PLUS_COLUMNS or not code:
        raise BadPlusGroup(
            "is not a characteristic and a code (e.g. ethnic_group:black_or_black_british or "
            "inclusion_group:homelessness)"
        )
    if column == "inclusion_group":
        if code not in INCLUSION_GROUPS:
            raise BadPlusGroup("is not an inclusion health group: " + ", ".join(INCLUSION_GROUPS))
        return text
    if column == "ethnic_group":
        from services.aggregation.dimensions import ETHNIC_GROUPS

        if code not in ETHNIC_GROUPS:
            raise BadPlusGroup("is not an ethnic group: " + ", ".join(ETHNIC_GROUPS))
        return text
    if column == "ethnic_category":
        if code not in ETHNIC_CATEGORIES:
            raise BadPlusGroup("is not an NHS ethnic category code")
        return text
    try:
        parsed = PARSERS[column](code)
    except Refused as exc:
        raise BadPlusGroup(str(exc)) from None
    if parsed != code:
        raise BadPlusGroup("use the code as stored: " + str(parsed))
    return text


def plus_condition(plus_groups: Sequence[str]) -> str:
    """SQL true for a record in any PLUS group. Every condition was checked against the
    fixed code lists (``check_plus_group``) when stored, so codes are safe as literals."""
    parts = []
    for group in plus_groups:
        column, _, code = check_plus_group(group).partition(":")
        if column == "inclusion_group":
            parts.append(f"'{code}' = ANY(inclusion_groups)")
        else:
            parts.append(f"{column} = '{code}'")
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def breakdown_sql(by: str, plus_groups: Sequence[str]) -> str:
    if by == "core20plus":
        return (
            "CASE WHEN imd_decile <= 2 THEN 'core20' WHEN "
            + plus_condition(plus_groups)
            + " THEN 'plus' WHEN imd_decile IS NULL THEN 'not_known' ELSE 'other' END"
        )
    return BREAKDOWNS[by]


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    clinical_area: str | None = None

    def __post_init__(self) -> None:
        assert self.clinical_area is None or self.clinical_area in CLINICAL_AREAS


WHERE = (
    "dataset_id = $1 AND ($2::date IS NULL OR referral_date >= $2) "
    "AND ($3::date IS NULL OR referral_date <= $3) "
    "AND ($4::text IS NULL OR $4 = ANY(clinical_areas))"
)


def _args(dataset_id: int, f: Filters) -> list[object]:
    return [dataset_id, f.start, f.end, f.clinical_area]


AGGREGATES = """
       count(*) AS referrals,
       count(opted_in) AS asked,
       count(*) FILTER (WHERE opted_in) AS opted_in,
       COALESCE(sum(appointments_offered), 0) AS offered,
       COALESCE(sum(appointments_dna) FILTER (WHERE appointments_offered IS NOT NULL), 0) AS dna,
       count(discharge_date) AS discharged,
       count(*) FILTER (WHERE discharge_reason = 'dropped_out') AS dropped_out,
       count(length_of_stay_days) AS stay_n,
       avg(length_of_stay_days)::float8 AS stay_mean,
       stddev_samp(length_of_stay_days)::float8 AS stay_sd,
       count(change) AS change_n,
       avg(change) AS change_mean,
       stddev_samp(change) AS change_sd
"""


def _totals(category: str, r: asyncpg.Record) -> GroupTotals:
    return GroupTotals(
        category=category,
        referrals=r["referrals"],
        asked=r["asked"],
        opted_in=r["opted_in"],
        offered=int(r["offered"]),
        dna=int(r["dna"]),
        discharged=r["discharged"],
        dropped_out=r["dropped_out"],
        stay_n=r["stay_n"],
        stay_mean=r["stay_mean"],
        stay_sd=r["stay_sd"],
        change_n=r["change_n"],
        change_mean=r["change_mean"],
        change_sd=r["change_sd"],
    )


async def group_totals_by(
    conn: asyncpg.Connection,
    dataset_id: int,
    bys: Sequence[str],
    plus_groups: Sequence[str],
    f: Filters,
) -> dict[str, list[GroupTotals]]:
    """The totals of each breakdown, all from one scan of the dataset (grouping sets)."""
    columns = ", ".join(f"({breakdown_sql(b, plus_groups)}) AS b{i}" for i, b in enumerate(bys))
    names = [f"b{i}" for i in range(len(bys))]
    rows = await conn.fetch(
        f"""
        WITH r AS (
            SELECT {columns}, opted_in, appointments_offered, appointments_dna, discharge_date,
                   discharge_reason, length_of_stay_days, outcome_after - outcome_before AS change
            FROM equity_activity WHERE {WHERE}
        )
        SELECT {", ".join(names)}, {", ".join(f"GROUPING({n}) AS g_{n}" for n in names)},
               {AGGREGATES}
        FROM r GROUP BY GROUPING SETS ({", ".join(f"({n})" for n in names)})
        """,  # noqa: S608 - our expressions and checked codes only
        *_args(dataset_id, f),
    )
    out: dict[str, list[GroupTotals]] = {b: [] for b in bys}
    for r in rows:
        for i, b in enumerate(bys):
            if r[f"g_b{i}"] == 0:
                out[b].append(_totals(r[f"b{i}"], r))
    for found in out.values():
        found.sort(key=lambda g: g.category)
    return out


async def group_totals(
    conn: asyncpg.Connection, dataset_id: int, by: str, plus_groups: Sequence[str], f: Filters
) -> list[GroupTotals]:
    return (await group_totals_by(conn, dataset_id, [by], plus_groups, f))[by]


async def completeness_counts(
    conn: asyncpg.Connection,
    dataset_id: int,
    by: str | None,
    plus_groups: Sequence[str],
    f: Filters,
) -> dict[str, dict[tuple[str, str], int]]:
    """field -> (group, status) -> records; group ``all`` without a breakdown."""
    group = breakdown_sql(by, plus_groups) if by else "'all'"
    selects = ", ".join(f"({expr}) AS {name}" for name, expr in COMPLETENESS.items())
    fields = list(COMPLETENESS)
    # One pass: the statuses of every field per group, as a grouping set per field.
    sets = ", ".join(f"(g, {name})" for name in fields)
    rows = await conn.fetch(
        f"""
        WITH r AS (SELECT {group} AS g, {selects} FROM equity_activity WHERE {WHERE})
        SELECT g, {", ".join(f"{n}" for n in fields)},
               {", ".join(f"GROUPING({n}) AS grouped_{n}" for n in fields)},
               count(*) AS records
        FROM r GROUP BY GROUPING SETS ({sets})
        """,  # noqa: S608 - our expressions and checked codes only
        *_args(dataset_id, f),
    )
    out: dict[str, dict[tuple[str, str], int]] = {name: {} for name in fields}
    for r in rows:
        for name in fields:
            if r[f"grouped_{name}"] == 0:
                out[name][(r["g"], r[name])] = r["records"]
    return out


async def observed_counts(
    conn: asyncpg.Connection,
    dataset_id: int,
    by: str,
    plus_groups: Sequence[str],
    f: Filters,
    areas: Sequence[str] | None,
) -> dict[str, int]:
    """People (distinct person keys; a record without one is a person of its own) by group,
    optionally only those living in the reference population's areas."""
    category = breakdown_sql(by, plus_groups)
    rows = await conn.fetch(
        f"""
        SELECT {category} AS category,
               count(DISTINCT person_key) + count(*) FILTER (WHERE person_key IS NULL) AS people
        FROM equity_activity
        WHERE {WHERE} AND ($5::text[] IS NULL OR lsoa = ANY($5))
        GROUP BY 1
        """,  # noqa: S608 - our expressions and checked codes only
        *_args(dataset_id, f),
        list(areas) if areas is not None else None,
    )
    return {r["category"]: int(r["people"]) for r in rows}
