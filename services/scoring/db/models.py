"""Imports every feature's tables so Alembic and the app see one complete metadata."""

from services.scoring.assessments.models import Assessment, AssessmentRevision
from services.scoring.audit.models import AuditEvent
from services.scoring.benchmark.models import BenchFloor
from services.scoring.db.base import metadata
from services.scoring.feed.models import FeedEvent
from services.scoring.instruments.models import StoredDefinition
from services.scoring.organisational.models import (
    Action,
    AdoptedObjective,
    OrganisationalAssessment,
    OrganisationalFeedEvent,
    OrganisationalRevision,
    Project,
)
from services.scoring.organisations.models import Membership, Organisation, Team
from services.scoring.people.models import CaseloadEntry, PatientResource, Person

__all__ = [
    "Action",
    "AdoptedObjective",
    "Assessment",
    "AssessmentRevision",
    "AuditEvent",
    "BenchFloor",
    "CaseloadEntry",
    "FeedEvent",
    "Membership",
    "Organisation",
    "OrganisationalAssessment",
    "OrganisationalFeedEvent",
    "OrganisationalRevision",
    "PatientResource",
    "Person",
    "Project",
    "StoredDefinition",
    "Team",
    "metadata",
]
