"""What the reports on an organisational assessment (the board tools, HEAT) share: the
assessment and one of scoring's views of it, read with the caller's token, and the facts
printed at the top. No personal data: the subject is a trust's board or a project."""

import uuid
from collections.abc import Mapping
from typing import Any

from services.reporting.machinery.instruments import Definition, definition_of
from services.reporting.machinery.tables import long_date
from services.reporting.upstream import Upstream

ASSESSMENTS = "/api/scoring/organisational-assessments"


async def assessment_and_view(
    upstream: Upstream, assessment_id: uuid.UUID, view: str
) -> tuple[Any, Mapping[str, Any], Definition]:
    """Scoring's ``view`` of the assessment (``board-results``, ``scorecard``, ``stages``),
    the assessment itself and its instrument version's labels. The view is asked first, so a
    caller is refused exactly as that view refuses (404 for another organisation's record or
    another instrument's, 403 without a role)."""
    found = await upstream.get("scoring", f"{ASSESSMENTS}/{assessment_id}/{view}")
    assessment: Mapping[str, Any] = await upstream.get("scoring", f"{ASSESSMENTS}/{assessment_id}")
    definition = await definition_of(
        upstream,
        str(assessment["instrument"]),
        str(assessment["variant"]),
        str(assessment["instrument_version"]),
    )
    return found, assessment, definition


def status_words(assessment: Mapping[str, Any]) -> str:
    if assessment.get("status") == "submitted":
        revision = int(assessment.get("revision") or 1)
        return "submitted" + (f" (revision {revision}, amended)" if revision > 1 else "")
    return "draft (not yet submitted: the answers may still change)"


def assessment_facts(
    assessment: Mapping[str, Any], definition: Definition
) -> list[tuple[str, str]]:
    """The facts every organisational report prints first."""
    return [
        ("Organisation", str(assessment.get("organisation_code", ""))),
        ("Assessed on", long_date(assessment.get("assessed_on"))),
        ("Status", status_words(assessment)),
        ("Submitted", long_date(assessment.get("submitted_at"))),
        ("Instrument", f"{definition.title}, version {definition.version}"),
    ]


def provisional_caveat(definition: Definition) -> list[str]:
    if definition.status != "provisional":
        return []
    return [
        f"{definition.title} version {definition.version} is provisional: its wording, scale "
        "and thresholds are Equitas's until the published tool's are loaded as a new version. "
        "A later version never changes this assessment's results."
    ]


def words(code: str | None) -> str:
    """A code as words: ``chief_executive`` -> "Chief executive"."""
    if not code:
        return ""
    text = code.replace("_", " ")
    return text[:1].upper() + text[1:]
