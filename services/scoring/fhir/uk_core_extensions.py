"""Reading the UK Core Patient extensions Equitas uses, from raw FHIR JSON.

Sources: UK Core extensions ``Extension-UKCore-NHSNumberVerificationStatus`` (on the NHS
number identifier; codes 01-08 of ``UKCore-NHSNumberVerificationStatusEngland``) and
``Extension-UKCore-EthnicCategory`` (valueCodeableConcept; England, Wales and the older
UK Core code systems), and the HL7 core extension ``patient-interpreterRequired``
(valueBoolean). https://simplifier.net/hl7fhirukcorer4, FHIR R4 extensibility.

Each reader appends issues (FHIRPath under the ``where`` it is given) instead of raising,
so a Patient's problems are all reported together. Other extensions are ignored here:
they stay in the stored resource.
"""

from dataclasses import dataclass
from typing import Any

from services.scoring.fhir.operation_outcome import Issue
from services.scoring.people.ethnicity import (
    EthnicCodingResult,
    UnknownCodeSystem,
    UnknownEthnicCategory,
    from_fhir_coding,
)

__all__ = [
    "ETHNIC_CATEGORY_URL",
    "INTERPRETER_REQUIRED_URL",
    "VERIFICATION_STATUS_CODES",
    "VERIFICATION_STATUS_SYSTEMS",
    "VERIFICATION_STATUS_URL",
    "PatientExtensions",
    "modifier_extension_issues",
    "patient_extensions",
    "verification_status",
]

VERIFICATION_STATUS_URL = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
)
# UK Core 2.x codes in ...StatusEngland; PDS still sends the older system name with the
# same codes, so both are read.
VERIFICATION_STATUS_SYSTEMS = frozenset(
    {
        "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland",
        "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus",
    }
)
VERIFICATION_STATUS_CODES = {
    "01": "Number present and verified",
    "02": "Number present but not traced",
    "03": "Trace required",
    "04": "Trace attempted - No match or multiple match found",
    "05": "Trace needs to be resolved - (NHS number or patient detail conflict)",
    "06": "Trace in progress",
    "07": "Number not present and trace not required",
    "08": "Trace postponed (baby under six weeks old)",
}
ETHNIC_CATEGORY_URL = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
INTERPRETER_REQUIRED_URL = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"


def _ethnic_coding(system: str, code: str) -> EthnicCodingResult:
    """The one call into the ethnicity rules. Raises UnknownCodeSystem /
    UnknownEthnicCategory."""
    return from_fhir_coding(system, code)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _concept(extension: dict[str, Any], where: str, issues: list[Issue]) -> list[Any] | None:
    """The codings of an extension's valueCodeableConcept (None, with an issue, if absent)."""
    concept = extension.get("valueCodeableConcept")
    if not isinstance(concept, dict):
        issues.append(Issue.error("required", "A valueCodeableConcept is required", where))
        return None
    return _list(concept.get("coding"))


def verification_status(identifier: dict[str, Any], where: str, issues: list[Issue]) -> str | None:
    """The NHS number verification status code ("01".."08") on an NHS number identifier."""
    for j, extension in enumerate(_list(identifier.get("extension"))):
        if not isinstance(extension, dict) or extension.get("url") != VERIFICATION_STATUS_URL:
            continue
        here = f"{where}.extension[{j}].valueCodeableConcept"
        codings = _concept(extension, here, issues)
        for k, coding in enumerate(codings or []):
            system = coding.get("system") if isinstance(coding, dict) else None
            if isinstance(system, str) and system in VERIFICATION_STATUS_SYSTEMS:
                code = coding.get("code")
                if isinstance(code, str) and code in VERIFICATION_STATUS_CODES:
                    return code
                not_a_status = "Not an NHS number verification status code (01-08)"
                issues.append(Issue.error("code-invalid", not_a_status, f"{here}.coding[{k}].code"))
                return None
        if codings is not None:
            none_known = "No coding from UKCore-NHSNumberVerificationStatusEngland"
            issues.append(Issue.error("code-invalid", none_known, f"{here}.coding"))
        return None
    return None


def _ethnic_category(
    extension: dict[str, Any], where: str, issues: list[Issue]
) -> EthnicCodingResult | None:
    """The first coding in a known ethnic category system. Codings in other systems (a
    SNOMED translation, say) may come alongside one, but not instead of one."""
    here = f"{where}.valueCodeableConcept"
    codings = _concept(extension, here, issues)
    if codings is None:
        return None
    first_unknown: int | None = None
    for k, coding in enumerate(codings):
        system = coding.get("system") if isinstance(coding, dict) else None
        code = coding.get("code") if isinstance(coding, dict) else None
        try:
            if isinstance(system, str) and isinstance(code, str):
                return _ethnic_coding(system, code)
        except UnknownEthnicCategory:
            not_in_system = "Not a code in this ethnic category code system"
            issues.append(Issue.error("code-invalid", not_in_system, f"{here}.coding[{k}].code"))
            return None
        except UnknownCodeSystem:
            pass
        first_unknown = k if first_unknown is None else first_unknown
    at = f"{here}.coding" if first_unknown is None else f"{here}.coding[{first_unknown}].system"
    none_known = "No coding from a known ethnic category code system"
    issues.append(Issue.error("code-invalid", none_known, at))
    return None


@dataclass(slots=True)
class PatientExtensions:
    """What the Patient-level extensions say: ethnic category, interpreter required."""

    ethnic: EthnicCodingResult | None = None
    interpreter_required: bool | None = None


def patient_extensions(
    resource: dict[str, Any], prefix: str, issues: list[Issue]
) -> PatientExtensions:
    found = PatientExtensions()
    seen_ethnic = False
    for j, extension in enumerate(_list(resource.get("extension"))):
        if not isinstance(extension, dict):
            continue
        url = extension.get("url")
        where = f"{prefix}.extension[{j}]"
        if url == ETHNIC_CATEGORY_URL and seen_ethnic:  # the profile allows 0..1
            issues.append(Issue.error("structure", "Only one ethnic category is allowed", where))
        elif url == ETHNIC_CATEGORY_URL:
            seen_ethnic = True
            found.ethnic = _ethnic_category(extension, where, issues)
        elif url == INTERPRETER_REQUIRED_URL:
            value = extension.get("valueBoolean")
            if isinstance(value, bool):
                found.interpreter_required = value
            else:
                needs = "interpreterRequired needs a valueBoolean"
                issues.append(Issue.error("required", needs, f"{where}.valueBoolean"))
    return found


def modifier_extension_issues(resource: dict[str, Any], prefix: str) -> list[Issue]:
    """Every modifier extension, on the Patient or its backbone elements, is refused:
    Equitas understands none, and FHIR forbids processing data whose meaning one of them
    may change (http://hl7.org/fhir/R4/extensibility.html#modifierExtension)."""
    places = [(prefix, resource)] + [
        (f"{prefix}.{name}[{i}]", item)
        for name in ("contact", "communication", "link")
        for i, item in enumerate(_list(resource.get(name)))
        if isinstance(item, dict)
    ]
    not_understood = "Modifier extensions are not understood"
    return [
        Issue.error("not-supported", not_understood, f"{where}.modifierExtension[{j}]")
        for where, element in places
        for j, _ in enumerate(_list(element.get("modifierExtension")))
    ]
