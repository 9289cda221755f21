"""The role mapping (``EQUITAS_ROLE_PERMISSIONS``: national role code -> Equitas permissions)
decides who may see what; it is configuration, loaded when a worker starts. A start with a
mapping other than the last one audited records the new one (a reload), once however many
workers start together; service-wide, so every organisation's administrator sees it.
"""

import orjson
from fastapi import FastAPI

from services.common.auth import Principal
from services.common.direct import direct_connection
from services.scoring.audit.service import apart, audit_event, record_apart

ACTION = "role-mapping"
# The service itself, as the actor of what configuration changes.
SERVICE = Principal(
    subject="equitas-scoring",
    kind="system",
    client_id="equitas-scoring",
    name="Equitas scoring service",
    organisation_code=None,
    organisation_name=None,
    role_code=None,
    role_name=None,
    scopes=frozenset(),
    permissions=frozenset(),
    token="",
)
# A row unless the last mapping audited is this one ($1).
_CHANGED = f"""
SELECT 1 WHERE NOT EXISTS (
  SELECT 1 FROM (
    SELECT detail FROM audit_event
    WHERE entity_type = '{ACTION}' AND entity_id IS NULL AND action = '{ACTION}'
    ORDER BY id DESC LIMIT 1
  ) last
  WHERE last.detail = $1::jsonb
)
"""  # noqa: S608 - constants of ours


async def audit_role_mapping(app: FastAPI) -> None:
    mapping = {
        code: sorted(str(p) for p in permissions)
        for code, permissions in sorted(app.state.settings.role_permissions.items())
    }
    detail = {"mapping": mapping}
    entry = audit_event(
        SERVICE,
        None,
        action=ACTION,
        entity_type=ACTION,
        entity_id=None,
        detail=detail,
        endpoint="start-up",
        build=apart,
    )
    async with direct_connection(app.state.engine) as connection, connection.transaction():
        # Workers starting together: one compares and writes at a time.
        await connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", ACTION)
        await record_apart(
            connection, entry, source=_CHANGED, source_args=(orjson.dumps(detail).decode(),)
        )
