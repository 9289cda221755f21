"""The equity analyses over HTTP: engagement, completeness, representation, evaluation and
the summary of a dataset, each remembered until the dataset's next import (``answers``)."""

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any, Literal, TypeVar

import asyncpg
from fastapi import Depends, Query, Request
from pydantic import BaseModel

from services.aggregation.equity import queries
from services.aggregation.equity.analysis.completeness import completeness_rows
from services.aggregation.equity.analysis.engagement import engagement
from services.aggregation.equity.analysis.evaluation import CAVEATS, evaluation
from services.aggregation.equity.analysis.representation import representation
from services.aggregation.equity.answers import ANSWERS
from services.aggregation.equity.routes.caller import (
    Caller,
    DatasetId,
    EquityCaller,
    equity_router,
    readable_dataset,
)
from services.aggregation.equity.schemas import (
    EquityCompleteness,
    EquityEngagement,
    EquityEngagementRow,
    EquityEvaluation,
    EquityEvaluationRow,
    EquityFieldCompleteness,
    EquityFigure,
    EquityGap,
    EquityInequalityIndex,
    EquityRepresentation,
    EquityRepresentationRow,
    EquitySummary,
)
from services.common.direct import direct_connection
from services.common.errors import FieldProblem, InvalidInput, NotFound, problem_responses
from services.common.input_rules import BIGINT_MAX

router = equity_router()

Breakdown = Literal[
    "imd_quintile", "imd_decile", "core20", "core20plus", "inclusion_health", "quarter",
    "ethnic_group", "ethnic_category", "age_band", "sex", "religion", "sexual_orientation",
    "carer", "disability", "military_service", "pregnancy", "interpreter_needed",
]  # fmt: skip
ClinicalArea = Literal[
    "maternity", "severe_mental_illness", "chronic_respiratory", "early_cancer",
    "hypertension", "asthma", "diabetes", "epilepsy", "oral_health", "mental_health",
]  # fmt: skip
Measure = Literal["opt_in", "dna", "drop_out", "length_of_stay", "outcome_change"]
SUMMARY_BREAKDOWNS: tuple[str, ...] = (
    "imd_quintile",
    "core20plus",
    "ethnic_group",
    "age_band",
    "sex",
)
ANALYSIS_CAVEATS = [
    "Figures describe this service's recorded activity; they are not a performance measure.",
    "Counts are rounded to the nearest 5 and counts of 1 to 7 hidden, so totals may not add up.",
    "Unknown and not stated values are kept apart; many unknowns can hide an inequality.",
]


@dataclass(frozen=True)
class Window:
    start: date | None
    end: date | None
    clinical_area: str | None

    def filters(self) -> queries.Filters:
        return queries.Filters(self.start, self.end, self.clinical_area)


def window(
    from_: Annotated[date | None, Query(alias="from", description="Referrals on or after")] = None,
    to: Annotated[date | None, Query(description="Referrals on or before")] = None,
    clinical_area: Annotated[
        ClinicalArea | None, Query(description="Only records with this tag")
    ] = None,
) -> Window:
    if from_ is not None and to is not None and to < from_:
        raise InvalidInput(
            "The period ends before it starts",
            errors=[FieldProblem(field="query.to", message="is before from")],
        )
    return Window(from_, to, clinical_area)


Windowed = Annotated[Window, Depends(window)]
Answer = TypeVar("Answer", bound=BaseModel)
Counts = TypeVar("Counts")


async def answer(
    request: Request,
    caller: Caller,
    dataset_id: int,
    question: Hashable,
    count: Callable[[asyncpg.Connection, asyncpg.Record], Awaitable[Counts]],
    build: Callable[[asyncpg.Record, Counts], Answer],
    kind: type[Answer],
) -> Answer:
    """An analysis of a readable dataset: its remembered answer to ``question`` while the
    dataset is unchanged, else the true counts (``count``, in SQL) made into the published
    answer (``build``, the statistics, in a worker thread) and remembered. Access is checked
    first, so no one reaches a remembered answer they may not read."""
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        key = (kind.__name__, dataset_id, dataset["generation"], question)
        if (found := ANSWERS.get(key, kind)) is not None:
            return found
        counts = await count(conn, dataset)
    return ANSWERS.put(key, await asyncio.to_thread(build, dataset, counts))


def _engagement(dataset: asyncpg.Record, by: str, groups: list[Any]) -> EquityEngagement:
    result = engagement(by, groups)
    return EquityEngagement(
        dataset_id=dataset["id"],
        unit_code=dataset["unit_code"],
        caveats=ANALYSIS_CAVEATS,
        by=by,
        rows=[EquityEngagementRow.model_validate(r) for r in result.rows],
        total=EquityEngagementRow.model_validate(result.total),
        inequality=[
            EquityInequalityIndex(
                measure=m, sii=EquityFigure.model_validate(s), rii=EquityFigure.model_validate(r)
            )
            for m, (s, r) in result.sii.items()
        ],
    )


def _completeness(counts: dict[str, dict[tuple[str, str], int]], by: str | None) -> list[Any]:
    return [
        EquityFieldCompleteness.model_validate(r) for r in completeness_rows(counts, by or "all")
    ]


@router.get(
    "/datasets/{dataset_id}/engagement",
    summary="Opt-in, DNA, drop-out, length of stay and outcome change by group",
    responses=problem_responses(404),
)
async def get_engagement(
    caller: EquityCaller,
    dataset_id: DatasetId,
    request: Request,
    period: Windowed,
    by: Breakdown = "imd_quintile",
) -> EquityEngagement:
    async def count(conn: asyncpg.Connection, dataset: asyncpg.Record) -> list[Any]:
        return await queries.group_totals(
            conn, dataset_id, by, dataset["plus_groups"], period.filters()
        )

    return await answer(
        request, caller, dataset_id, (by, period), count,
        lambda dataset, groups: _engagement(dataset, by, groups), EquityEngagement,
    )  # fmt: skip


@router.get(
    "/datasets/{dataset_id}/completeness",
    summary="Recorded, not stated and not known per field (and per group; by=quarter: over time)",
    responses=problem_responses(404),
)
async def get_completeness(
    caller: EquityCaller,
    dataset_id: DatasetId,
    request: Request,
    period: Windowed,
    by: Breakdown | None = None,
) -> EquityCompleteness:
    async def count(
        conn: asyncpg.Connection, dataset: asyncpg.Record
    ) -> dict[str, dict[tuple[str, str], int]]:
        return await queries.completeness_counts(
            conn, dataset_id, by, dataset["plus_groups"], period.filters()
        )

    def build(
        dataset: asyncpg.Record, counts: dict[str, dict[tuple[str, str], int]]
    ) -> EquityCompleteness:
        return EquityCompleteness(
            dataset_id=dataset_id,
            unit_code=dataset["unit_code"],
            caveats=ANALYSIS_CAVEATS,
            by=by,
            rows=_completeness(counts, by),
        )

    return await answer(request, caller, dataset_id, (by, period), count, build, EquityCompleteness)


@router.get(
    "/datasets/{dataset_id}/representation",
    summary="Each group's share of the service's people against a reference population",
    responses=problem_responses(404),
)
async def get_representation(
    caller: EquityCaller,
    dataset_id: DatasetId,
    request: Request,
    period: Windowed,
    reference: Annotated[int, Query(ge=1, le=BIGINT_MAX, description="A reference population")],
    catchment_only: Annotated[
        bool, Query(description="Count only people living in the reference's areas")
    ] = False,
) -> EquityRepresentation:
    async def count(
        conn: asyncpg.Connection, dataset: asyncpg.Record
    ) -> tuple[str, dict[str, int], dict[str, int]]:
        ref = await conn.fetchrow(
            "SELECT id, dimension FROM equity_reference_population WHERE id = $1", reference
        )
        if ref is None:
            raise NotFound(
                "No such reference population",
                errors=[FieldProblem(field="query.reference", message="does not exist")],
            )
        by = ref["dimension"]
        if by not in queries.BREAKDOWN_NAMES:
            raise InvalidInput(
                "The reference population's groups are not a breakdown of activity data",
                errors=[FieldProblem(field="query.reference", message="has an unknown dimension")],
            )
        counts = await conn.fetch(
            "SELECT category, sum(people)::bigint AS people FROM equity_reference_count "
            "WHERE population_id = $1 GROUP BY category",
            reference,
        )
        areas = None
        if catchment_only:
            areas = [
                r["area_code"]
                for r in await conn.fetch(
                    "SELECT DISTINCT area_code FROM equity_reference_count WHERE population_id = $1",
                    reference,
                )
            ]
        observed = await queries.observed_counts(
            conn, dataset_id, by, dataset["plus_groups"], period.filters(), areas
        )
        return by, observed, {r["category"]: int(r["people"]) for r in counts}

    def build(
        dataset: asyncpg.Record, found: tuple[str, dict[str, int], dict[str, int]]
    ) -> EquityRepresentation:
        by, observed, reference_people = found
        rows = representation(by, observed, reference_people)
        return EquityRepresentation(
            dataset_id=dataset_id,
            unit_code=dataset["unit_code"],
            caveats=[
                *ANALYSIS_CAVEATS,
                "Proportional representation is a starting point: a group with greater need "
                "may need to be over-represented for equitable access.",
                "Not stated and not known are left out of both sides of the comparison.",
            ],
            by=by,
            reference_id=reference,
            rows=[EquityRepresentationRow.model_validate(r) for r in rows],
            absent_groups=[r.category for r in rows if r.absent],
        )

    return await answer(
        request, caller, dataset_id, (reference, catchment_only, period), count, build,
        EquityRepresentation,
    )  # fmt: skip


@router.get(
    "/datasets/{dataset_id}/evaluation",
    summary="Before against after an intervention date, per group, and whether the gap narrowed",
    responses=problem_responses(404),
)
async def get_evaluation(
    caller: EquityCaller,
    dataset_id: DatasetId,
    request: Request,
    intervention: Annotated[date, Query(description="The date the change was made")],
    measure: Measure = "dna",
    by: Breakdown = "imd_quintile",
    baseline_from: Annotated[
        date | None, Query(description="Baseline starts (default: all)")
    ] = None,
    after_to: Annotated[date | None, Query(description="After period ends (default: all)")] = None,
    focus: Annotated[
        str | None,
        Query(pattern=r"^[a-z0-9_\-+]{1,24}$", description="The group the change is for"),
    ] = None,
    clinical_area: ClinicalArea | None = None,
) -> EquityEvaluation:
    if intervention == date.min:  # the baseline ends the day before, which does not exist
        raise InvalidInput(
            "The intervention must leave a day before it for the baseline",
            errors=[FieldProblem(field="query.intervention", message="has no day before it")],
        )
    if baseline_from is not None and baseline_from >= intervention:
        raise InvalidInput(
            "The baseline must start before the intervention",
            errors=[
                FieldProblem(field="query.baseline_from", message="is not before intervention")
            ],
        )
    if after_to is not None and after_to < intervention:
        raise InvalidInput(
            "The after period must end after the intervention",
            errors=[FieldProblem(field="query.after_to", message="is before intervention")],
        )
    before_window = queries.Filters(baseline_from, intervention - timedelta(days=1), clinical_area)
    after_window = queries.Filters(intervention, after_to, clinical_area)

    async def count(conn: asyncpg.Connection, dataset: asyncpg.Record) -> tuple[Any, Any]:
        plus = dataset["plus_groups"]
        before = await queries.group_totals(conn, dataset_id, by, plus, before_window)
        after = await queries.group_totals(conn, dataset_id, by, plus, after_window)
        return before, after

    def build(dataset: asyncpg.Record, sides: tuple[Any, Any]) -> EquityEvaluation:
        result = evaluation(by, measure, *sides, focus)
        return EquityEvaluation(
            dataset_id=dataset_id,
            unit_code=dataset["unit_code"],
            caveats=[*ANALYSIS_CAVEATS, *CAVEATS],
            by=by,
            measure=measure,
            baseline_from=baseline_from,
            intervention=intervention,
            after_to=after_to,
            rows=[EquityEvaluationRow.model_validate(r) for r in result.rows],
            gap=EquityGap.model_validate(result.gap) if result.gap is not None else None,
        )

    question = (intervention, measure, by, baseline_from, after_to, focus, clinical_area)
    return await answer(request, caller, dataset_id, question, count, build, EquityEvaluation)


@router.get(
    "/datasets/{dataset_id}/summary",
    summary="The equity summary: completeness of every field, and engagement by IMD quintile, "
    "Core20PLUS, ethnic group, age band and sex",
    responses=problem_responses(404),
)
async def get_summary(
    caller: EquityCaller, dataset_id: DatasetId, request: Request, period: Windowed
) -> EquitySummary:
    async def count(conn: asyncpg.Connection, dataset: asyncpg.Record) -> tuple[Any, Any]:
        plus = dataset["plus_groups"]
        counts = await queries.completeness_counts(conn, dataset_id, None, plus, period.filters())
        grouped = await queries.group_totals_by(
            conn, dataset_id, SUMMARY_BREAKDOWNS, plus, period.filters()
        )
        return counts, grouped

    def build(dataset: asyncpg.Record, found: tuple[Any, Any]) -> EquitySummary:
        counts, grouped = found
        return EquitySummary(
            dataset_id=dataset_id,
            unit_code=dataset["unit_code"],
            caveats=ANALYSIS_CAVEATS,
            completeness=_completeness(counts, None),
            engagement=[_engagement(dataset, by, groups) for by, groups in grouped.items()],
        )

    return await answer(request, caller, dataset_id, period, count, build, EquitySummary)
