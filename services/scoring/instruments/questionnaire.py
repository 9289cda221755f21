"""FHIR R4 Questionnaire and QuestionnaireResponse for an instrument definition.

Follows FHIR R4 (4.0.1) Questionnaire / QuestionnaireResponse
(https://hl7.org/fhir/R4/questionnaire.html), the ``ordinalValue`` extension for each option's
score and ``questionnaire-itemControl`` ``help`` for help text. Only elements that exist in R4
are emitted; ``validate_fhir`` checks them with the fhir.resources R4B models, whose
Questionnaire and QuestionnaireResponse match R4 for every element used here (fhir.resources 8
has no R4 package; ``/work/shared/reference/nhs-interop.md``). The resources say R4 through the
media type ``FHIR_MEDIA_TYPE`` that the API serves them with.
"""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from services.scoring.instruments.definition import InstrumentDefinition, Item
from services.scoring.instruments.engine import check_responses
from services.scoring.instruments.errors import FhirValidationError, ResponseError

FHIR_VERSION = "4.0.1"
# The media type that declares the FHIR version (R4 http.html#version-parameter).
FHIR_MEDIA_TYPE = "application/fhir+json; fhirVersion=4.0"
ORDINAL_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_CONTROL_URL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
# Equitas's extension on a QuestionnaireResponse: the episode of care it was done for
# (valueCode: referral, review, discharge, ad-hoc, ... as the definition lists them).
EPISODE_TYPE_URL = "https://equitas.nhs.example/fhir/StructureDefinition/episode-type"

# "programme" has no FHIR resource type to point at, so it declares no subjectType.
_SUBJECT_TYPES = {"person": ["Patient"], "organisation": ["Organization"], "programme": []}

ResponseStatus = Literal["in-progress", "completed", "amended"]

# Required bindings in R4 that the fhir.resources models do not enforce (they type these as
# plain ``code``). R5 renamed item type "choice" to "coding", so this also catches R5 output.
_R4_CODES = {
    ("Questionnaire", "status"): {"draft", "active", "retired", "unknown"},
    ("QuestionnaireResponse", "status"): {
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    },
}
_R4_ITEM_TYPES = {
    "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string",
    "text", "url", "choice", "open-choice", "attachment", "reference", "quantity",
}  # fmt: skip


def fhir_base(public_url: str) -> str:
    """The FHIR endpoint's base URL under the service's public URL (the gateway routes
    ``/fhir`` to it)."""
    return f"{public_url.rstrip('/')}/fhir"


def canonical_id(instrument: str, variant: str) -> str:
    """The last part of an instrument variant's canonical URL: one per variant, whatever
    the version (``hef-standard``)."""
    return f"{instrument}-{variant}"


def questionnaire_url(defn: InstrumentDefinition, base_url: str) -> str:
    """The canonical URL, which the FHIR endpoint resolves (``GET`` it for the latest
    version; ``url`` and ``version`` search for any): ``<public URL>/fhir/Questionnaire/
    <instrument>-<variant>``, the same for every version, as FHIR canonicals are."""
    return f"{fhir_base(base_url)}/Questionnaire/{canonical_id(defn.instrument, defn.variant)}"


def questionnaire_id(defn: InstrumentDefinition) -> str:
    """The resource id of one version (``hef-standard-1.0.0-provisional``)."""
    return _resource_id(defn.instrument, defn.variant, defn.version)


def code_system_url(defn: InstrumentDefinition, scale_id: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/CodeSystem/{defn.instrument}-{scale_id}"


def _resource_id(*parts: str) -> str:
    # FHIR ids allow [A-Za-z0-9-.] up to 64 characters; semver build metadata ("+") does not fit.
    return re.sub(r"[^A-Za-z0-9.-]", "-", "-".join(parts))[:64]


def _computable_name(defn: InstrumentDefinition) -> str:
    # Questionnaire.name must look like a code identifier (R4 invariant que-0).
    words = re.split(r"[^A-Za-z0-9]+", f"{defn.instrument} {defn.variant}")
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def _help_item(link_id: str, text: str) -> dict[str, Any]:
    return {
        "linkId": f"{link_id}.help",
        "type": "display",
        "text": text,
        "extension": [
            {
                "url": ITEM_CONTROL_URL,
                "valueCodeableConcept": {
                    "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help"}]
                },
            }
        ],
    }


def _question(defn: InstrumentDefinition, item: Item, base_url: str) -> dict[str, Any]:
    scale = defn.lookup().scales[item.scale]
    system = code_system_url(defn, scale.id, base_url)
    options = []
    for option in scale.options:
        answer: dict[str, Any] = {
            "valueCoding": {"system": system, "code": option.code, "display": option.label}
        }
        if option.value is not None:
            answer["extension"] = [{"url": ORDINAL_VALUE_URL, "valueDecimal": option.value}]
        options.append(answer)
    question: dict[str, Any] = {
        "linkId": item.id,
        "text": item.text,
        "type": "choice",
        "required": item.required,
        "answerOption": options,
    }
    if item.help:
        question["item"] = [_help_item(item.id, item.help)]
    return question


def to_questionnaire(defn: InstrumentDefinition, *, base_url: str) -> dict[str, Any]:
    """The definition as an R4 Questionnaire: one group per section, one choice per item."""
    sections = []
    for section in defn.sections:
        children = [_help_item(section.id, section.help)] if section.help else []
        children += [_question(defn, item, base_url) for item in section.items]
        sections.append(
            {"linkId": section.id, "type": "group", "text": section.title, "item": children}
        )
    notes = "\n".join(f"- {n.part}: {n.reason}" for n in defn.provisional_notes)
    description = f"Source: {defn.source.citation}"
    if notes:
        description += f"\n\nProvisional parts:\n{notes}"
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(defn),
        "url": questionnaire_url(defn, base_url),
        "version": defn.version,
        "name": _computable_name(defn),
        "title": defn.title,
        # A provisional definition is a draft until the licence holder's version replaces it.
        "status": "draft" if defn.status == "provisional" else "active",
        "description": description,
        "copyright": defn.licence_note,
        "item": sections,
    }
    if _SUBJECT_TYPES[defn.subject_type]:
        resource["subjectType"] = _SUBJECT_TYPES[defn.subject_type]
    if defn.based_on is not None:
        b = defn.based_on
        base = f"{fhir_base(base_url)}/Questionnaire/{canonical_id(b.instrument, b.variant)}"
        resource["derivedFrom"] = [f"{base}|{b.version}"]
    return resource


def to_questionnaire_response(
    defn: InstrumentDefinition,
    *,
    base_url: str,
    assessment_id: str,
    subject_reference: str,
    authored: datetime,
    status: ResponseStatus,
    responses: Mapping[str, str],
    episode_type: str | None = None,
) -> dict[str, Any]:
    """One assessment as an R4 QuestionnaireResponse. A completed or amended response must
    answer every required item (R4 invariant on status), so those are checked as complete."""
    if authored.tzinfo is None:
        # FHIR dateTime with a time must carry a time zone.
        raise FhirValidationError("authored must be timezone-aware")
    problems = check_responses(defn, responses, require_complete=status != "in-progress")
    if problems:
        raise ResponseError(problems)
    lookup = defn.lookup()
    groups = []
    for section in defn.sections:
        answered = []
        for item in section.items:
            code = responses.get(item.id)
            if code is None:
                continue
            scale = lookup.scales[item.scale]
            label = next(o.label for o in scale.options if o.code == code)
            coding = {
                "system": code_system_url(defn, scale.id, base_url),
                "code": code,
                "display": label,
            }
            answered.append(
                {"linkId": item.id, "text": item.text, "answer": [{"valueCoding": coding}]}
            )
        if answered:
            groups.append({"linkId": section.id, "text": section.title, "item": answered})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": _resource_id(assessment_id),
        "questionnaire": f"{questionnaire_url(defn, base_url)}|{defn.version}",
        "status": status,
        "subject": {"reference": subject_reference},
        "authored": authored.isoformat(),
    }
    if episode_type is not None:
        resource["extension"] = [{"url": EPISODE_TYPE_URL, "valueCode": episode_type}]
    if groups:  # FHIR forbids empty arrays
        resource["item"] = groups
    return resource


def validate_fhir(resource: Mapping[str, Any]) -> None:
    """Raise ``FhirValidationError`` unless ``resource`` is a valid Questionnaire or
    QuestionnaireResponse."""
    # Imported here: the FHIR models are large and only needed when validating.
    from fhir.resources.R4B.questionnaire import Questionnaire
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    from pydantic import ValidationError

    models: dict[str, Any] = {
        "Questionnaire": Questionnaire,
        "QuestionnaireResponse": QuestionnaireResponse,
    }
    model = models.get(str(resource.get("resourceType")))
    if model is None:
        raise FhirValidationError(f"unsupported resourceType {resource.get('resourceType')!r}")
    try:
        model.model_validate(dict(resource))
    except (ValidationError, ValueError) as exc:
        raise FhirValidationError(str(exc)) from None
    resource_type = str(resource["resourceType"])
    for (of_type, field), allowed in _R4_CODES.items():
        if of_type == resource_type and resource.get(field) not in allowed:
            raise FhirValidationError(f"{field} {resource.get(field)!r} is not an R4 {field} code")
    if resource_type == "Questionnaire":
        _check_item_types(resource.get("item") or [])


def _check_item_types(items: Any) -> None:
    for item in items:
        if item.get("type") not in _R4_ITEM_TYPES:
            raise FhirValidationError(
                f"item {item.get('linkId')!r}: type {item.get('type')!r} is not an R4 item type"
            )
        _check_item_types(item.get("item") or [])
