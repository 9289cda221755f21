"""The bookkeeping of ``equitas-ingest patients`` (``bulk_load``): each Bundle's answer
line by line, what this run saw, what the whole load did (``extract_file.State``: each
line's first outcome, so a Bundle sent again after a crash is not counted as unchanged),
the progress bar in Patients and the rejects file."""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

import httpx
import orjson
from rich.progress import Progress

from services.scoring.fhir.extract_file import (
    Batch,
    Counts,
    InDoubt,
    Outcome,
    State,
    count_lines,
)

__all__ = ["BatchResult", "Bookkeeping", "LineAnswer"]


@dataclass
class LineAnswer:
    line: int
    outcome: Outcome
    changed_at: datetime | None = None  # when the server last changed the Patient
    version: int | None = None


@dataclass
class BatchResult:
    batch: Batch
    answers: list[LineAnswer]  # every line with a Patient or a reject, in line order
    rejects: list[dict[str, Any]]

    def counts(self) -> Counts:
        """What the server answered."""
        counts = Counts()
        for answer in self.answers:
            counts.count(answer.outcome)
        return counts


class Bookkeeping:
    """A load's progress: what this run saw, what the whole load did (``State``), the
    progress bar (in Patients) and the rejects file."""

    def __init__(
        self,
        path: Path,
        state: State,
        progress: Progress,
        *,
        state_path: Path | None,
        rejects_path: Path | None,
    ) -> None:
        self.state, self.progress, self.state_path = state, progress, state_path
        self.run = Counts()
        self.done: dict[int, tuple[BatchResult, Counts]] = {}
        self.next_number = 0
        total = state.line + count_lines(path, state.offset)
        self.task = progress.add_task(self.run.line(), total=total, completed=state.line)
        self.rejects_file: IO[bytes] | None = None
        if rejects_path is not None:
            self.rejects_file = rejects_path.open("ab")
        self._server_clock: tuple[datetime, float] | None = None
        self.sent: dict[int, InDoubt] = {}  # by batch number, until answered

    def close(self) -> None:
        if self.rejects_file is not None:
            self.rejects_file.close()

    def _save(self) -> None:
        if self.state_path is not None:
            self.state.save(self.state_path)

    def set_server_clock(self, response: httpx.Response) -> None:
        date = response.headers.get("date")
        if date:
            self._server_clock = (parsedate_to_datetime(date), time.monotonic())

    def sending(self, batch: Batch) -> None:
        """Remember the Bundle until it is answered: its answer may be lost in a crash."""
        if self._server_clock is None or not batch.entries:
            return
        server_then, at = self._server_clock
        # The Date header is whole seconds: a second earlier is surely before sending.
        sent_after = server_then + timedelta(seconds=time.monotonic() - at - 1)
        sent = InDoubt(batch.first_line, batch.end_line, sent_after.isoformat())
        self.sent[batch.number] = sent
        self.state.in_doubt.append(sent)
        self._save()

    def answered(self, result: BatchResult) -> None:
        """A Bundle's answer, in whatever order: remember each line's first outcome."""
        batch = result.batch
        sent = self.sent.pop(batch.number, None)
        # Only this run's entry: one a crashed run left for these lines still counts.
        self.state.in_doubt = [entry for entry in self.state.in_doubt if entry is not sent]
        first = Counts()
        for answer in result.answers:
            outcome = self.state.first_outcome(
                answer.line, answer.outcome, answer.changed_at, answer.version
            )
            self.state.outcomes[str(answer.line)] = outcome
            first.count(outcome)
        self.done[batch.number] = (result, first)
        self._save()
        self.progress.advance(self.task, batch.end_line - batch.first_line + 1)
        self.acknowledge()

    def acknowledge(self) -> None:
        """Record every finished Bundle that has no unfinished one before it."""
        while self.next_number in self.done:
            result, first = self.done.pop(self.next_number)
            if self.rejects_file is not None and result.rejects:
                self.rejects_file.writelines(orjson.dumps(r) + b"\n" for r in result.rejects)
                self.rejects_file.flush()
            self.run.add(result.counts())
            self.state.counts.add(first)
            self.state.offset, self.state.line = result.batch.end_offset, result.batch.end_line
            self.state.acknowledged()
            self._save()
            self.progress.update(self.task, description=self.run.line())
            self.next_number += 1
