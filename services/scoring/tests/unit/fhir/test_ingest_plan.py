"""The idempotency rules of pushed Patients, without a database."""

import itertools
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from services.scoring.fhir.ingest_plan import (
    Identity,
    Outcome,
    PatientWrite,
    StoredPerson,
    plan_writes,
)
from services.scoring.fhir.patient_mapping import MappedPatient, map_patient

NUMBER = "9990000018"
OTHER = "9990000026"
LOCAL = "https://fhir.eqa.example/Id/rio-client-id"
PERSON = uuid.UUID(int=1)
T1 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
T2 = datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
STORED_AT = datetime(2025, 3, 3, tzinfo=UTC)


def _write(
    position: int,
    family: str,
    last_updated: datetime | None = None,
    number: str | None = NUMBER,
    local: str | None = None,
    **options: Any,
) -> PatientWrite:
    identifiers = [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": number}]
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": (identifiers if number else [])
        + ([{"system": LOCAL, "value": local}] if local else []),
        "name": [{"family": family, "given": ["Sam"]}],
        "birthDate": "2001-02-03",
    }
    if last_updated is not None:
        resource["meta"] = {"lastUpdated": last_updated.isoformat()}
    mapped: MappedPatient = map_patient(resource, today=date(2026, 1, 15), local_system=LOCAL)
    return PatientWrite(position, mapped, resource, **options)


def _stored(
    write: PatientWrite, version: int = 3, person_id: uuid.UUID = PERSON
) -> list[StoredPerson]:
    patient = write.patient
    identity = Identity(patient.nhs_number, patient.local_id, None)
    return [
        StoredPerson(person_id, version, patient.last_updated, STORED_AT, write.resource, identity)
    ]


def _ids() -> Callable[[], uuid.UUID]:
    counter = itertools.count(100)
    return lambda: uuid.UUID(int=next(counter))


def test_new_people_are_created() -> None:
    plan = plan_writes([_write(0, "A"), _write(1, "B", number=OTHER)], {}, new_id=_ids())
    assert [(d.outcome, d.version) for d in plan.decisions] == [(Outcome.CREATED, 1)] * 2
    assert sorted(v.identity.nhs_number or "" for v in plan.creates.values()) == [NUMBER, OTHER]
    assert plan.updates == {}
    assert [v.created for v in plan.versions] == [True, True]


def test_identical_patient_changes_nothing() -> None:
    stored = _write(0, "A", T1)
    plan = plan_writes([_write(5, "A", T1)], _stored(stored))
    [decision] = plan.decisions
    assert (decision.outcome, decision.version, decision.position) == (Outcome.UNCHANGED, 3, 5)
    assert decision.unchanged_since == STORED_AT
    assert decision.issues[0].details == "unchanged"
    assert plan.versions == []
    assert plan.updates == {}
    assert plan.creates == {}


def test_newer_wins_older_is_ignored_with_a_warning() -> None:
    stored = _stored(_write(0, "A", T2))
    newer = plan_writes([_write(0, "B", datetime(2025, 3, 4, tzinfo=UTC))], stored)
    assert (newer.decisions[0].outcome, newer.decisions[0].version) == (Outcome.UPDATED, 4)
    assert newer.updates[PERSON].version == 4
    older = plan_writes([_write(0, "B", T1)], stored)
    [decision] = older.decisions
    assert decision.outcome is Outcome.IGNORED_OLDER
    assert decision.issues[0].severity == "warning"
    assert "older than the stored version" in decision.issues[0].diagnostics
    assert older.versions == []


def test_without_last_updated_arrival_order_wins() -> None:
    for stored_at, incoming_at in ((None, None), (T1, None), (None, T1), (T1, T1)):
        stored = _stored(_write(0, "A", stored_at))
        plan = plan_writes([_write(0, "B", incoming_at)], stored)
        assert plan.decisions[0].outcome is Outcome.UPDATED, (stored_at, incoming_at)


def test_the_newest_last_updated_is_kept_through_undated_versions() -> None:
    """A dated v1, an undated v2, then a copy older than v1: still ignored."""
    plan = plan_writes([_write(0, "A", T2), _write(1, "B"), _write(2, "C", T1)], {}, new_id=_ids())
    assert [d.outcome for d in plan.decisions] == [
        Outcome.CREATED,
        Outcome.UPDATED,
        Outcome.IGNORED_OLDER,
    ]
    # Created and changed in one request: one row to insert, at its last version.
    [created] = plan.creates.values()
    assert (created.version, created.write.position) == (2, 1)
    assert [(v.version, v.created) for v in plan.versions] == [(1, True), (2, False)]


def test_conditional_create_leaves_an_existing_person_alone() -> None:
    stored = _stored(_write(0, "A"))
    plan = plan_writes([_write(0, "B", if_none_exist=True)], stored)
    assert plan.decisions[0].outcome is Outcome.EXISTS
    assert plan.versions == []
    created = plan_writes([_write(0, "B", if_none_exist=True)], {}, new_id=_ids())
    assert created.decisions[0].outcome is Outcome.CREATED


def test_if_match_must_name_the_current_version() -> None:
    stored = _stored(_write(0, "A"), version=3)
    stale = plan_writes([_write(0, "B", if_match=2)], stored)
    assert stale.decisions[0].outcome is Outcome.PRECONDITION_FAILED
    assert "current version is 3" in stale.decisions[0].issues[0].diagnostics
    current = plan_writes([_write(0, "B", if_match=3)], stored)
    assert current.decisions[0].outcome is Outcome.UPDATED
    nobody = plan_writes([_write(0, "B", if_match=1)], {})
    assert nobody.decisions[0].outcome is Outcome.PRECONDITION_FAILED
    assert nobody.creates == {}


def test_identical_but_for_id_and_meta_changes_nothing() -> None:
    """A Patient read (the server's id, versionId, lastUpdated) and sent back is a resend."""
    first = _write(0, "A", T1)
    read = _write(0, "A", T2)
    read.resource["id"] = str(PERSON)
    read.resource["meta"]["versionId"] = "3"
    plan = plan_writes([read], _stored(first))
    assert plan.decisions[0].outcome is Outcome.UNCHANGED
    assert plan.versions == []


def test_a_local_identifier_then_the_nhs_number_is_one_person() -> None:
    """The NHS number is attached to the person first sent with the local id only."""
    plan = plan_writes(
        [_write(0, "A", number=None, local="RIO1"), _write(1, "B", local="RIO1")],
        [],
        new_id=_ids(),
    )
    assert [d.outcome for d in plan.decisions] == [Outcome.CREATED, Outcome.UPDATED]
    [created] = plan.creates.values()
    assert created.identity == Identity(NUMBER, "RIO1", None)
    stored = _stored(_write(0, "A", number=None, local="RIO1"))
    later = plan_writes([_write(0, "B", local="RIO1")], stored)
    assert later.decisions[0].outcome is Outcome.UPDATED
    assert later.updates[PERSON].identity == Identity(NUMBER, "RIO1", None)
    # Sent again without the local id: the one attached is kept.
    kept = plan_writes([_write(0, "C")], _stored(_write(0, "B", local="RIO1")))
    assert kept.updates[PERSON].identity.local_id == "RIO1"


def test_identifiers_naming_two_people_or_replacing_one_are_refused() -> None:
    two = _stored(_write(0, "A", number=None, local="RIO1"))
    two += _stored(_write(0, "B"), person_id=uuid.UUID(int=2))
    plan = plan_writes([_write(0, "C", local="RIO1")], two)
    assert plan.decisions[0].outcome is Outcome.CONFLICT
    assert plan.versions == []
    other_number = _stored(_write(0, "A", number=OTHER, local="RIO1"))
    replacing = plan_writes([_write(0, "B", local="RIO1")], other_number)
    assert replacing.decisions[0].outcome is Outcome.CONFLICT
    assert "NHS number differs" in replacing.decisions[0].issues[0].diagnostics


def test_an_update_by_id() -> None:
    stored = _stored(_write(0, "A"))
    plan = plan_writes([_write(0, "B", person_id=PERSON)], stored)
    assert (plan.decisions[0].outcome, plan.decisions[0].person_id) == (Outcome.UPDATED, PERSON)
    nobody = plan_writes([_write(0, "B", person_id=uuid.UUID(int=9))], stored)
    assert nobody.decisions[0].outcome is Outcome.NOT_FOUND
    elsewhere = plan_writes([_write(0, "B", number=OTHER, person_id=PERSON)], stored)
    assert elsewhere.decisions[0].outcome is Outcome.CONFLICT
