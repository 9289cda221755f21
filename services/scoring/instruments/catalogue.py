"""The definitions the service can score with: the shipped files plus versions an
organisation administrator uploaded (stored in the database).

Each worker process keeps an in-memory registry; a version uploaded through another worker
is read from the database the first time it is asked for. Stored definitions never change
once written, so they are read on a connection of their own, not in the caller's
transaction (which lets routes that write without the ORM use the catalogue too).
"""

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from services.common.errors import FieldProblem, InvalidInput, NotFound
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.errors import UnknownDefinitionError
from services.scoring.instruments.models import StoredDefinition
from services.scoring.instruments.registry import (
    InstrumentRegistry,
    builtin_definitions,
    load_definition_data,
)

# How stale "the latest version" may be in a worker that did not receive the upload itself.
SYNC_INTERVAL_S = 30.0


class Catalogue:
    def __init__(self, engine: AsyncEngine) -> None:
        self.registry = InstrumentRegistry(builtin_definitions())
        self._engine = engine
        self._synced_at = -SYNC_INTERVAL_S

    async def _load_stored(self, key: tuple[str, str, str]) -> None:
        instrument, variant, version = key
        async with self._engine.connect() as connection:
            found = await connection.execute(
                select(col(StoredDefinition.definition)).where(
                    col(StoredDefinition.instrument) == instrument,
                    col(StoredDefinition.variant) == variant,
                    col(StoredDefinition.version) == version,
                )
            )
            data = found.scalar_one_or_none()
        if data is not None:
            self._add(data, f"database:{instrument}/{variant}/{version}")

    def _add(self, data: dict[str, Any], source_name: str) -> InstrumentDefinition:
        defn = load_definition_data(data, source_name=source_name)
        try:
            return self.registry.get(*defn.key)
        except UnknownDefinitionError:
            return self.registry.add(defn)

    async def sync(self) -> None:
        """Bring in every stored version this worker has not seen (bases before variants)."""
        self._synced_at = time.monotonic()
        async with self._engine.connect() as connection:
            rows = (await connection.execute(select(StoredDefinition.__table__))).all()  # type: ignore[attr-defined]
        known = {d.key for d in self.registry.list()}
        for row in sorted(rows, key=lambda r: r.definition.get("based_on") is not None):
            if (row.instrument, row.variant, row.version) not in known:
                self._add(row.definition, f"database:{row.instrument}/{row.variant}/{row.version}")

    async def get(
        self,
        instrument: str,
        variant: str,
        version: str | None,
        *,
        field: str = "instrument",
    ) -> InstrumentDefinition:
        """A definition by version, or the latest version when none is named."""
        try:
            if version is None:
                # Hot path (every new assessment): ask the database at most every 30 s.
                if time.monotonic() - self._synced_at > SYNC_INTERVAL_S:
                    await self.sync()
                return self.registry.latest(instrument, variant)
            try:
                return self.registry.get(instrument, variant, version)
            except UnknownDefinitionError:
                await self._load_stored((instrument, variant, version))
                return self.registry.get(instrument, variant, version)
        except UnknownDefinitionError as exc:
            raise InvalidInput(
                f"Unknown instrument {instrument} {variant} {version or '(latest)'}",
                errors=[FieldProblem(field=field, message=str(exc))],
            ) from exc

    async def get_or_404(
        self, instrument: str, variant: str, version: str | None
    ) -> InstrumentDefinition:
        try:
            return await self.get(instrument, variant, version)
        except InvalidInput as exc:
            raise NotFound(exc.detail) from exc
