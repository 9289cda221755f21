"""The organisation hierarchy's rules, without I/O: which kind of unit may sit under which,
what an effective-dated parent link is, and when a new link may join a unit's history.

A link says "``child`` was under ``parent`` from ``valid_from`` (inclusive) until
``valid_to`` (exclusive; None: still is)". A unit's links never overlap, so on any day it
has at most one parent. History is never restated by adding a link: a new link that starts
after the start of the unit's open-ended link succeeds it (that link ends the day the new
one starts); any other overlap is refused.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class UnitKind(StrEnum):
    team = "team"
    trust = "trust"
    ccg = "ccg"  # a clinical commissioning group: the commissioner before ICBs (July 2022)
    icb = "icb"
    region = "region"


class Level(StrEnum):
    """The levels figures are rolled up to: team -> trust -> ICB -> region."""

    team = "team"
    trust = "trust"
    icb = "icb"
    region = "region"


LEVEL_OF_KIND: dict[UnitKind, Level] = {
    UnitKind.team: Level.team,
    UnitKind.trust: Level.trust,
    # A CCG held the commissioner's place in the hierarchy before its ICB took over.
    UnitKind.ccg: Level.icb,
    UnitKind.icb: Level.icb,
    UnitKind.region: Level.region,
}

LEVEL_ORDER: tuple[Level, ...] = (Level.team, Level.trust, Level.icb, Level.region)

PARENT_KINDS: dict[UnitKind, frozenset[UnitKind]] = {
    UnitKind.team: frozenset({UnitKind.trust}),
    UnitKind.trust: frozenset({UnitKind.ccg, UnitKind.icb}),
    UnitKind.ccg: frozenset({UnitKind.region}),
    UnitKind.icb: frozenset({UnitKind.region}),
    UnitKind.region: frozenset(),
}


def level_above(level: Level) -> Level | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


@dataclass(frozen=True, slots=True)
class Link:
    child_code: str
    parent_code: str
    valid_from: date
    valid_to: date | None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def overlaps(self, other: "Link") -> bool:
        starts_before_other_ends = other.valid_to is None or self.valid_from < other.valid_to
        ends_after_other_starts = self.valid_to is None or other.valid_from < self.valid_to
        return starts_before_other_ends and ends_after_other_starts


class LinkRefused(ValueError):
    """A link that cannot join the history; ``field`` names the request field at fault
    and ``conflict`` says whether it clashes with an existing link (409) or is wrong in
    itself (422)."""

    def __init__(self, message: str, field: str, *, conflict: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.conflict = conflict


def kind_problem(child: UnitKind, parent: UnitKind) -> str | None:
    allowed = PARENT_KINDS[child]
    if parent in allowed:
        return None
    if not allowed:
        return f"a {child.value} has no parent in the hierarchy"
    names = " or ".join(sorted(k.value for k in allowed))
    return f"a {child.value} sits under a {names}, not a {parent.value}"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a new link goes: the link itself, and the open-ended link it succeeds (which
    ends the day the new one starts), if any."""

    link: Link
    succeeds: Link | None


def place_link(new: Link, history: Iterable[Link]) -> Placement:
    """Check ``new`` against the child's existing links (``history``)."""
    if new.child_code == new.parent_code:
        raise LinkRefused("a unit cannot be its own parent", "body.parent_code")
    if new.valid_to is not None and new.valid_to <= new.valid_from:
        raise LinkRefused("must be after valid_from", "body.valid_to")
    succeeds: Link | None = None
    for existing in history:
        if not existing.overlaps(new):
            continue
        successor = (
            existing.valid_to is None
            and new.valid_to is None
            and existing.valid_from < new.valid_from
        )
        if successor and succeeds is None:
            succeeds = existing
            continue
        field = "body.valid_from" if existing.covers(new.valid_from) else "body.valid_to"
        until = existing.valid_to.isoformat() if existing.valid_to else "now"
        raise LinkRefused(
            f"overlaps the link to {existing.parent_code} from "
            f"{existing.valid_from.isoformat()} until {until}",
            field,
            conflict=True,
        )
    return Placement(new, succeeds)


def parent_on(links: Iterable[Link], day: date) -> str | None:
    for link in links:
        if link.covers(day):
            return link.parent_code
    return None
