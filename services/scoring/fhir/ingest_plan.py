"""What pushing Patients does to the people already recorded: the idempotency rules.

Sources: FHIR R4 RESTful API (http://hl7.org/fhir/R4/http.html): conditional create
(``If-None-Exist``: one match -> 200, nothing created), conditional update (no match ->
create, one match -> update), ``If-Match`` with a version (mismatch -> 412); Equitas
decision records 0008 and 0017 for the rules FHIR leaves to the server:

- a Patient is matched by its NHS number and by the sender's local identifier; when they
  name two people, or a person already has another value of one, it is refused (409):
  identifiers are attached to a person (an NHS number traced later), never replaced;
- a Patient identical to the latest version stored but for ``id`` and ``meta`` changes
  nothing (200, no new version);
- otherwise, when both it and the stored record carry ``meta.lastUpdated``, an older one is
  ignored and reported (200 with a warning), a newer one is a new version;
- without a ``meta.lastUpdated`` on either side, or with equal ones, arrival order wins;
- the stored ``source_last_updated`` is the newest ``meta.lastUpdated`` accepted, so a
  Patient without one does not reopen the door to older copies arriving late.

Writes are planned in request order, so two entries of one batch for the same person
behave as two requests one after the other. Pure: the caller reads the stored people
(locked) and writes what the plan says.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.scoring.fhir.operation_outcome import Issue, IssueSeverity, IssueType
from services.scoring.fhir.patient_mapping import MappedPatient

__all__ = [
    "Decision",
    "Identity",
    "Outcome",
    "PatientWrite",
    "Plan",
    "PlannedVersion",
    "StoredPerson",
    "plan_writes",
    "same_content",
]


class Outcome(StrEnum):
    """What happened to one pushed Patient (also the ``OUTCOME_SYSTEM`` detail codes)."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # identical to the latest version stored
    IGNORED_OLDER = "ignored-older"  # meta.lastUpdated older than the stored version
    EXISTS = "exists"  # conditional create matched a person: nothing done
    PRECONDITION_FAILED = "precondition-failed"  # If-Match named another version
    CONFLICT = "identifier-conflict"  # the identifiers name different people
    NOT_FOUND = "not-found"  # an update by id of a person who is not there


@dataclass(frozen=True, slots=True)
class Identity:
    """The identifiers a person is matched on (and the NHS number's verification status)."""

    nhs_number: str | None
    local_id: str | None
    verification_status: str | None


@dataclass(frozen=True, slots=True)
class StoredPerson:
    """A person as recorded before this request (read with a row lock)."""

    id: uuid.UUID
    version: int
    source_last_updated: datetime | None
    updated_at: datetime
    resource: dict[str, Any] | None  # the latest Patient stored for them, if any
    identity: Identity


@dataclass(frozen=True, slots=True)
class PatientWrite:
    """One Patient to create or update, matched by its identifiers (or by ``person_id``)."""

    position: int  # the entry index in a Bundle, 0 for a single request
    patient: MappedPatient
    resource: dict[str, Any]  # as sent (FHIR JSON)
    if_none_exist: bool = False  # conditional create: do nothing if the person exists
    if_match: int | None = None  # update only this version
    person_id: uuid.UUID | None = None  # update by logical id (PUT Patient/{id})


@dataclass(frozen=True, slots=True)
class PlannedVersion:
    """A Patient accepted as a new version of a person, with the person's identifiers
    after it (an identifier attached before and not sent again is kept)."""

    write: PatientWrite
    person_id: uuid.UUID
    version: int
    created: bool
    identity: Identity


@dataclass(frozen=True, slots=True)
class Decision:
    position: int
    outcome: Outcome
    person_id: uuid.UUID | None
    version: int | None  # the person's version after this write
    issues: tuple[Issue, ...] = ()
    # When the person last changed, for a decision that changed nothing (None: this
    # request changed them, or there is no such person).
    unchanged_since: datetime | None = None


@dataclass
class Plan:
    """Decisions in request order, and the writes they need."""

    decisions: list[Decision] = field(default_factory=list)
    versions: list[PlannedVersion] = field(default_factory=list)  # in request order
    # Person id -> the last accepted version, for people to insert / to update.
    creates: dict[uuid.UUID, PlannedVersion] = field(default_factory=dict)
    updates: dict[uuid.UUID, PlannedVersion] = field(default_factory=dict)
    # Position -> the people its decision depended on (to re-plan after a lost race).
    involved: dict[int, frozenset[uuid.UUID]] = field(default_factory=dict)


@dataclass(slots=True)
class _State:
    person_id: uuid.UUID
    version: int
    source_last_updated: datetime | None
    resource: dict[str, Any] | None
    identity: Identity
    stored: bool  # already in the database (vs created by this plan)
    updated_at: datetime | None  # as stored; None once this plan changes the person


def _outcome_issue(
    outcome: Outcome, diagnostics: str, severity: IssueSeverity = "information"
) -> Issue:
    code: IssueType = "informational" if severity == "information" else "processing"
    return Issue(severity, code, diagnostics, [], outcome.value)


def _is_older(incoming: datetime | None, stored: datetime | None) -> bool:
    return incoming is not None and stored is not None and incoming < stored


def same_content(stored: dict[str, Any], sent: dict[str, Any]) -> bool:
    """Equal but for ``id`` and ``meta``: what the server sets (its id, version, time) is
    not what was sent, so a Patient read and sent back is a resend (decision 0017)."""
    return {k: v for k, v in stored.items() if k not in _SERVER_ELEMENTS} == {
        k: v for k, v in sent.items() if k not in _SERVER_ELEMENTS
    }


_SERVER_ELEMENTS = frozenset({"id", "meta"})


class _People:
    """The people a plan knows, by id and by each identifier."""

    def __init__(self, stored: Iterable[StoredPerson]) -> None:
        self.by_id: dict[uuid.UUID, _State] = {}
        self.by_nhs: dict[str, uuid.UUID] = {}
        self.by_local: dict[str, uuid.UUID] = {}
        for p in stored:
            self.add(
                _State(
                    p.id,
                    p.version,
                    p.source_last_updated,
                    p.resource,
                    p.identity,
                    True,
                    p.updated_at,
                )
            )

    def add(self, state: _State) -> None:
        self.by_id[state.person_id] = state
        if state.identity.nhs_number is not None:
            self.by_nhs[state.identity.nhs_number] = state.person_id
        if state.identity.local_id is not None:
            self.by_local[state.identity.local_id] = state.person_id

    def matching(self, write: PatientWrite) -> set[uuid.UUID]:
        patient = write.patient
        found = {
            self.by_nhs.get(patient.nhs_number) if patient.nhs_number else None,
            self.by_local.get(patient.local_id) if patient.local_id else None,
        }
        if write.person_id is not None:
            found.add(write.person_id)
        return {person_id for person_id in found if person_id is not None}


def _identity_after(write: PatientWrite, before: Identity | None) -> Identity:
    """The identifiers sent, and those attached before that were not sent again."""
    patient = write.patient
    if before is None or patient.nhs_number is not None:
        nhs, status = patient.nhs_number, patient.nhs_number_verification_status
    else:
        nhs, status = before.nhs_number, before.verification_status
    local = patient.local_id if patient.local_id is not None or before is None else before.local_id
    return Identity(nhs, local, status)


def plan_writes(
    writes: Iterable[PatientWrite],
    stored: Iterable[StoredPerson],
    *,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> Plan:
    """Decide each write in order against the ``stored`` people it may name."""
    plan = Plan()
    people = _People(stored)
    for write in writes:
        matching = people.matching(write)
        plan.involved[write.position] = frozenset(matching)
        if write.person_id is not None and write.person_id not in people.by_id:
            plan.decisions.append(_not_found(write))
            continue
        if len(matching) > 1:
            plan.decisions.append(_conflict(write, _TWO_PEOPLE))
            continue
        state = people.by_id[next(iter(matching))] if matching else None
        if state is None:
            if write.if_match is not None:
                plan.decisions.append(_precondition_failed(write, None, None))
            else:
                _create(plan, people, write, new_id())
            continue
        decision = _decide(write, state)
        if decision is not None:
            plan.decisions.append(decision)
            continue
        state.version += 1
        state.resource = write.resource
        state.updated_at = None
        state.identity = _identity_after(write, state.identity)
        people.add(state)
        if write.patient.last_updated is not None:
            state.source_last_updated = write.patient.last_updated
        accepted = PlannedVersion(write, state.person_id, state.version, False, state.identity)
        plan.versions.append(accepted)
        if state.stored:
            plan.updates[state.person_id] = accepted
        else:
            plan.creates[state.person_id] = accepted  # created earlier in this request
        plan.decisions.append(
            Decision(write.position, Outcome.UPDATED, state.person_id, state.version)
        )
    return plan


def _create(plan: Plan, people: _People, write: PatientWrite, person_id: uuid.UUID) -> None:
    identity = _identity_after(write, None)
    last_updated = write.patient.last_updated
    people.add(_State(person_id, 1, last_updated, write.resource, identity, False, None))
    accepted = PlannedVersion(write, person_id, 1, True, identity)
    plan.versions.append(accepted)
    plan.creates[person_id] = accepted
    plan.involved[write.position] = frozenset({person_id})
    plan.decisions.append(Decision(write.position, Outcome.CREATED, person_id, 1))


_TWO_PEOPLE = "The identifiers of this Patient belong to two different people in Equitas"
_REPLACES = (
    "This Patient's {what} differs from the one the person already has; identifiers "
    "attached to a person are not replaced by a push"
)


def _decide(write: PatientWrite, state: _State) -> Decision | None:
    """The decision for a write to an existing person, or None when it is a new version."""

    def kept(outcome: Outcome, issue: Issue) -> Decision:
        return Decision(
            write.position, outcome, state.person_id, state.version, (issue,), state.updated_at
        )

    patient, identity = write.patient, state.identity
    if write.if_none_exist:
        exists = "A person with this identifier exists; nothing was created"
        return kept(Outcome.EXISTS, _outcome_issue(Outcome.EXISTS, exists))
    if write.if_match is not None and write.if_match != state.version:
        return _precondition_failed(write, state.person_id, state.version)
    for what, sent, attached in (
        ("NHS number", patient.nhs_number, identity.nhs_number),
        ("local identifier", patient.local_id, identity.local_id),
    ):
        if sent is not None and attached is not None and sent != attached:
            return _conflict(write, _REPLACES.format(what=what))
    if state.resource is not None and same_content(state.resource, write.resource):
        same = "Identical to the stored version; nothing changed"
        return kept(Outcome.UNCHANGED, _outcome_issue(Outcome.UNCHANGED, same))
    if _is_older(write.patient.last_updated, state.source_last_updated):
        older = (
            "meta.lastUpdated is older than the stored version's, so this Patient was "
            "ignored; the stored version is kept"
        )
        issue = _outcome_issue(Outcome.IGNORED_OLDER, older, "warning")
        return kept(Outcome.IGNORED_OLDER, issue)
    return None


def _conflict(write: PatientWrite, diagnostics: str) -> Decision:
    issue = Issue("error", "conflict", diagnostics, [], Outcome.CONFLICT.value)
    return Decision(write.position, Outcome.CONFLICT, None, None, (issue,))


def _not_found(write: PatientWrite) -> Decision:
    issue = Issue("error", "not-found", "No Patient with this id in your organisation")
    return Decision(write.position, Outcome.NOT_FOUND, None, None, (issue,))


def _precondition_failed(
    write: PatientWrite, person_id: uuid.UUID | None, version: int | None
) -> Decision:
    if version is None:
        text = "If-Match names a version, but no person has this identifier"
    else:
        text = f"If-Match names version {write.if_match}, but the current version is {version}"
    issue = Issue("error", "conflict", text, [], Outcome.PRECONDITION_FAILED.value)
    failed = Outcome.PRECONDITION_FAILED
    return Decision(write.position, failed, person_id, version, (issue,), None)
