"""``POST /fhir/QuestionnaireResponse``: a completed response an EPR sends, recorded as a
submitted assessment with the same lifecycle, feed event and audit entry as the People
API's submission (``assessments.service``): scored with the version answered, kept as
revision 1, published to the change feed and audited as ``submit``, in the request's
transaction.

Whose work it is (decision 0018): the team caring for the person (on whose caseload they
are); when several teams do, the response names one in ``author``. Every problem found,
in the envelope and in the answers, is reported at once; nothing is written unless none.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.common.auth import Principal
from services.common.errors import InvalidInput
from services.scoring.app_state import catalogue_of
from services.scoring.assessments import service
from services.scoring.assessments.models import Assessment
from services.scoring.assessments.service import Loaded
from services.scoring.fhir.operation_outcome import FhirInputError, Issue
from services.scoring.fhir.questionnaire_response import (
    ROOT,
    TEAM_CODE_SYSTEM,
    Envelope,
    check_structure,
    read_answers,
    read_envelope,
)
from services.scoring.fhir.requests import base_url
from services.scoring.fhir.service import organisation_of
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.questionnaire import canonical_id, fhir_base
from services.scoring.organisations.models import Team
from services.scoring.people.access import person_visible_to
from services.scoring.people.models import CaseloadEntry, Person

__all__ = ["DEFAULT_EPISODE_TYPE", "record_response"]

# A response that does not say which episode it was done for is an ad-hoc assessment, so
# it never stands in for a referral baseline or a discharge outcome.
DEFAULT_EPISODE_TYPE = "ad-hoc"
_ENGLAND = ZoneInfo("Europe/London")


def _issues(error: InvalidInput, code: Any = "value") -> list[Issue]:
    """The field problems of a rule the People API states, as OperationOutcome issues."""
    return [Issue.error(code, problem.message, problem.field) for problem in error.errors]


async def _definition(
    request: Request, envelope: Envelope, issues: list[Issue]
) -> InstrumentDefinition | None:
    if envelope.canonical is None or envelope.version is None:
        return None  # already reported
    where = f"{ROOT}.questionnaire"
    catalogue = catalogue_of(request)
    await catalogue.sync()  # versions uploaded through another worker
    prefix = f"{fhir_base(request.app.state.settings.public_url)}/Questionnaire/"
    variants = {canonical_id(d.instrument, d.variant): d.key[:2] for d in catalogue.registry.list()}
    key = variants.get(envelope.canonical.removeprefix(prefix))
    if not envelope.canonical.startswith(prefix) or key is None:
        unknown = "Not the canonical URL of an Equitas Questionnaire (see GET /fhir/Questionnaire)"
        issues.append(Issue.error("value", unknown, where))
        return None
    try:
        defn = await catalogue.get(*key, envelope.version, field=where)
    except InvalidInput as error:
        issues += _issues(error)
        return None
    if defn.subject_type != "person":
        issues.append(Issue.error("value", "This Questionnaire is not about a Patient", where))
        return None
    return defn


async def _subject(
    session: AsyncSession, principal: Principal, envelope: Envelope, issues: list[Issue]
) -> Person | None:
    """The person the response is about, among the client's organisation's people."""
    if not envelope.subject_given:
        return None  # already reported
    query = select(Person).where(person_visible_to(principal))
    if envelope.nhs_number is not None:
        query = query.where(col(Person.nhs_number) == envelope.nhs_number)
    else:
        query = query.where(col(Person.id) == envelope.person_id)
    person = (await session.execute(query)).scalar_one_or_none()
    if person is None:
        missing = "No such Patient in your organisation (push the Patient first)"
        issues.append(Issue.error("not-found", missing, f"{ROOT}.subject"))
    return person


async def _caring_team(
    session: AsyncSession, person: Person, team_code: str | None, issues: list[Issue]
) -> Team | None:
    """The team whose work the assessment is (decision 0018)."""
    teams = list(
        (
            await session.execute(
                select(Team)
                .join(CaseloadEntry, col(CaseloadEntry.team_id) == col(Team.id))
                .where(
                    col(CaseloadEntry.person_id) == person.id,
                    col(Team.organisation_id) == person.organisation_id,
                )
                .order_by(col(Team.code))
            )
        ).scalars()
    )
    if team_code is not None:
        named = [team for team in teams if team.code == team_code]
        if not named:
            not_caring = "Not a team caring for this person (on whose caseload they are)"
            issues.append(Issue.error("value", not_caring, f"{ROOT}.author.identifier.value"))
        return named[0] if named else None
    if len(teams) == 1:
        return teams[0]
    if not teams:
        no_team = (
            "The person is on no team's caseload: a team adds them (at referral) before "
            "their assessments are recorded"
        )
        issues.append(Issue.error("value", no_team, f"{ROOT}.subject"))
    else:
        which = (
            "Several teams care for this person: name the one whose assessment this is in "
            f"author.identifier (system {TEAM_CODE_SYSTEM}, value its team code)"
        )
        issues.append(Issue.error("required", which, f"{ROOT}.author"))
    return None


def _episode_type(defn: InstrumentDefinition, envelope: Envelope, issues: list[Issue]) -> str:
    episode = envelope.episode_type or DEFAULT_EPISODE_TYPE
    try:
        service.check_episode(defn, episode, f"{envelope.episode_where}.valueCode")
    except InvalidInput as error:
        issues += _issues(error, "code-invalid")
    return episode


async def record_response(
    session: AsyncSession, principal: Principal, request: Request, resource: dict[str, Any]
) -> tuple[Loaded, InstrumentDefinition]:
    """Record ``resource`` (a parsed QuestionnaireResponse) as a submitted assessment;
    ``FhirInputError`` with every problem otherwise."""
    check_structure(resource)
    today = datetime.now(_ENGLAND).date()
    envelope = read_envelope(resource, base_url(request), today)
    issues = list(envelope.issues)
    defn = await _definition(request, envelope, issues)
    responses: dict[str, str] = {}
    episode = DEFAULT_EPISODE_TYPE
    if defn is not None:
        public_url = request.app.state.settings.public_url
        responses, answer_issues = read_answers(defn, resource, public_url)
        issues += answer_issues
        episode = _episode_type(defn, envelope, issues)
    organisation = await organisation_of(session, principal)
    person = await _subject(session, principal, envelope, issues)
    team = None
    if person is not None:
        team = await _caring_team(session, person, envelope.team_code, issues)
        if envelope.assessed_on is not None:
            try:
                service.check_assessed_on(person, envelope.assessed_on, f"{ROOT}.authored")
            except InvalidInput as error:
                issues += _issues(error)
    if issues or defn is None or person is None or team is None or not envelope.assessed_on:
        raise FhirInputError(issues)
    assessment = service.new_assessment(
        person.id,
        team.id,
        defn,
        episode_type=episode,
        assessed_on=envelope.assessed_on,
        responses=responses,
        notes=None,  # free text is never taken from an EPR's form
        free_text_flags=[],
        author=principal.subject,
        submit=True,
        build=Assessment,
    )
    session.add(assessment)
    session.add(service.revision_of(assessment, amend_reason=None))
    loaded = Loaded(assessment, person, team, organisation)
    await service.publish(session, request, "assessment.submitted", loaded, defn)
    service.audit(session, principal, request, "submit", assessment, format="QuestionnaireResponse")
    return loaded, defn
