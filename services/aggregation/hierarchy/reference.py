"""Reading the ODS-style organisation reference file (no I/O beyond the file itself).

One row per organisation and parent period, as ODS publishes relationships with start and
end dates::

    organisation_code,name,kind,parent_code,start_date,end_date
    QZZ,Equitas Demo ICB,icb,YZZ,2022-07-01,
    EQA,Equitas Demo Trust A,trust,Q9Z,2013-04-01,2022-07-01
    EQA,Equitas Demo Trust A,trust,QZZ,2022-07-01,

A row with no parent names a unit at the top (a region). ``end_date`` is exclusive and
empty while the relationship holds. Headers are matched case-insensitively by prefix, as
ODS extracts vary slightly between editions; the file is read with a real CSV parser.
Teams are local to a trust (not in ODS): the file may list them, and teams it does not list
are placed under the trust their assessments name (``hierarchy.repository``).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from services.aggregation.hierarchy.rules import (
    Link,
    LinkRefused,
    UnitKind,
    kind_problem,
    place_link,
)

DEFAULT_FILE = Path(__file__).parent / "data" / "organisations.csv"

COLUMNS = ("organisation_code", "name", "kind", "parent_code", "start_date", "end_date")
CODE_MAX = 64
NAME_MAX = 200


class ReferenceFileError(ValueError):
    """The file cannot be loaded; the message names the line and column."""


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    kind: UnitKind


@dataclass(frozen=True, slots=True)
class ReferenceHierarchy:
    units: tuple[Unit, ...]
    links: tuple[Link, ...]


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for wanted in COLUMNS:
        for index, name in enumerate(header):
            if name.strip().lower().replace(" ", "_").startswith(wanted):
                found[wanted] = index
                break
        else:
            raise ReferenceFileError(f"line 1: no column {wanted!r}")
    return found


def _date(value: str, where: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ReferenceFileError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def parse_reference(text: str) -> ReferenceHierarchy:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ReferenceFileError("the file is empty")
    col = _columns(rows[0])
    units: dict[str, Unit] = {}
    pending: list[tuple[int, Link]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(rows[0]):
            raise ReferenceFileError(f"line {number}: expected {len(rows[0])} columns")
        code = row[col["organisation_code"]].strip()
        name = row[col["name"]].strip()
        if not code or len(code) > CODE_MAX or not name or len(name) > NAME_MAX:
            raise ReferenceFileError(f"line {number}: a code (up to 64) and a name are required")
        try:
            kind = UnitKind(row[col["kind"]].strip().lower())
        except ValueError as exc:
            kinds = ", ".join(k.value for k in UnitKind)
            raise ReferenceFileError(f"line {number}: kind must be one of {kinds}") from exc
        known = units.get(code)
        if known is not None and known.kind is not kind:
            raise ReferenceFileError(f"line {number}: {code} was a {known.kind.value} before")
        units[code] = Unit(code, name, kind)
        parent = row[col["parent_code"]].strip()
        start = _date(row[col["start_date"]], f"line {number}, start_date")
        end = _date(row[col["end_date"]], f"line {number}, end_date")
        if not parent:
            continue
        if start is None:
            raise ReferenceFileError(f"line {number}: a parent needs a start_date")
        pending.append((number, Link(code, parent, start, end)))
    links: list[Link] = []
    for number, link in pending:
        parent_unit = units.get(link.parent_code)
        if parent_unit is None:
            raise ReferenceFileError(f"line {number}: parent {link.parent_code} is not listed")
        problem = kind_problem(units[link.child_code].kind, parent_unit.kind)
        if problem:
            raise ReferenceFileError(f"line {number}: {problem}")
        history = [existing for existing in links if existing.child_code == link.child_code]
        try:
            placement = place_link(link, history)
        except LinkRefused as exc:
            raise ReferenceFileError(f"line {number}: {exc}") from exc
        if placement.succeeds is not None:
            raise ReferenceFileError(
                f"line {number}: overlaps the open-ended link to "
                f"{placement.succeeds.parent_code}; give that row an end_date"
            )
        links.append(link)
    return ReferenceHierarchy(tuple(units.values()), tuple(links))


def read_reference(path: Path = DEFAULT_FILE) -> ReferenceHierarchy:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ReferenceFileError(f"cannot read {path}: {exc}") from exc
    return parse_reference(text)
