"""The extract side of ``equitas-ingest``: an NDJSON file of Patients read in batches,
and the state file that makes a load resumable (the byte offset and line number after the
last Bundle acknowledged with every Bundle before it, and the counts so far).

A Bundle can be written by the server and still be sent again after a crash: it was
answered before an earlier one (Bundles finish out of order), or its answer was lost. Sent
again, its Patients come back ``unchanged``, yet this load created them. So the state also
remembers, until they are acknowledged, each answered line's outcome and each Bundle sent
but not answered (with the server's time it was sent), and the whole load's counts take a
line's first outcome (``first_outcome``)."""

import hashlib
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import orjson

_FINGERPRINT_BYTES = 65536


class StateMismatch(Exception):
    """The state file was written for another file (or the file changed)."""


Outcome = Literal["created", "updated", "unchanged", "ignored_older", "rejected"]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_older: int = 0
    rejected: int = 0

    def add(self, other: "Counts") -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def line(self) -> str:
        return (
            f"created {self.created:,} · updated {self.updated:,} · unchanged "
            f"{self.unchanged:,} · ignored-older {self.ignored_older:,} · rejected "
            f"{self.rejected:,}"
        )


@dataclass
class InDoubt:
    """Lines of a Bundle sent, not yet answered, and the server's time before it was sent."""

    first_line: int
    last_line: int
    sent_after: str  # ISO instant, server clock


@dataclass
class State:
    """How far a load has got; saved after each acknowledged Bundle."""

    file: str
    fingerprint: str
    offset: int = 0  # bytes of the file fully acknowledged
    line: int = 0  # lines of the file fully acknowledged
    counts: Counts = field(default_factory=Counts)
    complete: bool = False
    # Beyond ``line``: each answered line's first outcome (by line number) and each Bundle
    # sent but not answered.
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    in_doubt: list[InDoubt] = field(default_factory=list)

    @classmethod
    def start(cls, path: Path) -> "State":
        return cls(str(path.resolve()), _fingerprint(path))

    @classmethod
    def load(cls, state_path: Path, path: Path) -> "State":
        raw = orjson.loads(state_path.read_bytes())
        state = cls(
            **{
                **raw,
                "counts": Counts(**raw.get("counts", {})),
                "in_doubt": [InDoubt(**sent) for sent in raw.get("in_doubt", [])],
            }
        )
        if state.file != str(path.resolve()) or state.fingerprint != _fingerprint(path):
            raise StateMismatch(f"{state_path} belongs to {state.file}, or the file changed")
        if state.offset > path.stat().st_size:
            raise StateMismatch(f"{state_path} is beyond the end of {path}")
        return state

    def save(self, state_path: Path) -> None:
        temporary = state_path.with_name(state_path.name + ".tmp")
        temporary.write_bytes(orjson.dumps(asdict(self), option=orjson.OPT_INDENT_2))
        os.replace(temporary, state_path)  # atomic: a crash leaves the old or the new

    def first_outcome(
        self, line: int, answer: Outcome, changed_at: datetime | None, version: int | None
    ) -> Outcome:
        """What the load did to a line, from this answer and what the state remembers:
        its remembered outcome; else, for an ``unchanged`` answer on a line of a Bundle
        whose answer was lost, what that Bundle did when the Patient changed after it was
        sent (created when at version 1); else the answer."""
        remembered = self.outcomes.get(str(line))
        if remembered is not None:
            return remembered
        if answer != "unchanged" or changed_at is None:
            return answer
        for sent in self.in_doubt:
            if sent.first_line <= line <= sent.last_line and changed_at >= datetime.fromisoformat(
                sent.sent_after
            ):
                return "created" if version == 1 else "updated"
        return answer

    def acknowledged(self) -> None:
        """Forget what the lines now acknowledged needed remembering for."""
        self.outcomes = {k: v for k, v in self.outcomes.items() if int(k) > self.line}
        self.in_doubt = [sent for sent in self.in_doubt if sent.last_line > self.line]


def count_lines(path: Path, offset: int = 0) -> int:
    """Lines from ``offset`` to the end (a last line without a newline counts)."""
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        handle.seek(offset)
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def _fingerprint(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.sha256(handle.read(_FINGERPRINT_BYTES)).hexdigest()


@dataclass
class Batch:
    number: int
    end_offset: int
    end_line: int
    first_line: int = 0  # the first line of the file in this batch
    entries: list[dict[str, Any]] = field(default_factory=list)
    entry_lines: list[tuple[int, bytes]] = field(default_factory=list)  # per entry
    rejects: list[dict[str, Any]] = field(default_factory=list)  # not JSON
    size: int = 0  # bytes of the file in this batch


def reject_record(line_number: int, text: bytes, reasons: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "line": line_number,
        "reasons": reasons,
        "text": text.decode("utf-8", errors="replace").rstrip("\r\n"),
    }


def read_batches(path: Path, state: State, batch_size: int) -> Iterator[Batch]:
    """Batches of up to ``batch_size`` Patients from where ``state`` says, with the offset
    and line number at the end of each."""
    with path.open("rb") as handle:
        handle.seek(state.offset)
        offset, line_number, number = state.offset, state.line, 0
        batch = Batch(number, offset, line_number, line_number + 1)
        for raw in handle:
            offset += len(raw)
            line_number += 1
            batch.end_offset, batch.end_line = offset, line_number
            batch.size += len(raw)
            if not raw.strip():
                continue
            try:
                resource = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                reason = {
                    "severity": "error",
                    "code": "structure",
                    "diagnostics": f"Invalid JSON: {error}",
                }
                batch.rejects.append(reject_record(line_number, raw, [reason]))
                continue
            batch.entries.append(
                {"resource": resource, "request": {"method": "POST", "url": "Patient"}}
            )
            batch.entry_lines.append((line_number, raw))
            if len(batch.entries) >= batch_size:
                yield batch
                number += 1
                batch = Batch(number, offset, line_number, line_number + 1)
        if batch.size:
            yield batch
