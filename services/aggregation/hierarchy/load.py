"""Loading the reference file into the database at start (idempotent; decision 0024)."""

import logging
from pathlib import Path

from fastapi import FastAPI

from services.aggregation.hierarchy.reference import DEFAULT_FILE, read_reference
from services.aggregation.hierarchy.repository import load_reference
from services.common.direct import direct_connection

log = logging.getLogger("equitas.hierarchy")


async def load_reference_hierarchy(app: FastAPI, path: Path = DEFAULT_FILE) -> None:
    """Start-up hook: the file's units and links, upserted (an administrator's are kept)."""
    reference = read_reference(path)
    async with direct_connection(app.state.engine) as conn:
        await load_reference(conn, reference)
    log.info(
        "organisation hierarchy loaded",
        extra={"units": len(reference.units), "links": len(reference.links)},
    )
