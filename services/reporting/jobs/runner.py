"""Runs one job in the worker that accepted it, with the requester's token held in memory
only (never stored). The file is kept in the job's row until it expires."""

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.common.errors import ProblemError
from services.reporting.db.models import ReportJob
from services.reporting.machinery.render import render_html, render_pdf
from services.reporting.machinery.report import Report, ReportDocument

log = logging.getLogger("equitas.reporting.jobs")
# A job still running after this long died with its worker.
STALE_AFTER = timedelta(minutes=10)
SWEEP_EVERY_S = 60.0


def now() -> datetime:
    return datetime.now(UTC)


async def _set(
    sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID, **values: Any
) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(ReportJob).where(col(ReportJob.id) == job_id).values(**values))


async def run_job(
    sessions: async_sessionmaker[AsyncSession],
    job_id: uuid.UUID,
    report: Report[Any],
    make: Callable[[], Awaitable[ReportDocument]],
    file_format: str,
    ttl: timedelta,
) -> None:
    try:
        await _set(sessions, job_id, status="running", stage="fetching", progress=10)
        document = await make()
        await _set(sessions, job_id, stage="rendering", progress=60)
        if file_format == "pdf":
            body = await render_pdf(report, document)
        else:
            body = render_html(report, document, for_print=False).encode()
        finished = now()
        await _set(
            sessions,
            job_id,
            status="done",
            stage="done",
            progress=100,
            result=body,
            filename=f"{document.filename}.{file_format}",
            finished_at=finished,
            expires_at=finished + ttl,
        )
    except ProblemError as exc:  # an upstream refusal or outage: the requester is told why
        await _failed(sessions, job_id, exc.status, exc.detail or type(exc).__name__, ttl)
    except asyncio.CancelledError:
        await _failed(sessions, job_id, 503, "The service stopped before the report was made", ttl)
        raise
    except Exception:
        log.exception("report job failed", extra={"job": str(job_id)})
        await _failed(sessions, job_id, 500, "The report could not be made", ttl)


async def _failed(
    sessions: async_sessionmaker[AsyncSession],
    job_id: uuid.UUID,
    status: int,
    detail: str,
    ttl: timedelta,
) -> None:
    finished = now()
    await _set(
        sessions,
        job_id,
        status="failed",
        stage="failed",
        error_status=status,
        error_detail=detail[:2000],
        finished_at=finished,
        expires_at=finished + ttl,
    )


async def delete_expired(session: AsyncSession) -> None:
    await session.execute(delete(ReportJob).where(col(ReportJob.expires_at) < now()))


async def sweep_expired_jobs(
    sessions: async_sessionmaker[AsyncSession], every_s: float = SWEEP_EVERY_S
) -> None:
    """Delete expired jobs and their files, every ``every_s`` seconds, in every worker (an
    expired job is already refused on read: this frees the space)."""
    while True:
        await asyncio.sleep(every_s)
        try:
            async with sessions() as session, session.begin():
                await delete_expired(session)
        except Exception:  # the database may be restarting: try again next time
            log.warning("expired report jobs not deleted this time", exc_info=False)
