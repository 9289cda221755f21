"""The extract side of ``equitas-ingest``: an NDJSON file of Patients read in batches,
and the state file that makes a load resumable (the byte offset and line number after the
last Bundle acknowledged with every Bundle before it, and the counts so far)."""

import hashlib
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

_FINGERPRINT_BYTES = 65536


class StateMismatch(Exception):
    """The state file was written for another file (or the file changed)."""


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

    def line(self) -> str:
        return (
            f"created {self.created:,} · updated {self.updated:,} · unchanged "
            f"{self.unchanged:,} · ignored-older {self.ignored_older:,} · rejected "
            f"{self.rejected:,}"
        )


@dataclass
class State:
    """How far a load has got; saved after each acknowledged Bundle."""

    file: str
    fingerprint: str
    offset: int = 0  # bytes of the file fully acknowledged
    line: int = 0  # lines of the file fully acknowledged
    counts: Counts = field(default_factory=Counts)
    complete: bool = False

    @classmethod
    def start(cls, path: Path) -> "State":
        return cls(str(path.resolve()), _fingerprint(path))

    @classmethod
    def load(cls, state_path: Path, path: Path) -> "State":
        raw = orjson.loads(state_path.read_bytes())
        state = cls(**{**raw, "counts": Counts(**raw.get("counts", {}))})
        if state.file != str(path.resolve()) or state.fingerprint != _fingerprint(path):
            raise StateMismatch(f"{state_path} belongs to {state.file}, or the file changed")
        if state.offset > path.stat().st_size:
            raise StateMismatch(f"{state_path} is beyond the end of {path}")
        return state

    def save(self, state_path: Path) -> None:
        temporary = state_path.with_name(state_path.name + ".tmp")
        temporary.write_bytes(orjson.dumps(asdict(self), option=orjson.OPT_INDENT_2))
        os.replace(temporary, state_path)  # atomic: a crash leaves the old or the new


def _fingerprint(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.sha256(handle.read(_FINGERPRINT_BYTES)).hexdigest()


@dataclass
class Batch:
    number: int
    end_offset: int
    end_line: int
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
        batch = Batch(number, offset, line_number)
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
                batch = Batch(number, offset, line_number)
        if batch.size:
            yield batch
