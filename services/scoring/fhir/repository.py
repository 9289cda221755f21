"""Reading and writing people for FHIR pushes, in bulk.

A Bundle of thousands of Patients costs a fixed number of statements: one locking SELECT
of the people it names (``ANY`` of the NHS numbers, local identifiers and ids), one INSERT
and one UPDATE of people
(``unnest`` of column arrays), and a COPY each of the Patient versions and the audit rows.
No ORM object is built per person. The statements run on the request's own transaction
(the session's connection), so they commit or roll back with everything else.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.common.auth import Principal
from services.scoring.audit.service import apart, audit_event, copy_rows
from services.scoring.fhir.identifiers import IdentifierSearch
from services.scoring.fhir.ingest_plan import Identity, StoredPerson
from services.scoring.fhir.patient_mapping import NHS_NUMBER_SYSTEM
from services.scoring.fhir.patient_rendering import SentVersion
from services.scoring.fhir.person_fields import PersonFields
from services.scoring.people.access import person_visible_to
from services.scoring.people.models import PatientResource, Person

__all__ = [
    "AuditRow",
    "PersonRow",
    "ResourceRow",
    "count_sent_versions",
    "count_visible_people",
    "insert_audit_rows",
    "insert_people",
    "insert_resources",
    "latest_sent",
    "lock_people",
    "sent_version",
    "sent_versions",
    "update_people",
    "visible_people",
    "visible_person",
]

# (person id, version, the fields) of a person to insert or update.
PersonRow = tuple[uuid.UUID, int, PersonFields]
# (person id, version, resource as sent, its meta.lastUpdated).
ResourceRow = tuple[uuid.UUID, int, dict[str, Any], datetime | None]
# (action, person id, detail).
AuditRow = tuple[str, uuid.UUID | None, dict[str, Any]]


async def _driver(session: AsyncSession) -> Any:
    """The asyncpg connection under the session, inside the session's transaction.

    SQLAlchemy's asyncpg adapter begins its transaction lazily, at its first statement;
    one is run first if none has been, so nothing here can autocommit.
    """
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is None:  # pragma: no cover - only after the connection was invalidated
        raise RuntimeError("the database connection is closed")
    if not driver.is_in_transaction():
        await connection.execute(text("SELECT 1"))
    return driver


_LOCK_PEOPLE = """
SELECT p.id, p.nhs_number, p.local_id, p.nhs_number_verification_status, p.version,
    p.source_last_updated, p.updated_at, r.resource
FROM person AS p
LEFT JOIN LATERAL (
    SELECT pr.resource FROM patient_resource AS pr
    WHERE pr.person_id = p.id ORDER BY pr.version DESC LIMIT 1
) AS r ON true
WHERE p.organisation_id = $1
    AND (p.nhs_number = ANY($2::text[]) OR p.local_id = ANY($3::text[]) OR p.id = ANY($4::uuid[]))
ORDER BY p.id
FOR UPDATE OF p
"""


async def lock_people(
    session: AsyncSession,
    organisation_id: uuid.UUID,
    nhs_numbers: Sequence[str],
    local_ids: Sequence[str] = (),
    ids: Sequence[uuid.UUID] = (),
) -> list[StoredPerson]:
    """The organisation's people with these NHS numbers, local identifiers or ids, locked
    until the transaction ends (in id order, so concurrent requests cannot deadlock on
    them), with their latest stored Patient."""
    if not (nhs_numbers or local_ids or ids):
        return []
    driver = await _driver(session)
    # Planned afresh each time: a connection's cached generic plan, made while a first bulk
    # load into an organisation had few people, scanned all of them for every Bundle
    # (1-2 s each at 100,000 people) instead of looking each identifier up in its index.
    await driver.execute("SET LOCAL plan_cache_mode = force_custom_plan")
    rows = await driver.fetch(
        _LOCK_PEOPLE, organisation_id, list(nhs_numbers), list(local_ids), list(ids)
    )
    return [
        StoredPerson(
            id=row["id"],
            version=row["version"],
            source_last_updated=row["source_last_updated"],
            updated_at=row["updated_at"],
            resource=row["resource"],
            identity=Identity(
                row["nhs_number"], row["local_id"], row["nhs_number_verification_status"]
            ),
        )
        for row in rows
    ]


# The person columns a FHIR push writes, in the order of the unnest arrays below.
_FIELDS = (
    ("nhs_number", "text"),
    ("nhs_number_verification_status", "text"),
    ("local_id", "text"),
    ("given_name", "text"),
    ("family_name", "text"),
    ("birth_date", "date"),
    ("sex", "text"),
    ("ethnic_category", "text"),
    ("ethnic_category_system", "text"),
    ("ethnic_category_source_code", "text"),
    ("postcode", "text"),
    ("lsoa_code", "text"),
    ("imd_decile", "int"),
    ("imd_vintage", "text"),
    ("imd_status", "text"),
    ("gp_practice_ods", "text"),
    ("gp_practitioner_gmp", "text"),
    ("interpreter_required", "boolean"),
    ("language", "text"),
    ("source_last_updated", "timestamptz"),
)
_NAMES = ", ".join(name for name, _ in _FIELDS)
# $1 organisation, $2 now, $3 ids, $4 versions, then one array per field.
_ARRAYS = ", ".join(f"${i + 5}::{kind}[]" for i, (_, kind) in enumerate(_FIELDS))

_INSERT_PEOPLE = f"""
INSERT INTO person (id, organisation_id, version, source, created_at, updated_at, {_NAMES})
SELECT u.id, $1, u.version, 'fhir', $2, $2, {", ".join(f"u.{n}" for n, _ in _FIELDS)}
FROM unnest($3::uuid[], $4::int[], {_ARRAYS}) AS u(id, version, {_NAMES})
ON CONFLICT DO NOTHING
RETURNING id
"""  # noqa: S608 - built from the constant _FIELDS only

_UPDATE_PEOPLE = f"""
UPDATE person AS p SET
    version = u.version, source = 'fhir', updated_at = $2,
    {", ".join(f"{n} = u.{n}" for n, _ in _FIELDS if n != "source_last_updated")},
    source_last_updated = coalesce(u.source_last_updated, p.source_last_updated)
FROM unnest($3::uuid[], $4::int[], {_ARRAYS}) AS u(id, version, {_NAMES})
WHERE p.id = u.id AND p.organisation_id = $1
"""  # noqa: S608 - built from the constant _FIELDS only


def _column_arrays(rows: Sequence[PersonRow]) -> list[list[Any]]:
    return [
        [row[0] for row in rows],
        [row[1] for row in rows],
        *([getattr(row[2], name) for row in rows] for name, _ in _FIELDS),
    ]


async def insert_people(
    session: AsyncSession, organisation_id: uuid.UUID, rows: Sequence[PersonRow], now: datetime
) -> set[uuid.UUID]:
    """Insert new people; returns the ids inserted. A person missing from the answer has
    an NHS number or local identifier that a concurrent request inserted meanwhile (now
    committed): the caller plans that Patient again. Rows go in identifier order, so two
    requests creating the same people wait for each other rather than deadlock."""
    if not rows:
        return set()
    ordered = sorted(rows, key=lambda row: (row[2].nhs_number or "", row[2].local_id or ""))
    driver = await _driver(session)
    inserted = await driver.fetch(_INSERT_PEOPLE, organisation_id, now, *_column_arrays(ordered))
    return {row["id"] for row in inserted}


async def update_people(
    session: AsyncSession, organisation_id: uuid.UUID, rows: Sequence[PersonRow], now: datetime
) -> None:
    """New versions of locked people. ``source_last_updated`` keeps the stored value when
    the new version has none (see ``ingest_plan``)."""
    if not rows:
        return
    driver = await _driver(session)
    await driver.execute(_UPDATE_PEOPLE, organisation_id, now, *_column_arrays(rows))


def _json(value: dict[str, Any]) -> str:
    return orjson.dumps(value).decode()


async def insert_resources(
    session: AsyncSession, rows: Sequence[ResourceRow], client_id: str, now: datetime
) -> None:
    """Every accepted Patient, as sent, with its version, client and meta.lastUpdated."""
    if not rows:
        return
    driver = await _driver(session)
    await driver.copy_records_to_table(
        "patient_resource",
        columns=("person_id", "version", "resource", "last_updated", "client_id", "received_at"),
        records=[
            (person_id, version, _json(resource), last_updated, client_id, now)
            for person_id, version, resource, last_updated in rows
        ],
    )


async def insert_audit_rows(
    session: AsyncSession,
    principal: Principal,
    endpoint: str,
    request_id: str | None,
    rows: Sequence[AuditRow],
    now: datetime,
) -> None:
    """Audit events (entity type ``person``) in one COPY, for bulk writes; built like every
    other entry (``audit.service.audit_event``)."""
    entries = [
        audit_event(
            principal,
            None,
            action=action,
            entity_type="person",
            entity_id=person_id,
            detail=detail,
            endpoint=endpoint,
            request_id=request_id,
            at=now,
            build=apart,
        )
        for action, person_id, detail in rows
    ]
    await copy_rows(await _driver(session), entries)


async def visible_person(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID
) -> Person | None:
    result = await session.execute(
        select(Person).where(col(Person.id) == person_id, person_visible_to(principal))
    )
    return result.scalar_one_or_none()


def _matching(principal: Principal, search: IdentifierSearch | None) -> list[Any]:
    conditions: list[Any] = [person_visible_to(principal)]
    if search is not None:
        column = Person.nhs_number if search.system == NHS_NUMBER_SYSTEM else Person.local_id
        conditions.append(col(column) == search.value)
    return conditions


async def visible_people(
    session: AsyncSession,
    principal: Principal,
    search: IdentifierSearch | None,
    after: uuid.UUID | None,
    limit: int,
) -> list[Person]:
    """A page of the caller's people (all of them, or those with one identifier), in id
    order, after the person ``after``."""
    query = select(Person).where(*_matching(principal, search))
    if after is not None:
        query = query.where(col(Person.id) > after)
    result = await session.execute(query.order_by(col(Person.id)).limit(limit))
    return list(result.scalars())


async def count_visible_people(
    session: AsyncSession, principal: Principal, search: IdentifierSearch | None
) -> int:
    result = await session.execute(
        select(func.count()).select_from(Person).where(*_matching(principal, search))
    )
    return int(result.scalar_one())


def _sent(row: Any) -> SentVersion:
    return SentVersion(row.version, row.resource, row.received_at)


_SENT_COLUMNS = (
    col(PatientResource.version),
    col(PatientResource.resource),
    col(PatientResource.received_at),
)


async def latest_sent(
    session: AsyncSession, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SentVersion]:
    """The latest Patient sent for each of these people (none for people never sent)."""
    if not person_ids:
        return {}
    result = await session.execute(
        select(col(PatientResource.person_id), *_SENT_COLUMNS)
        .where(col(PatientResource.person_id).in_(person_ids))
        .order_by(col(PatientResource.person_id), col(PatientResource.version).desc())
        .distinct(col(PatientResource.person_id))
    )
    return {row.person_id: _sent(row) for row in result}


async def sent_versions(
    session: AsyncSession, person_id: uuid.UUID, below: int | None, limit: int
) -> list[SentVersion]:
    """The Patients sent for a person, newest first, versions below ``below``."""
    query = select(*_SENT_COLUMNS).where(col(PatientResource.person_id) == person_id)
    if below is not None:
        query = query.where(col(PatientResource.version) < below)
    result = await session.execute(query.order_by(col(PatientResource.version).desc()).limit(limit))
    return [_sent(row) for row in result]


async def count_sent_versions(session: AsyncSession, person_id: uuid.UUID) -> int:
    result = await session.execute(
        select(func.count()).where(col(PatientResource.person_id) == person_id)
    )
    return int(result.scalar_one())


async def sent_version(
    session: AsyncSession, person_id: uuid.UUID, version: int
) -> SentVersion | None:
    result = await session.execute(
        select(*_SENT_COLUMNS).where(
            col(PatientResource.person_id) == person_id, col(PatientResource.version) == version
        )
    )
    row = result.first()
    return _sent(row) if row is not None else None
