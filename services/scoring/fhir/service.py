"""Writing pushed Patients: lock, plan, write in bulk, audit.

One path for everything an EPR sends (a single Patient or a Bundle of thousands):

1. lock the organisation's people named by NHS number, local identifier or id (one
   SELECT ... FOR UPDATE);
2. plan each Patient in request order (``ingest_plan``: created, updated, unchanged, ignored
   as older, ...);
3. insert the new people; Patients naming people another request created meanwhile are
   re-planned against them (the unique NHS number and local identifier per organisation
   decide, never a race);
4. update the changed people, keep every accepted Patient as sent, and audit each create
   and update with the client id, each in one statement.

Everything runs in the request's transaction: an error anywhere writes nothing.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.scoring.db.base import utcnow
from services.scoring.fhir import repository
from services.scoring.fhir.fhir_route import FhirHttpError
from services.scoring.fhir.ingest_plan import Decision, PatientWrite, PlannedVersion, plan_writes
from services.scoring.fhir.operation_outcome import Issue
from services.scoring.fhir.person_fields import person_fields
from services.scoring.organisations.models import Organisation
from services.scoring.organisations.repository import ensure_organisation, organisation_by_ods
from services.scoring.reference_data.lookup import DeprivationLookup

__all__ = [
    "CREATE_ACTION",
    "UPDATE_ACTION",
    "WriteContext",
    "WriteResult",
    "organisation_of",
    "write_patients",
]

CREATE_ACTION = "fhir-create"
UPDATE_ACTION = "fhir-update"
# Each round re-plans only the people another request created meanwhile; more than a few
# rounds means something is wrong, and the client is told to retry.
_MAX_ROUNDS = 4


async def organisation_of(session: AsyncSession, principal: Principal) -> Organisation:
    """The organisation the client's credentials are bound to (registered on first use).

    Equitas's own back-end services are bound to no organisation ("*") and may not push or
    read people.
    """
    code = principal.organisation_code
    if not code or code == "*":
        raise FhirHttpError.of(403, "This client is not bound to an NHS organisation")
    existing = await organisation_by_ods(session, code)
    if existing is not None:
        return existing
    # A new EPR's first requests often arrive together: one of them registers the
    # organisation, the others wait for it (the unique ODS code) and then read it.
    try:
        async with session.begin_nested():
            return await ensure_organisation(session, code, principal.organisation_name)
    except IntegrityError:
        registered = await organisation_by_ods(session, code)
        if registered is None:  # pragma: no cover - the conflicting row is committed
            raise
        return registered


@dataclass(frozen=True)
class WriteContext:
    principal: Principal
    organisation_id: uuid.UUID
    lookup: DeprivationLookup
    endpoint: str  # for the audit log: "POST /fhir"
    request_id: str | None
    audit_detail: Callable[[PatientWrite], dict[str, Any]] = lambda write: {}


def _audit_row(version: PlannedVersion, context: WriteContext) -> repository.AuditRow:
    action = CREATE_ACTION if version.created else UPDATE_ACTION
    detail = {"version": version.version, **context.audit_detail(version.write)}
    return action, version.person_id, detail


@dataclass(frozen=True)
class WriteResult:
    decisions: list[Decision]  # in the order of the writes
    at: datetime  # when the people created or updated were written

    def last_modified(self, decision: Decision) -> datetime:
        """When the decision's person last changed."""
        return decision.unchanged_since or self.at


async def write_patients(
    session: AsyncSession, context: WriteContext, writes: Sequence[PatientWrite]
) -> WriteResult:
    """Apply ``writes`` (unique positions); their decisions come back in the same order."""
    now = utcnow()
    decisions: dict[int, Decision] = {}
    accepted: list[PlannedVersion] = []
    updates: list[repository.PersonRow] = []
    remaining = list(writes)
    for _ in range(_MAX_ROUNDS):
        stored = await repository.lock_people(
            session,
            context.organisation_id,
            sorted({w.patient.nhs_number for w in remaining if w.patient.nhs_number}),
            sorted({w.patient.local_id for w in remaining if w.patient.local_id}),
            sorted({w.person_id for w in remaining if w.person_id}),
        )
        plan = plan_writes(remaining, stored)
        creates = [_row(version, context) for version in plan.creates.values()]
        inserted = await repository.insert_people(session, context.organisation_id, creates, now)
        raced = set(plan.creates) - inserted
        again = {
            position for position, people in plan.involved.items() if not people.isdisjoint(raced)
        }
        for decision in plan.decisions:
            if decision.position not in again:
                decisions[decision.position] = decision
        accepted += [v for v in plan.versions if v.write.position not in again]
        updates += [_row(version, context) for version in plan.updates.values()]
        remaining = [write for write in remaining if write.position in again]
        if not remaining:
            break
    else:
        busy = "Concurrent requests kept creating the same people; retry this request"
        raise FhirHttpError(503, [Issue.error("transient", busy)], {"Retry-After": "1"})
    await repository.update_people(session, context.organisation_id, updates, now)
    await repository.insert_resources(
        session,
        [
            (v.person_id, v.version, v.write.resource, v.write.patient.last_updated)
            for v in accepted
        ],
        context.principal.client_id,
        now,
    )
    await repository.insert_audit_rows(
        session,
        context.principal,
        context.endpoint,
        context.request_id,
        [_audit_row(version, context) for version in accepted],
        now,
    )
    return WriteResult([decisions[write.position] for write in writes], now)


def _row(version: PlannedVersion, context: WriteContext) -> repository.PersonRow:
    fields = person_fields(version.write.patient, context.lookup, version.identity)
    return version.person_id, version.version, fields
