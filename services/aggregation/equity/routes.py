"""Service equity analysis over HTTP: datasets and their imports (files or pushed rows)."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import IO, Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import Field

from services.aggregation.access.auth import scope_of
from services.aggregation.access.scope import ReaderScope
from services.aggregation.equity import access, analysis, imports, queries
from services.aggregation.equity.answers import ANSWERS
from services.aggregation.equity.records import HeaderProblem, RowProblem
from services.aggregation.equity.schemas import (
    ActivityRows,
    DatasetCreate,
    DatasetRead,
    EquityCompleteness,
    EquityEngagement,
    EquityEngagementRow,
    EquityEvaluation,
    EquityEvaluationRow,
    EquityFieldCompleteness,
    EquityFigure,
    EquityGap,
    EquityInequalityIndex,
    EquityReferenceCreate,
    EquityReferenceRead,
    EquityRepresentation,
    EquityRepresentationRow,
    EquityStepRead,
    EquityStepWrite,
    EquitySummary,
    ImportRead,
    RowRefusal,
)
from services.aggregation.equity.settings import equity_settings
from services.aggregation.statistics import suppress_count
from services.common.auth import Credentials, Principal, current_principal, require
from services.common.direct import direct_connection
from services.common.errors import (
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    ProblemError,
    problem_responses,
)
from services.common.input_rules import BIGINT_MAX
from services.common.pagination import CursorPosition, Page, decode_cursor, encode_cursor
from services.common.permissions import Permission

router = APIRouter(
    prefix="/api/aggregation/equity",
    tags=["equity"],
    responses=problem_responses(401, 403, 422),
)

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DatasetId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]


class UnsupportedType(ProblemError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


@dataclass(frozen=True)
class Caller:
    principal: Principal
    scope: ReaderScope


async def equity_caller(request: Request, credentials: Credentials) -> Caller:
    principal = await current_principal(request, credentials)
    return Caller(principal, await scope_of(request, principal))


EquityCaller = Annotated[Caller, Depends(equity_caller)]


class AfterId(CursorPosition):
    id: int = Field(ge=0, le=BIGINT_MAX)


DATASET_SELECT = """
SELECT d.id, d.unit_code, d.title, d.plus_groups, d.created_at,
       imported.records, imported.generation,
       (SELECT min(referral_date) FROM equity_activity a WHERE a.dataset_id = d.id) AS first_referral,
       (SELECT max(referral_date) FROM equity_activity a WHERE a.dataset_id = d.id) AS last_referral
FROM equity_dataset d
CROSS JOIN LATERAL (
    SELECT COALESCE(sum(rows_imported), 0) AS records, COALESCE(max(id), 0) AS generation
    FROM equity_import i WHERE i.dataset_id = d.id AND i.status = 'imported'
) imported
"""


def _dataset_read(row: asyncpg.Record, caller: Caller) -> DatasetRead:
    return DatasetRead(
        id=row["id"],
        unit_code=row["unit_code"],
        title=row["title"],
        plus_groups=list(row["plus_groups"]),
        created_at=row["created_at"],
        records=suppress_count(int(row["records"])),
        first_referral=row["first_referral"],
        last_referral=row["last_referral"],
        may_upload=access.may_write(caller.principal, caller.scope, row["unit_code"]),
    )


async def readable_dataset(
    conn: asyncpg.Connection, caller: Caller, dataset_id: int
) -> asyncpg.Record:
    """The dataset, or 404 when it does not exist or is outside the caller's scope (whether
    a service has data is not shown to those who may not read it)."""
    row = await conn.fetchrow(DATASET_SELECT + " WHERE d.id = $1", dataset_id)
    if row is None or not access.may_read(caller.scope, row["unit_code"]):
        raise NotFound("No such dataset among those you may read")
    return row


def _writable(caller: Caller, row: asyncpg.Record) -> None:
    if not access.may_write(caller.principal, caller.scope, row["unit_code"]):
        raise Forbidden(
            "Only the team's lead, or an analyst or administrator of the providing "
            "organisation, may import activity data or change the action plan"
        )


@router.post(
    "/datasets",
    status_code=201,
    summary="A new activity dataset of a team or organisation",
    responses=problem_responses(400, 403, 422),
)
async def create_dataset(
    caller: EquityCaller, body: DatasetCreate, request: Request
) -> DatasetRead:
    if not access.may_write(caller.principal, caller.scope, body.unit_code):
        raise Forbidden(
            "You may create datasets only for a team you lead or, as an analyst or "
            "administrator of a trust, for it or its teams",
            errors=[FieldProblem(field="body.unit_code", message="is not a unit you may write")],
        )
    problems = []
    for at, group in enumerate(body.plus_groups):
        try:
            queries.check_plus_group(group)
        except queries.BadPlusGroup as exc:
            problems.append(FieldProblem(field=f"body.plus_groups[{at}]", message=str(exc)))
    if problems:
        raise InvalidInput("A PLUS group is not one this service can define", errors=problems)
    async with direct_connection(request.app.state.engine) as conn:
        new_id = await conn.fetchval(
            "INSERT INTO equity_dataset (unit_code, title, plus_groups, created_by, created_at) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            body.unit_code,
            body.title,
            sorted(set(body.plus_groups)),
            caller.principal.subject,
            datetime.now(UTC),
        )
        row = await conn.fetchrow(DATASET_SELECT + " WHERE d.id = $1", new_id)
    return _dataset_read(row, caller)


@router.get("/datasets", summary="Activity datasets you may read, newest first")
async def list_datasets(
    caller: EquityCaller,
    request: Request,
    unit: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9\-]+$")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[DatasetRead]:
    after = decode_cursor(cursor, AfterId)
    readable = [caller.scope.organisation_code, *caller.scope.unit_codes, *caller.scope.team_codes]
    async with direct_connection(request.app.state.engine) as conn:
        rows = await conn.fetch(
            DATASET_SELECT + " WHERE d.unit_code = ANY($1::text[]) AND ($2::text IS NULL OR "
            "d.unit_code = $2) AND ($3::bigint IS NULL OR d.id < $3) ORDER BY d.id DESC LIMIT $4",
            readable,
            unit,
            after.id if after else None,
            limit + 1,
        )
    items = [
        _dataset_read(r, caller)
        for r in rows[:limit]
        if access.may_read(caller.scope, r["unit_code"])
    ]
    more = len(rows) > limit
    return Page(
        items=items, next_cursor=encode_cursor(AfterId(id=rows[limit - 1]["id"])) if more else None
    )


@router.get(
    "/datasets/{dataset_id}", summary="One activity dataset", responses=problem_responses(404)
)
async def get_dataset(caller: EquityCaller, dataset_id: DatasetId, request: Request) -> DatasetRead:
    async with direct_connection(request.app.state.engine) as conn:
        return _dataset_read(await readable_dataset(conn, caller, dataset_id), caller)


def _import_read(row: asyncpg.Record) -> ImportRead:
    problems = row["problems"]
    if isinstance(problems, str):
        import json

        problems = json.loads(problems)
    return ImportRead(
        id=row["id"],
        dataset_id=row["dataset_id"],
        source=row["source"],
        status=row["status"],
        rows_read=row["rows_read"],
        rows_imported=row["rows_imported"],
        rows_rejected=row["rows_rejected"],
        problems=[RowRefusal(**p) for p in problems],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _refusal(
    problems: list[RowProblem] | list[HeaderProblem], rejected: int, import_id: int, json_rows: bool
) -> InvalidInput:
    errors: list[FieldProblem] = []
    for p in problems[: imports.PROBLEMS_KEPT]:
        if isinstance(p, HeaderProblem):
            errors.append(FieldProblem(field=f"header.{p.column}", message=p.message))
        elif json_rows:
            errors.append(
                FieldProblem(field=f"body.rows[{p.row - 2}].{p.column}", message=p.message)
            )
        else:
            errors.append(FieldProblem(field=f"row[{p.row}].{p.column}", message=p.message))
    if problems and isinstance(problems[0], HeaderProblem):
        detail = "The header is not that of an activity file; nothing was imported"
    else:
        detail = (
            f"{rejected} row{'s' if rejected != 1 else ''} refused; nothing was imported "
            f"(import {import_id}; the first {imports.PROBLEMS_KEPT} problems are listed)"
        )
    return InvalidInput(detail, errors=errors)


async def _import(
    request: Request,
    caller: Caller,
    dataset_id: int,
    source: str,
    rows_of: Any,
    json_rows: bool = False,
) -> ImportRead:
    engine = request.app.state.engine
    settings = equity_settings()
    key = settings.equity_pseudonym_key
    async with direct_connection(engine) as conn:
        _writable(caller, await readable_dataset(conn, caller, dataset_id))
        import_id = await imports.start_import(conn, dataset_id, source, caller.principal.subject)
    outcome = imports.Outcome(import_id)
    try:
        result = await imports.run_import(
            engine,
            rows_of(),
            dataset_id=dataset_id,
            import_id=import_id,
            may_pseudonymise=key is not None,
            key=key.get_secret_value().encode() if key is not None else None,
        )
    except imports.FileUnreadable as exc:
        await imports.finish_refused(engine, outcome, [HeaderProblem("file", str(exc))])
        raise InvalidInput(
            str(exc), errors=[FieldProblem(field="body", message=str(exc))]
        ) from None
    except BaseException:
        async with direct_connection(engine) as conn:
            await conn.execute(
                "UPDATE equity_import SET status = 'failed', finished_at = now() WHERE id = $1",
                import_id,
            )
        raise
    if isinstance(result, list):
        await imports.finish_refused(engine, outcome, result)
        raise _refusal(result, 0, import_id, json_rows)
    if result.status == "rejected":
        raise _refusal(result.problems, result.rows_rejected, import_id, json_rows)
    async with direct_connection(engine) as conn:
        row = await conn.fetchrow("SELECT * FROM equity_import WHERE id = $1", import_id)
    return _import_read(row)


FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The activity file: CSV (UTF-8, header row first) or an XLSX workbook "
        "(its first sheet). Columns: docs/equity.md.",
        "content": {
            CSV_TYPE: {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/datasets/{dataset_id}/files",
    status_code=201,
    summary="Import an activity file (CSV or XLSX): every row or none",
    openapi_extra=FILE_BODY,
    responses=problem_responses(404, 413, 415),
)
async def import_file(
    caller: EquityCaller,
    dataset_id: DatasetId,
    request: Request,
    content_type: Annotated[str, Header(max_length=200)] = "",
) -> ImportRead:
    media = content_type.split(";")[0].strip().lower()
    if media not in (CSV_TYPE, XLSX_TYPE):
        raise UnsupportedType(f"Send the file as {CSV_TYPE} or {XLSX_TYPE}")
    async with direct_connection(request.app.state.engine) as conn:
        _writable(caller, await readable_dataset(conn, caller, dataset_id))
    try:
        file = await imports.spool(request.stream(), equity_settings().equity_upload_max_bytes)
    except OverflowError:
        raise PayloadTooLarge("The file is larger than this service accepts") from None
    try:
        if media == CSV_TYPE:
            return await _import(request, caller, dataset_id, "csv", lambda: imports.csv_rows(file))
        return await _import_xlsx(request, caller, dataset_id, file)
    finally:
        file.close()


async def _import_xlsx(
    request: Request, caller: Caller, dataset_id: int, file: IO[bytes]
) -> ImportRead:
    import shutil
    import tempfile
    from pathlib import Path as FilePath

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as disk:
        await asyncio.to_thread(shutil.copyfileobj, file, disk)
        disk.flush()
        return await _import(
            request, caller, dataset_id, "xlsx", lambda: imports.xlsx_rows(FilePath(disk.name))
        )


@router.post(
    "/datasets/{dataset_id}/rows",
    status_code=201,
    summary="Push activity rows (up to 10,000 at once): every row or none",
    responses=problem_responses(400, 404),
)
async def push_rows(
    caller: EquityCaller, dataset_id: DatasetId, body: ActivityRows, request: Request
) -> ImportRead:
    return await _import(
        request, caller, dataset_id, "json", lambda: imports.json_rows(body.rows), json_rows=True
    )


@router.get(
    "/datasets/{dataset_id}/imports/{import_id}",
    summary="One import: its progress while it reads, then what was imported or refused",
    responses=problem_responses(404),
)
async def get_import(
    caller: EquityCaller,
    dataset_id: DatasetId,
    import_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)],
    request: Request,
) -> ImportRead:
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        row = await conn.fetchrow(
            "SELECT * FROM equity_import WHERE id = $1 AND dataset_id = $2", import_id, dataset_id
        )
    # Imports (row numbers and why rows were refused) are for those who import.
    if row is None or not access.may_write(caller.principal, caller.scope, dataset["unit_code"]):
        raise NotFound("No such import of this dataset")
    return _import_read(row)


# Analyses --------------------------------------------------------------------------------

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


async def _dataset_for_analysis(
    request: Request, caller: Caller, dataset_id: int
) -> asyncpg.Record:
    async with direct_connection(request.app.state.engine) as conn:
        return await readable_dataset(conn, caller, dataset_id)


def _engagement(dataset: asyncpg.Record, by: str, groups: list[Any]) -> EquityEngagement:
    result = analysis.engagement(by, groups)
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
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        key = ("engagement", dataset_id, dataset["generation"], by, period)
        if (found := ANSWERS.get(key, EquityEngagement)) is not None:
            return found
        groups = await queries.group_totals(
            conn, dataset_id, by, dataset["plus_groups"], period.filters()
        )
    return ANSWERS.put(key, await asyncio.to_thread(_engagement, dataset, by, groups))


def _completeness_rows(counts: dict[str, dict[tuple[str, str], int]], by: str) -> list[Any]:
    rows = []
    for field_name, by_group in counts.items():
        rows.extend(analysis.completeness(by, field_name, by_group))
    return analysis.mark_least_complete(rows)


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
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        key = ("completeness", dataset_id, dataset["generation"], by, period)
        if (found := ANSWERS.get(key, EquityCompleteness)) is not None:
            return found
        counts = await queries.completeness_counts(
            conn, dataset_id, by, dataset["plus_groups"], period.filters()
        )
    rows = await asyncio.to_thread(_completeness_rows, counts, by or "all")
    return ANSWERS.put(
        key,
        EquityCompleteness(
            dataset_id=dataset_id,
            unit_code=dataset["unit_code"],
            caveats=ANALYSIS_CAVEATS,
            by=by,
            rows=[EquityFieldCompleteness.model_validate(r) for r in rows],
        ),
    )


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
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        key = (
            "representation",
            dataset_id,
            dataset["generation"],
            reference,
            catchment_only,
            period,
        )
        if (found := ANSWERS.get(key, EquityRepresentation)) is not None:
            return found
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
    rows = analysis.representation(by, observed, {r["category"]: int(r["people"]) for r in counts})
    return ANSWERS.put(
        key,
        EquityRepresentation(
            dataset_id=dataset_id,
            unit_code=dataset["unit_code"],
            caveats=[
                *ANALYSIS_CAVEATS,
                "Proportional representation is a starting point: a group with greater need may "
                "need to be over-represented for equitable access.",
                "Not stated and not known are left out of both sides of the comparison.",
            ],
            by=by,
            reference_id=reference,
            rows=[EquityRepresentationRow.model_validate(r) for r in rows],
            absent_groups=[r.category for r in rows if r.absent],
        ),
    )


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
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        key = (
            "evaluation", dataset_id, dataset["generation"], intervention, measure, by,
            baseline_from, after_to, focus, clinical_area,
        )  # fmt: skip
        if (found := ANSWERS.get(key, EquityEvaluation)) is not None:
            return found
        plus = dataset["plus_groups"]
        before = await queries.group_totals(
            conn, dataset_id, by, plus,
            queries.Filters(baseline_from, intervention - timedelta(days=1), clinical_area),
        )  # fmt: skip
        after = await queries.group_totals(
            conn, dataset_id, by, plus, queries.Filters(intervention, after_to, clinical_area)
        )
    result = await asyncio.to_thread(analysis.evaluation, by, measure, before, after, focus)
    return ANSWERS.put(
        key,
        EquityEvaluation(
            dataset_id=dataset_id,
            unit_code=dataset["unit_code"],
            caveats=[*ANALYSIS_CAVEATS, *analysis.CAVEATS],
            by=by,
            measure=measure,
            baseline_from=baseline_from,
            intervention=intervention,
            after_to=after_to,
            rows=[EquityEvaluationRow.model_validate(r) for r in result.rows],
            gap=EquityGap.model_validate(result.gap) if result.gap is not None else None,
        ),
    )


@router.get(
    "/datasets/{dataset_id}/summary",
    summary="The equity summary: completeness of every field, and engagement by IMD quintile, "
    "Core20PLUS, ethnic group, age band and sex",
    responses=problem_responses(404),
)
async def get_summary(
    caller: EquityCaller, dataset_id: DatasetId, request: Request, period: Windowed
) -> EquitySummary:
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        key = ("summary", dataset_id, dataset["generation"], period)
        if (found := ANSWERS.get(key, EquitySummary)) is not None:
            return found
        plus = dataset["plus_groups"]
        counts = await queries.completeness_counts(conn, dataset_id, None, plus, period.filters())
        grouped = await queries.group_totals_by(
            conn, dataset_id, SUMMARY_BREAKDOWNS, plus, period.filters()
        )

    def build() -> EquitySummary:
        return EquitySummary(
            dataset_id=dataset_id,
            unit_code=dataset["unit_code"],
            caveats=ANALYSIS_CAVEATS,
            completeness=[
                EquityFieldCompleteness.model_validate(r) for r in _completeness_rows(counts, "all")
            ],
            engagement=[_engagement(dataset, by, groups) for by, groups in grouped.items()],
        )

    return ANSWERS.put(key, await asyncio.to_thread(build))


# Reference populations -------------------------------------------------------------------

OrganisationAdmin = Annotated[Principal, Depends(require(Permission.organisation_admin))]


@router.post(
    "/reference-populations",
    status_code=201,
    summary="Load a census-style reference population (area x group counts) for a catchment",
    responses=problem_responses(400),
)
async def create_reference(
    admin: OrganisationAdmin, body: EquityReferenceCreate, request: Request
) -> EquityReferenceRead:
    if body.dimension not in queries.BREAKDOWN_NAMES:
        raise InvalidInput(
            "The groups must be a breakdown of activity data",
            errors=[
                FieldProblem(
                    field="body.dimension",
                    message="is not one of " + ", ".join(queries.BREAKDOWN_NAMES),
                )
            ],
        )
    seen: set[tuple[str, str]] = set()
    for at, c in enumerate(body.counts):
        if (c.area_code, c.category) in seen:
            raise InvalidInput(
                "An area and group appear twice",
                errors=[
                    FieldProblem(field=f"body.counts[{at}]", message="repeats an area and group")
                ],
            )
        seen.add((c.area_code, c.category))
    async with direct_connection(request.app.state.engine) as conn, conn.transaction():
        new_id = await conn.fetchval(
            "INSERT INTO equity_reference_population (title, dimension, created_by, created_at) "
            "VALUES ($1, $2, $3, $4) RETURNING id",
            body.title,
            body.dimension,
            admin.subject,
            datetime.now(UTC),
        )
        await conn.copy_records_to_table(
            "equity_reference_count",
            records=[(new_id, c.area_code, c.category, c.people) for c in body.counts],
            columns=["population_id", "area_code", "category", "people"],
        )
        row = await conn.fetchrow(REFERENCE_SELECT + " WHERE p.id = $1", new_id)
    return _reference_read(row)


REFERENCE_SELECT = """
SELECT p.id, p.title, p.dimension, p.created_at,
       (SELECT count(DISTINCT area_code) FROM equity_reference_count c WHERE c.population_id = p.id)
           AS areas,
       (SELECT COALESCE(sum(people), 0) FROM equity_reference_count c WHERE c.population_id = p.id)
           AS people
FROM equity_reference_population p
"""


def _reference_read(row: asyncpg.Record) -> EquityReferenceRead:
    return EquityReferenceRead(
        id=row["id"],
        title=row["title"],
        dimension=row["dimension"],
        areas=int(row["areas"]),
        people=int(row["people"]),
        created_at=row["created_at"],
    )


@router.get(
    "/reference-populations",
    summary="Reference populations (published census figures: any reader may use any)",
)
async def list_references(caller: EquityCaller, request: Request) -> list[EquityReferenceRead]:
    async with direct_connection(request.app.state.engine) as conn:
        rows = await conn.fetch(REFERENCE_SELECT + " ORDER BY p.id DESC LIMIT 200")
    return [_reference_read(r) for r in rows]


# The action plan -------------------------------------------------------------------------

STEP_COLUMNS = (
    "stage", "action", "owner_role", "starts_on", "due_on", "status", "analysis", "breakdown",
    "category",
)  # fmt: skip


INSERT_STEP = (
    "INSERT INTO equity_action_step (unit_code, dataset_id, "  # noqa: S608 - our columns
    + ", ".join(STEP_COLUMNS)
    + ", created_by, created_at, updated_at) VALUES ($1, $2, "
    + ", ".join(f"${i + 3}" for i in range(len(STEP_COLUMNS) + 2))
    + f", ${len(STEP_COLUMNS) + 4}) RETURNING *"
)
UPDATE_STEP = (
    "UPDATE equity_action_step SET "  # noqa: S608 - our columns
    + ", ".join(f"{k} = ${i + 3}" for i, k in enumerate(STEP_COLUMNS))
    + f", updated_at = ${len(STEP_COLUMNS) + 3} WHERE id = $1 AND dataset_id = $2 RETURNING *"
)


def _step_read(row: asyncpg.Record) -> EquityStepRead:
    return EquityStepRead(
        **{k: row[k] for k in (*STEP_COLUMNS, "id", "dataset_id", "created_at", "updated_at")}
    )


def _check_step(body: EquityStepWrite) -> None:
    if body.starts_on and body.due_on and body.due_on < body.starts_on:
        raise InvalidInput(
            "The step is due before it starts",
            errors=[FieldProblem(field="body.due_on", message="is before starts_on")],
        )


@router.get(
    "/datasets/{dataset_id}/steps",
    summary="The service's health-inequalities action plan, step by step",
    responses=problem_responses(404),
)
async def list_steps(
    caller: EquityCaller, dataset_id: DatasetId, request: Request
) -> list[EquityStepRead]:
    async with direct_connection(request.app.state.engine) as conn:
        await readable_dataset(conn, caller, dataset_id)
        rows = await conn.fetch(
            "SELECT * FROM equity_action_step WHERE dataset_id = $1 ORDER BY id", dataset_id
        )
    return [_step_read(r) for r in rows]


@router.post(
    "/datasets/{dataset_id}/steps",
    status_code=201,
    summary="Add a step to the action plan (structured fields only: decision 0033)",
    responses=problem_responses(400, 404),
)
async def create_step(
    caller: EquityCaller, dataset_id: DatasetId, body: EquityStepWrite, request: Request
) -> EquityStepRead:
    _check_step(body)
    now = datetime.now(UTC)
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        _writable(caller, dataset)
        row = await conn.fetchrow(
            INSERT_STEP,
            dataset["unit_code"],
            dataset_id,
            *[getattr(body, k) for k in STEP_COLUMNS],
            caller.principal.subject,
            now,
        )
    return _step_read(row)


@router.put(
    "/datasets/{dataset_id}/steps/{step_id}",
    summary="Change a step of the action plan (its status, dates, owner)",
    responses=problem_responses(400, 404),
)
async def update_step(
    caller: EquityCaller,
    dataset_id: DatasetId,
    step_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)],
    body: EquityStepWrite,
    request: Request,
) -> EquityStepRead:
    _check_step(body)
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
        _writable(caller, dataset)
        row = await conn.fetchrow(
            UPDATE_STEP,
            step_id,
            dataset_id,
            *[getattr(body, k) for k in STEP_COLUMNS],
            datetime.now(UTC),
        )
    if row is None:
        raise NotFound("No such step in this dataset's action plan")
    return _step_read(row)
