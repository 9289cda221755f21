"""People who are assessed, their demographics, caseloads and the FHIR resources EPRs sent."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint, text
from sqlmodel import Field

from services.scoring.db.base import ScoringTable, utcnow


class Person(ScoringTable, table=True):
    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("organisation_id", "nhs_number"),
        UniqueConstraint("organisation_id", "local_id"),
        Index("ix_person_search_name", "organisation_id", text("lower(family_name)")),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    nhs_number: str | None = Field(default=None, max_length=10)
    nhs_number_verification_status: str | None = Field(default=None, max_length=2)
    local_id: str | None = Field(default=None, max_length=64)
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    birth_date: date
    sex: str = Field(max_length=8)  # male | female | other | unknown
    ethnic_category: str | None = Field(default=None, max_length=2)  # NHS code, e.g. "A"
    ethnic_category_system: str | None = Field(default=None, max_length=200)
    ethnic_category_source_code: str | None = Field(default=None, max_length=16)
    postcode: str | None = Field(default=None, max_length=8)
    lsoa_code: str | None = Field(default=None, max_length=9)
    imd_decile: int | None = None
    imd_vintage: str | None = Field(default=None, max_length=16)
    imd_status: str = Field(default="unknown_postcode", max_length=32)
    gp_practice_ods: str | None = Field(default=None, max_length=12)
    gp_practitioner_gmp: str | None = Field(default=None, max_length=16)
    interpreter_required: bool | None = None
    language: str | None = Field(default=None, max_length=16)
    source: str = Field(default="manual", max_length=16)  # manual | fhir
    source_last_updated: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True))
    )
    version: int = 1  # the ETag
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class CaseloadEntry(ScoringTable, table=True):
    """A person is on a team's caseload: what makes them visible to that team (the rule is
    the database function ``cared_for_by``). Added while another team of the trust cared
    for the person, it is break-glass and carries the reason given (decision 0014)."""

    __tablename__ = "caseload_entry"

    person_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True)
    team_id: uuid.UUID = Field(foreign_key="team.id", primary_key=True, index=True)
    added_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    added_by: str | None = Field(default=None, max_length=128)
    break_glass_reason: str | None = Field(default=None, max_length=2000)


class PatientResource(ScoringTable, table=True):
    """Every version of every FHIR Patient an EPR sent, as sent: nothing is lost."""

    __tablename__ = "patient_resource"
    __table_args__ = (UniqueConstraint("person_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    version: int
    resource: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    last_updated: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    client_id: str = Field(max_length=128)
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
