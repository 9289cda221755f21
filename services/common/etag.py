"""Optimistic concurrency: every editable resource has a version; writes must name it.

A write without ``If-Match`` gets 428 and a write naming an old version gets 412, so two
people editing the same thing never overwrite each other silently.
"""

from typing import Annotated

from fastapi import Header

from services.common.errors import PreconditionFailed, PreconditionRequired

# The request header every edit carries: the version the editor last read.
IfMatch = Annotated[str | None, Header(description="The ETag you last read")]


def etag_for(version: int) -> str:
    return f'"{version}"'


def check_if_match(if_match: str | None, version: int) -> None:
    if if_match is None:
        raise PreconditionRequired(
            "Send the ETag you last read in an If-Match header so we can tell whether "
            "someone else changed it since"
        )
    candidates = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" in candidates or etag_for(version) in candidates:
        return
    raise PreconditionFailed(
        f"Someone else changed this since you read it (current version is {etag_for(version)}); "
        "reload it, reapply your change and save again"
    )
