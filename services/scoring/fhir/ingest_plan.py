"""What pushing Patients does to the people already recorded: the idempotency rules.

Sources: FHIR R4 RESTful API (http://hl7.org/fhir/R4/http.html): conditional create
(``If-None-Exist``: one match -> 200, nothing created), conditional update (no match ->
create, one match -> update), ``If-Match`` with a version (mismatch -> 412); Equitas
decision record 0008 for the ordering rules, which FHIR leaves to the server:

- a Patient identical to the latest version stored changes nothing (200, no new version);
- otherwise, when both it and the stored record carry ``meta.lastUpdated``, an older one is
  ignored and reported (200 with a warning), a newer one is a new version;
- without a ``meta.lastUpdated`` on either side, or with equal ones, arrival order wins;
- the stored ``source_last_updated`` is the newest ``meta.lastUpdated`` accepted, so a
  Patient without one does not reopen the door to older copies arriving late.

Writes are planned in request order, so two entries of one batch for the same NHS number
behave as two requests one after the other. Pure: the caller reads the stored people
(locked) and writes what the plan says.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.scoring.fhir.operation_outcome import Issue, IssueSeverity, IssueType
from services.scoring.fhir.patient_mapping import MappedPatient

__all__ = [
    "Decision",
    "Outcome",
    "PatientWrite",
    "Plan",
    "PlannedVersion",
    "StoredPerson",
    "plan_writes",
]


class Outcome(StrEnum):
    """What happened to one pushed Patient (also the ``OUTCOME_SYSTEM`` detail codes)."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # identical to the latest version stored
    IGNORED_OLDER = "ignored-older"  # meta.lastUpdated older than the stored version
    EXISTS = "exists"  # conditional create matched a person: nothing done
    PRECONDITION_FAILED = "precondition-failed"  # If-Match named another version


@dataclass(frozen=True, slots=True)
class StoredPerson:
    """A person as recorded before this request (read with a row lock)."""

    id: uuid.UUID
    version: int
    source_last_updated: datetime | None
    updated_at: datetime
    resource: dict[str, Any] | None  # the latest Patient stored for them, if any


@dataclass(frozen=True, slots=True)
class PatientWrite:
    """One Patient to create or update by NHS number."""

    position: int  # the entry index in a Bundle, 0 for a single request
    patient: MappedPatient
    resource: dict[str, Any]  # as sent (FHIR JSON)
    if_none_exist: bool = False  # conditional create: do nothing if the person exists
    if_match: int | None = None  # update only this version


@dataclass(frozen=True, slots=True)
class PlannedVersion:
    """A Patient accepted as a new version of a person."""

    write: PatientWrite
    person_id: uuid.UUID
    version: int
    created: bool


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
    # NHS number -> the last accepted version, for people to insert / to update.
    creates: dict[str, PlannedVersion] = field(default_factory=dict)
    updates: dict[str, PlannedVersion] = field(default_factory=dict)


@dataclass(slots=True)
class _State:
    person_id: uuid.UUID
    version: int
    source_last_updated: datetime | None
    resource: dict[str, Any] | None
    stored: bool  # already in the database (vs created by this plan)
    updated_at: datetime | None  # as stored; None once this plan changes the person


def _outcome_issue(
    outcome: Outcome, diagnostics: str, severity: IssueSeverity = "information"
) -> Issue:
    code: IssueType = "informational" if severity == "information" else "processing"
    return Issue(severity, code, diagnostics, [], outcome.value)


def _is_older(incoming: datetime | None, stored: datetime | None) -> bool:
    return incoming is not None and stored is not None and incoming < stored


def plan_writes(
    writes: Iterable[PatientWrite],
    stored: Mapping[str, StoredPerson],
    *,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> Plan:
    """Decide each write in order against ``stored`` (keyed by NHS number)."""
    plan = Plan()
    states: dict[str, _State] = {
        number: _State(p.id, p.version, p.source_last_updated, p.resource, True, p.updated_at)
        for number, p in stored.items()
    }
    for write in writes:
        number = write.patient.nhs_number
        state = states.get(number)
        if state is None:
            if write.if_match is not None:
                plan.decisions.append(_precondition_failed(write, None, None))
                continue
            state = _State(new_id(), 1, write.patient.last_updated, write.resource, False, None)
            states[number] = state
            accepted = PlannedVersion(write, state.person_id, 1, created=True)
            plan.versions.append(accepted)
            plan.creates[number] = accepted
            plan.decisions.append(Decision(write.position, Outcome.CREATED, state.person_id, 1))
            continue
        decision = _decide(write, state)
        if decision is not None:
            plan.decisions.append(decision)
            continue
        state.version += 1
        state.resource = write.resource
        state.updated_at = None
        if write.patient.last_updated is not None:
            state.source_last_updated = write.patient.last_updated
        accepted = PlannedVersion(write, state.person_id, state.version, created=False)
        plan.versions.append(accepted)
        if state.stored:
            plan.updates[number] = accepted
        else:
            plan.creates[number] = accepted  # created earlier in this request: insert the last
        plan.decisions.append(
            Decision(write.position, Outcome.UPDATED, state.person_id, state.version)
        )
    return plan


def _decide(write: PatientWrite, state: _State) -> Decision | None:
    """The decision for a write to an existing person, or None when it is a new version."""

    def kept(outcome: Outcome, issue: Issue) -> Decision:
        return Decision(
            write.position, outcome, state.person_id, state.version, (issue,), state.updated_at
        )

    if write.if_none_exist:
        exists = "A person with this NHS number exists; nothing was created"
        return kept(Outcome.EXISTS, _outcome_issue(Outcome.EXISTS, exists))
    if write.if_match is not None and write.if_match != state.version:
        return _precondition_failed(write, state.person_id, state.version)
    if state.resource is not None and state.resource == write.resource:
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


def _precondition_failed(
    write: PatientWrite, person_id: uuid.UUID | None, version: int | None
) -> Decision:
    if version is None:
        text = "If-Match names a version, but no person has this NHS number"
    else:
        text = f"If-Match names version {write.if_match}, but the current version is {version}"
    issue = Issue("error", "conflict", text, [], Outcome.PRECONDITION_FAILED.value)
    failed = Outcome.PRECONDITION_FAILED
    return Decision(write.position, failed, person_id, version, (issue,), None)
