"""HTTP rules of the BI answers, pure: which format an ``Accept`` header asks for, the
``ETag`` of an answer, and whether a conditional GET is answered 304 (RFC 9110 13.1-13.2)."""

import hashlib
import math
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from services.aggregation.bi.formats import Format

_MEDIA = {
    "*/*": Format.json,
    "application/*": Format.json,
    "application/json": Format.json,
    "text/*": Format.csv,
    "text/csv": Format.csv,
    "application/vnd.apache.parquet": Format.parquet,
    "application/parquet": Format.parquet,
    "application/x-parquet": Format.parquet,
}


def negotiate(accept: str | None) -> Format | None:
    """The format ``accept`` prefers (JSON when it allows anything, or is absent); None
    when it allows none of ours."""
    if not accept:
        return Format.json
    ranges: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *parameters = (p.strip() for p in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
                if not math.isfinite(quality):
                    quality = 0.0
        ranges.append((-quality, index, media.lower()))
    for negative_quality, _, media in sorted(ranges):
        if negative_quality >= 0:  # q=0: not acceptable, and so is everything after it
            break
        if media in _MEDIA:
            return _MEDIA[media]
    return None


def etag_of(parts: Iterable[str]) -> str:
    """A strong ETag for an answer made from ``parts`` (each separated, so none can run
    into the next)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() + b"\0")
    return f'"{digest.hexdigest()[:32]}"'


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, last_modified: datetime
) -> bool:
    """Whether the client's copy is current: ``If-None-Match`` decides when sent (weak
    comparison); otherwise ``If-Modified-Since`` against ``last_modified`` (to the second)."""
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored (RFC 9110 13.1.3)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since
