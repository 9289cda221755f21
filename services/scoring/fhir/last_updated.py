"""The ``_lastUpdated`` search parameter: a FHIR date search with a prefix, as a range.

Source: FHIR R4 search (http://hl7.org/fhir/R4/search.html#date): a value is a date or
dateTime at some precision and stands for the whole interval it covers (``2026-12`` is all
of December); the prefixes ``eq`` (the default), ``gt``, ``ge``, ``lt``, ``le``, ``sa``
and ``eb`` compare a resource's instant with that interval. A value without a time zone is
read as UTC. Several ``_lastUpdated`` parameters must all hold (``ge...&lt...``).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.scoring.fhir.operation_outcome import FhirInputError, Issue

__all__ = ["Bound", "last_updated_bounds"]

_VALUE = re.compile(
    r"(?P<prefix>eq|gt|ge|lt|le|sa|eb)?"
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>\.\d{1,9})?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?"
)


@dataclass(frozen=True)
class Bound:
    """``at`` compared with the resource's instant: after (``lower``) or before it."""

    at: datetime
    lower: bool  # the instant must be >= at (else < at)


def _interval(match: re.Match[str]) -> tuple[datetime, datetime]:
    """The [start, end) interval a value at its precision covers, in UTC."""
    year = int(match["year"])
    month, day = (int(match[n]) if match[n] else None for n in ("month", "day"))
    zone = match["zone"]
    offset = timedelta(0)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    if month is None:
        start = datetime(year, 1, 1, tzinfo=UTC)
        return start, start.replace(year=start.year + 1)
    if day is None:
        start = datetime(year, month, 1, tzinfo=UTC)
        after = start.replace(year=start.year + 1, month=1) if month == 12 else None
        return start, after or start.replace(month=month + 1)
    if match["hour"] is None:
        start = datetime(year, month, day, tzinfo=UTC)
        return start, start + timedelta(days=1)
    second = int(match["second"] or 0)
    fraction = match["fraction"]
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    start = datetime(
        year, month, day, int(match["hour"]), int(match["minute"]), second, micro, tzinfo=UTC
    )
    start -= offset
    step = timedelta(seconds=1) if match["second"] else timedelta(minutes=1)
    if fraction:
        step = timedelta(microseconds=1)
    return start, start + step


def last_updated_bounds(values: list[str], expression: str = "query._lastUpdated") -> list[Bound]:
    """The bounds every value sets; ``FhirInputError`` (400) for one that is not a date."""
    bounds: list[Bound] = []
    for value in values:
        match = _VALUE.fullmatch(value.strip())
        try:
            if match is None:
                raise ValueError
            start, end = _interval(match)
        except (ValueError, OverflowError):
            bad = "_lastUpdated must be a FHIR date or dateTime, with an optional prefix"
            raise FhirInputError([Issue.error("invalid", bad, expression)]) from None
        prefix = match["prefix"] or "eq"
        if prefix in ("eq", "ge", "sa", "gt"):
            bounds.append(Bound(end if prefix in ("sa", "gt") else start, lower=True))
        if prefix in ("eq", "le", "eb", "lt"):
            bounds.append(Bound(start if prefix in ("eb", "lt") else end, lower=False))
    return bounds
