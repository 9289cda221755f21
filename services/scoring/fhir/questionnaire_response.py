"""QuestionnaireResponses an EPR sends (a HEF built into its own form): read into what
recording an assessment needs, every problem located by FHIRPath. Pure: no I/O.

Source: FHIR R4 QuestionnaireResponse (http://hl7.org/fhir/R4/questionnaireresponse.html):
``questionnaire`` is a canonical ``url|version``; ``subject`` a Reference (literal, or
logical by identifier); ``authored`` a dateTime; items nest by ``linkId`` with one
``answer[x]`` each. Equitas's exports (``instruments.questionnaire``) are the shape read
back: a group per section, a ``valueCoding`` per indicator from the item's answer options.

Two stages, so the sender fixes everything in one round trip: ``read_envelope`` (which
questionnaire, whose, when, which episode and team) and, once the questionnaire is known,
``read_answers`` (each answer against the instrument; ``engine.check_responses`` decides
which answers are acceptable and which are missing).
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from services.scoring.fhir.operation_outcome import (
    FhirInputError,
    Issue,
    issues_from_validation_error,
)
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import check_responses
from services.scoring.instruments.questionnaire import EPISODE_TYPE_URL, code_system_url
from services.scoring.people.nhs_number import is_valid_nhs_number

__all__ = [
    "NHS_NUMBER_SYSTEM",
    "TEAM_CODE_SYSTEM",
    "Envelope",
    "check_structure",
    "item_path",
    "read_answers",
    "read_envelope",
]

ROOT = "QuestionnaireResponse"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
# ``author`` may name the Equitas team whose work this is, as a logical Organization
# reference (decision 0018); the team code is Equitas's own.
TEAM_CODE_SYSTEM = "https://equitas.nhs.example/fhir/Id/team-code"
# Assessment dates are the day in England, as staff record them in the People API.
_ENGLAND = ZoneInfo("Europe/London")


@dataclass
class Envelope:
    """What a QuestionnaireResponse says besides its answers, and what is wrong with it."""

    canonical: str | None = None  # the Questionnaire's canonical URL, without the version
    version: str | None = None
    person_id: uuid.UUID | None = None  # subject by literal reference
    nhs_number: str | None = None  # subject by NHS number identifier
    subject_given: bool = False  # a subject Equitas can look up was named
    assessed_on: date | None = None
    episode_type: str | None = None
    episode_where: str = f"{ROOT}.extension"
    team_code: str | None = None
    issues: list[Issue] = field(default_factory=list)


def check_structure(resource: Mapping[str, Any]) -> None:
    """Raise ``FhirInputError`` (400) unless ``resource`` is a valid R4 QuestionnaireResponse
    with no modifier extension (Equitas understands none)."""
    # Imported here: the FHIR models are large and only needed when validating.
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    if resource.get("resourceType") != ROOT:
        raise FhirInputError([Issue.error("structure", f"Send a {ROOT}", f"{ROOT}.resourceType")])
    try:
        QuestionnaireResponse.model_validate(dict(resource))
    except (ValidationError, ValueError) as error:
        if isinstance(error, ValidationError):
            raise FhirInputError(issues_from_validation_error(error, ROOT)) from None
        raise FhirInputError([Issue.error("structure", "Not a valid " + ROOT)]) from None
    modifiers = [f"{ROOT}.modifierExtension"] * bool(resource.get("modifierExtension"))
    modifiers += _item_modifiers(resource.get("item") or [], ROOT)
    if modifiers:
        not_understood = "Modifier extensions are not understood"
        raise FhirInputError([Issue.error("not-supported", not_understood, m) for m in modifiers])


def _item_modifiers(items: list[Any], path: str) -> list[str]:
    found = []
    for i, item in enumerate(items):
        where = f"{path}.item[{i}]"
        if item.get("modifierExtension"):
            found.append(f"{where}.modifierExtension")
        for j, answer in enumerate(item.get("answer") or []):
            if answer.get("modifierExtension"):
                found.append(f"{where}.answer[{j}].modifierExtension")
            found += _item_modifiers(answer.get("item") or [], f"{where}.answer[{j}]")
        found += _item_modifiers(item.get("item") or [], where)
    return found


def read_envelope(resource: Mapping[str, Any], fhir_base: str, today: date) -> Envelope:
    """The envelope of a structurally valid QuestionnaireResponse (``check_structure``)."""
    found = Envelope()
    if resource.get("status") != "completed":
        only = "Only a completed QuestionnaireResponse is recorded (a submitted assessment)"
        found.issues.append(Issue.error("value", only, f"{ROOT}.status"))
    _questionnaire(resource.get("questionnaire"), found)
    _subject(resource.get("subject"), fhir_base, found)
    _authored(resource.get("authored"), today, found)
    for i, extension in enumerate(resource.get("extension") or []):
        if extension.get("url") == EPISODE_TYPE_URL:
            found.episode_where = f"{ROOT}.extension[{i}]"
            code = extension.get("valueCode")
            if isinstance(code, str):
                found.episode_type = code
            else:
                needs = "The episode type extension needs a valueCode"
                found.issues.append(Issue.error("required", needs, found.episode_where))
    author = resource.get("author") or {}
    identifier = author.get("identifier") or {}
    if identifier.get("system") == TEAM_CODE_SYSTEM:
        found.team_code = identifier.get("value")
    return found


def _questionnaire(canonical: Any, found: Envelope) -> None:
    where = f"{ROOT}.questionnaire"
    if not isinstance(canonical, str):
        needs = "Name the Questionnaire answered, as <canonical URL>|<version>"
        found.issues.append(Issue.error("required", needs, where))
        return
    url, _, version = canonical.partition("|")
    if not version:
        needs = "Add the version answered: <canonical URL>|<version>"
        found.issues.append(Issue.error("required", needs, where))
    found.canonical, found.version = url, version or None


def _subject(subject: Any, fhir_base: str, found: Envelope) -> None:
    where = f"{ROOT}.subject"
    subject = subject or {}
    reference = subject.get("reference")
    identifier = subject.get("identifier") or {}
    if isinstance(reference, str):
        local = reference.removeprefix(f"{fhir_base.rstrip('/')}/")
        kind, _, raw_id = local.partition("/")
        try:
            found.person_id = uuid.UUID(raw_id) if kind == "Patient" else None
        except ValueError:
            found.person_id = None
        found.subject_given = True  # an id that names no Patient is "not found" later
        if kind != "Patient":
            not_patient = "The subject must be a Patient: Patient/<id> from Equitas"
            found.issues.append(Issue.error("value", not_patient, f"{where}.reference"))
    elif identifier.get("system") == NHS_NUMBER_SYSTEM:
        value = identifier.get("value")
        if isinstance(value, str) and is_valid_nhs_number(value):
            found.nhs_number, found.subject_given = value.replace(" ", ""), True
        else:
            invalid = "Not a valid NHS number (Modulus 11)"
            found.issues.append(Issue.error("value", invalid, f"{where}.identifier.value"))
    else:
        needs = (
            "Name the Patient: reference Patient/<id>, or identifier with system "
            f"{NHS_NUMBER_SYSTEM}"
        )
        found.issues.append(Issue.error("required", needs, where))


def _authored(authored: Any, today: date, found: Envelope) -> None:
    where = f"{ROOT}.authored"
    if not isinstance(authored, str):
        needs = "authored is required: the day the assessment was done"
        found.issues.append(Issue.error("required", needs, where))
        return
    try:
        moment = datetime.fromisoformat(authored)
    except ValueError:
        # FHIR allows a year or a month; an assessment needs its day.
        found.issues.append(Issue.error("value", "authored needs at least a full date", where))
        return
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(_ENGLAND)
        except OverflowError:
            outside = "authored is outside the range of dates that can be stored"
            found.issues.append(Issue.error("value", outside, where))
            return
    if moment.date() > today:
        found.issues.append(Issue.error("value", "authored is in the future", where))
        return
    found.assessed_on = moment.date()


def item_path(defn: InstrumentDefinition, item_id: str) -> str:
    """FHIRPath naming an indicator where Equitas's Questionnaire places it."""
    section = defn.lookup().items[item_id].section_id
    return f"{ROOT}.item.where(linkId='{section}').item.where(linkId='{item_id}')"


def read_answers(
    defn: InstrumentDefinition, resource: Mapping[str, Any], public_url: str
) -> tuple[dict[str, str], list[Issue]]:
    """Each answered indicator's answer code, and an issue per wrong item (located by an
    expression naming it): unknown linkIds, more than one answer, an answer that is not
    one of the item's options, and every required indicator left unanswered."""
    lookup = defn.lookup()
    sections = {section.id for section in defn.sections}
    responses: dict[str, str] = {}
    paths: dict[str, str] = {}
    issues: list[Issue] = []
    pending: list[tuple[list[Any], str]] = [(resource.get("item") or [], ROOT)]
    while pending:
        items, path = pending.pop()
        for i, item in enumerate(items):
            link_id = item.get("linkId")
            if link_id in sections:
                pending.append((item.get("item") or [], f"{path}.item.where(linkId='{link_id}')"))
            elif link_id in lookup.items:
                where = f"{path}.item.where(linkId='{link_id}')"
                if link_id in paths:
                    issues.append(Issue.error("duplicate", "This item is answered twice", where))
                    continue
                paths[link_id] = where
                code = _answer_code(defn, link_id, item.get("answer") or [], where, public_url)
                if isinstance(code, Issue):
                    issues.append(code)
                elif code is not None:
                    responses[link_id] = code
            elif not (item.get("answer") is None and item.get("item") is None):
                unknown = f"Not an item of {defn.label}"
                issues.append(Issue.error("value", unknown, f"{path}.item[{i}].linkId"))
    for problem in check_responses(defn, responses, require_complete=True):
        item_id = problem.field.removeprefix("responses.")
        where = paths.get(item_id) or item_path(defn, item_id)
        if problem.code == "invalid_option":
            where += ".answer[0].valueCoding.code"
        issues.append(Issue.error("value", problem.message, where))
    return responses, issues


def _answer_code(
    defn: InstrumentDefinition, item_id: str, answers: list[Any], where: str, public_url: str
) -> str | Issue | None:
    if not answers:
        return None  # unanswered: check_responses says whether it needed an answer
    if len(answers) > 1:
        return Issue.error("value", "Give one answer", f"{where}.answer[1]")
    coding = answers[0].get("valueCoding")
    if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
        needs = "Answer with a valueCoding from the item's answerOption"
        return Issue.error("value", needs, f"{where}.answer[0]")
    scale = defn.lookup().items[item_id].item.scale
    system = coding.get("system")
    if system is not None and system != code_system_url(defn, scale, public_url):
        other = "The coding's system is not this item's answer options'"
        return Issue.error("code-invalid", other, f"{where}.answer[0].valueCoding.system")
    code: str = coding["code"]
    return code


def capability_resources() -> list[dict[str, Any]]:
    """Questionnaire and QuestionnaireResponse in the CapabilityStatement: exactly what
    ``questionnaire_routes`` serves."""
    return [
        {
            "type": "Questionnaire",
            "documentation": (
                "Every instrument version Equitas scores with (HEF and its variants). The "
                "canonical URL is <base>/Questionnaire/<instrument>-<variant>; reading it "
                "redirects (302) to the latest version, whose id adds the version."
            ),
            "interaction": [
                {"code": "read"},
                {"code": "search-type", "documentation": "By url and/or version."},
            ],
            "versioning": "no-version",
            "searchParam": [
                {
                    "name": "url",
                    "definition": "http://hl7.org/fhir/SearchParameter/Questionnaire-url",
                    "type": "uri",
                },
                {
                    "name": "version",
                    "definition": "http://hl7.org/fhir/SearchParameter/Questionnaire-version",
                    "type": "token",
                },
            ],
        },
        {
            "type": "QuestionnaireResponse",
            "documentation": (
                "Submitted assessments of your organisation's people (patient:read); drafts "
                "are not served. Create (patient:write) records a completed response to a "
                "known Questionnaire version about one of your Patients as a submitted "
                f"assessment; extension {EPISODE_TYPE_URL} (valueCode) gives the episode "
                f"(default ad-hoc), author.identifier ({TEAM_CODE_SYSTEM}) the team when "
                "several care for the person. Each read is audited."
            ),
            "interaction": [
                {"code": "read"},
                {"code": "vread", "documentation": "The current version only."},
                {"code": "search-type", "documentation": "By patient/subject, _lastUpdated."},
                {"code": "create", "documentation": "status completed only."},
            ],
            "versioning": "versioned",
            "readHistory": False,
            "updateCreate": False,
            "conditionalCreate": False,
            "searchParam": [
                {
                    "name": "patient",
                    "definition": "http://hl7.org/fhir/SearchParameter/QuestionnaireResponse-patient",
                    "type": "reference",
                },
                {
                    "name": "subject",
                    "definition": "http://hl7.org/fhir/SearchParameter/QuestionnaireResponse-subject",
                    "type": "reference",
                },
                {
                    "name": "_lastUpdated",
                    "definition": "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated",
                    "type": "date",
                },
                {
                    "name": "_count",
                    "type": "number",
                    "documentation": "Page size, 1 to 500 (default 50); follow the next link.",
                },
            ],
        },
    ]
