"""``POST /api/reporting/jobs`` (202 with the job's URL), ``GET .../jobs/{id}`` (progress),
``GET .../jobs/{id}/result`` (the file), ``DELETE .../jobs/{id}``. A job is its
requester's alone: to anyone else it does not exist (404)."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.auth import Authenticated, Principal
from services.common.errors import (
    Conflict,
    FieldProblem,
    InvalidInput,
    NotFound,
    ProblemError,
    problem_responses,
)
from services.reporting.commissioner_pack.data import PackRequest
from services.reporting.commissioner_pack.routes import REPORT as PACK
from services.reporting.db.models import ReportJob
from services.reporting.jobs.runner import STALE_AFTER, delete_expired, now, run_job
from services.reporting.jobs.schemas import JobCreate, JobRead
from services.reporting.machinery.report import Report
from services.reporting.machinery.routes import BINARY, TEXT, upstream_for
from services.reporting.org_summary.data import SummaryRequest, current_financial_year
from services.reporting.org_summary.routes import REPORT as SUMMARY
from services.reporting.settings import ReportingSettings

router = APIRouter(tags=["report-jobs"])
JOBS = "/api/reporting/jobs"
MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
REPORTS: dict[str, Report[Any]] = {SUMMARY.name: SUMMARY, PACK.name: PACK}


def _sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return sessions


Sessions = Annotated[async_sessionmaker[AsyncSession], Depends(_sessions)]


def _report_request(body: JobCreate) -> Any:
    year = body.year if body.year is not None else current_financial_year(datetime.now(UTC).date())
    if body.report == PACK.name:
        if body.icb is None:
            raise InvalidInput(
                "The commissioner pack needs an ICB",
                errors=[FieldProblem(field="body.icb", message="Give the ICB's ODS code")],
            )
        return PackRequest(icb=body.icb, year=year)
    return SummaryRequest(organisation=body.organisation, level=body.level, year=year)


def _read(job: ReportJob) -> JobRead:
    status = job.status
    if status in ("queued", "running") and now() - _aware(job.created_at) > STALE_AFTER:
        status = "failed"
    return JobRead(
        id=job.id,
        report=job.kind,
        format=job.format,
        status=status,
        stage=job.stage if status == job.status else "failed",
        progress=job.progress,
        created_at=job.created_at,
        finished_at=job.finished_at,
        expires_at=job.expires_at,
        result_url=f"{JOBS}/{job.id}/result" if status == "done" else None,
        error_status=job.error_status,
        error_detail=job.error_detail,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _own_job(session: AsyncSession, principal: Principal, job_id: uuid.UUID) -> ReportJob:
    job = await session.get(ReportJob, job_id)
    expired = job is not None and job.expires_at is not None and _aware(job.expires_at) < now()
    if job is None or job.requested_by != principal.subject or expired:
        raise NotFound("No such report job of yours (jobs are deleted when they expire)")
    return job


@router.post(
    JOBS,
    status_code=202,
    summary="Make an aggregate report in the background",
    responses=problem_responses(400, 401, 403, 404, 413, 422, 503),
)
async def create_job(
    body: JobCreate,
    principal: Authenticated,
    request: Request,
    response: Response,
    sessions: Sessions,
) -> JobRead:
    report = REPORTS[body.report]
    wanted = _report_request(body)
    upstream = upstream_for(request, principal)
    if report.check is not None:
        await report.check(upstream, wanted)  # refused now, as the report itself would be
    settings: ReportingSettings = request.app.state.settings
    job = ReportJob(
        kind=report.name,
        requested_by=principal.subject,
        status="queued",
        created_at=now(),
        format=body.format,
        parameters=body.model_dump(mode="json", exclude_none=True),
    )
    async with sessions() as session, session.begin():
        await delete_expired(session)
        session.add(job)
    task = asyncio.create_task(
        run_job(
            sessions,
            job.id,
            report,
            lambda: report.build(upstream, wanted),
            body.format,
            timedelta(seconds=settings.job_ttl_s),
        )
    )
    running: set[asyncio.Task[None]] = request.app.state.report_jobs
    running.add(task)
    task.add_done_callback(running.discard)
    response.headers["Location"] = f"{JOBS}/{job.id}"
    return _read(job)


@router.get(
    f"{JOBS}/{{job_id}}",
    summary="A report job's progress",
    responses=problem_responses(401, 404),
)
async def get_job(job_id: uuid.UUID, principal: Authenticated, sessions: Sessions) -> JobRead:
    async with sessions() as session:
        return _read(await _own_job(session, principal, job_id))


@router.get(
    f"{JOBS}/{{job_id}}/result",
    summary="A finished report job's file (PDF or HTML)",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": {"schema": BINARY}, "text/html": {"schema": TEXT}},
            "description": "The report",
        },
        **problem_responses(401, 403, 404, 409, 503),
    },
)
async def get_job_result(
    job_id: uuid.UUID, principal: Authenticated, sessions: Sessions
) -> Response:
    async with sessions() as session:
        job = await _own_job(session, principal, job_id)
    read = _read(job)
    if read.status == "failed":
        raise _failure(read)
    if read.status != "done" or job.result is None:
        raise Conflict(
            f"The report is not ready yet ({read.progress}% done)", headers={"Retry-After": "1"}
        )
    return Response(
        job.result,
        media_type=MEDIA[job.format],
        headers={"Content-Disposition": f'attachment; filename="{job.filename}"'},
    )


def _failure(read: JobRead) -> ProblemError:
    """The job's failure as the problem the requester would have had asking directly."""
    status = read.error_status or 503
    error = ProblemError(read.error_detail or "The report could not be made")
    error.status = status if status in (403, 404, 422, 503) else 503
    error.title = {
        403: "Not permitted",
        404: "Not found",
        422: "The request has invalid fields",
    }.get(error.status, "Service unavailable")
    error.slug = {403: "forbidden", 404: "not-found", 422: "invalid-input"}.get(
        error.status, "unavailable"
    )
    return error


@router.delete(
    f"{JOBS}/{{job_id}}",
    status_code=204,
    summary="Delete a report job and its file",
    responses=problem_responses(401, 404),
)
async def delete_job(job_id: uuid.UUID, principal: Authenticated, sessions: Sessions) -> Response:
    async with sessions() as session, session.begin():
        job = await _own_job(session, principal, job_id)
        await session.delete(job)
    return Response(status_code=204)
