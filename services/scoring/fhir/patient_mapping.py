"""UK Core Patient (FHIR R4) -> the demographics Equitas keeps about a person.

Sources: UK Core Patient profile (https://simplifier.net/hl7fhirukcorer4, ``UKCore-
Patient``), FHIR R4 Patient (http://hl7.org/fhir/R4/patient.html), NHS number Modulus 11
(NHS Data Dictionary, implemented in ``people.nhs_number``). UK Core is R4; fhir.resources'
R4B Patient has the same elements, so it validates the resource.

What the push API requires, and why (everything else is optional):

- an identifier Equitas can match on: an NHS number (identifier system
  ``https://fhir.nhs.uk/Id/nhs-number``) passing Modulus 11, and/or the sending system's
  local identifier (the system configured for its client, ``local_system``; the People
  API's ``local_id``): EPRs create and update people by these, so a Patient with neither
  cannot be matched (decision 0017);
- a full ``birthDate`` (YYYY-MM-DD), not in the future: the person record stores a date
  and age bands are computed from it;
- a current official, usual or unlabelled name with a family or given name: the person
  record needs a name for staff to find them.

Schema validation (fhir.resources, its verdicts remembered by shape: ``validation_memo``)
and these rules both run (the rules on the raw JSON, type-checking as they go), and every
problem is raised together in one ``FhirInputError``. Extensions Equitas does not know
stay in the stored resource and are never rejected; modifier extensions are (see
``uk_core_extensions``).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

from services.common.input_rules import utc_instant
from services.scoring.fhir import patient_elements as elements
from services.scoring.fhir import uk_core_extensions as extensions
from services.scoring.fhir.operation_outcome import (
    FhirInputError,
    Issue,
    IssueType,
    issues_from_validation_error,
)
from services.scoring.fhir.validation_memo import ShapeMemo, element_adapter
from services.scoring.people.nhs_number import InvalidNhsNumber, normalise_nhs_number
from services.scoring.people.sex import Sex, UnknownGender, from_fhir_gender

__all__ = [
    "NHS_NUMBER_SYSTEM",
    "STORED_LENGTHS",
    "MappedPatient",
    "london_today",
    "map_patient",
    "nhs_number_or_problem",
]

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"

# The longest value Equitas's person record stores for each mapped field (the person
# table's column lengths; a unit test keeps the two equal). Longer values are refused
# with an issue, never truncated and never left to fail as a database error.
STORED_LENGTHS = {
    "given_name": 100,  # the given names, joined with spaces
    "family_name": 100,
    "ethnic_category_system": 200,
    "ethnic_category_source_code": 16,
    "postcode": 8,
    "gp_practice_ods": 12,
    "gp_practitioner_gmp": 16,
    "language": 16,
    "local_id": 64,
}
# Where each of those fields comes from, as FHIRPath (``extension(url)`` selects by url).
_STORED_FROM = {
    "given_name": "name.given",
    "family_name": "name.family",
    "ethnic_category_system": f"extension('{extensions.ETHNIC_CATEGORY_URL}')"
    ".valueCodeableConcept.coding.system",
    "ethnic_category_source_code": f"extension('{extensions.ETHNIC_CATEGORY_URL}')"
    ".valueCodeableConcept.coding.code",
    "postcode": "address.postalCode",
    "gp_practice_ods": "generalPractitioner.identifier.value",
    "gp_practitioner_gmp": "generalPractitioner.identifier.value",
    "language": "communication.language.coding.code",
    "local_id": "identifier.value",
}

_LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True, slots=True)
class MappedPatient:
    """The demographics read from one UK Core Patient (the resource itself is stored too)."""

    id: str | None
    nhs_number: str | None  # 10 digits; None when only a local identifier was sent
    local_id: str | None  # the value of the sending system's own identifier
    nhs_number_verification_status: str | None  # "01".."08"
    family_name: str | None
    given_names: tuple[str, ...]
    name_prefixes: tuple[str, ...]
    sex: Sex  # from gender; absent gender is "unknown"
    birth_date: date
    postcode: str | None  # normalised ("LS1 4AP"); None when absent or not UK-shaped
    gp_practice_ods: str | None
    gp_practitioner_gmp: str | None
    gp_references: tuple[str, ...]  # literal references as sent ("Organization/x", "#gp")
    interpreter_required: bool | None
    language: str | None  # communication language code, preferred first
    ethnic_category_code: str | None  # NHS code ("A".."S", "Z", "99") when mapped
    ethnic_category_system: str | None
    ethnic_category_source_code: str | None
    ethnic_category_mapped: bool
    last_updated: datetime | None  # meta.lastUpdated


# Adapters: the only calls into people.*, so a change there is a one-line change here.
def nhs_number_or_problem(raw: str) -> tuple[str, None] | tuple[None, str]:
    """(normalised NHS number, None) or (None, diagnostics naming the reason code, never
    the digits)."""
    try:
        return normalise_nhs_number(raw), None
    except InvalidNhsNumber as error:
        return None, f"Not a valid NHS number ({error.reason})"


def _sex(gender: str | None) -> Sex:
    """Raises UnknownGender."""
    return from_fhir_gender(gender)


def london_today() -> date:
    """Today in England: a birth at 00:30 BST is not in the future at 23:30 UTC."""
    return datetime.now(_LONDON).date()


def map_patient(
    resource: Any,
    *,
    expression_prefix: str = "Patient",
    today: date | None = None,
    local_system: str | None = None,
) -> MappedPatient:
    """Validate a UK Core Patient (FHIR JSON dict) and read Equitas's fields from it.

    ``expression_prefix`` roots every issue's FHIRPath (``Bundle.entry[3].resource``
    inside a Bundle); ``today`` (default: today in England) judges future dates;
    ``local_system`` is the sending client's own identifier system, if it has one.
    A resource that is not a Patient gets one issue at ``<prefix>.resourceType`` and no
    further checks: its other problems would only be noise. Raises ``FhirInputError``.
    """
    prefix = expression_prefix
    if not isinstance(resource, dict):
        raise FhirInputError([Issue.error("structure", "A resource must be a JSON object", prefix)])
    resource_type = resource.get("resourceType")
    if resource_type != "Patient":
        code: IssueType = "required" if resource_type is None else "structure"
        issue = Issue.error(code, "Expected a Patient resource", f"{prefix}.resourceType")
        raise FhirInputError([issue])

    issues: list[Issue] = []
    # Validation has parsed the instant (offset and all); the raw JSON has not.
    last_updated = _validate(resource, prefix, issues)
    if not isinstance(last_updated, datetime):
        last_updated = None
    else:
        try:
            last_updated = utc_instant(last_updated)
        except ValueError as error:
            issues.append(
                Issue.error("value", f"The instant {error}", f"{prefix}.meta.lastUpdated")
            )
            last_updated = None
    mapped = _read(resource, prefix, today or london_today(), last_updated, local_system, issues)
    if mapped is not None:
        issues += _length_issues(mapped, prefix)
    if mapped is None and not issues:  # a shape only schema validation could explain
        issues.append(Issue.error("invalid", "The Patient could not be read", prefix))
    if issues or mapped is None:
        raise FhirInputError(issues)
    return mapped


def _length_issues(mapped: MappedPatient, prefix: str) -> list[Issue]:
    values = {
        "given_name": " ".join(mapped.given_names),
        "family_name": mapped.family_name,
        "ethnic_category_system": mapped.ethnic_category_system,
        "ethnic_category_source_code": mapped.ethnic_category_source_code,
        "postcode": mapped.postcode,
        "gp_practice_ods": mapped.gp_practice_ods,
        "gp_practitioner_gmp": mapped.gp_practitioner_gmp,
        "language": mapped.language,
        "local_id": mapped.local_id,
    }
    return [
        Issue.error(
            "value",
            f"Longer than Equitas stores ({STORED_LENGTHS[name]} characters)",
            f"{prefix}.{_STORED_FROM[name]}",
        )
        for name, value in values.items()
        if value is not None and len(value) > STORED_LENGTHS[name]
    ]


# Patient shapes fhir.resources accepted, and the validator of meta.lastUpdated's value.
_SHAPES = ShapeMemo(Patient)
_LAST_UPDATED = element_adapter(Meta, "lastUpdated")


def _validate(resource: dict[str, Any], prefix: str, issues: list[Issue]) -> Any:
    """fhir.resources validation, once per resource, remembered by shape
    (``validation_memo``); the validated ``meta.lastUpdated`` (None when absent, or when
    the resource is invalid)."""
    if _SHAPES.known_valid(resource):
        meta = resource.get("meta")
        raw = meta.get("lastUpdated") if isinstance(meta, dict) else None
        return None if raw is None else _LAST_UPDATED.validate_python(raw)
    before = len(issues)
    model = _validate_in_full(resource, prefix, issues)
    if model is None:
        return None
    if len(issues) == before:  # the whole resource was validated (no contained one left out)
        _SHAPES.accepted(resource)
    return model.meta.lastUpdated if model.meta else None


def _validate_in_full(resource: dict[str, Any], prefix: str, issues: list[Issue]) -> Patient | None:
    """fhir.resources validation.

    fhir.resources raises KeyError/TypeError (not a ValidationError) for a contained
    resource with an unknown or non-string resourceType, so those are checked first and,
    if bad, ``contained`` is left out of validation rather than crash it.
    """
    to_validate = resource
    contained = elements.as_list(resource.get("contained"))
    bad = [i for i, item in enumerate(contained) if not _is_known_resource(item)]
    for i in bad:
        where = f"{prefix}.contained[{i}].resourceType"
        issues.append(Issue.error("structure", "A known resourceType is required", where))
    if bad:
        to_validate = {key: value for key, value in resource.items() if key != "contained"}
    try:
        return Patient.model_validate(to_validate)
    except ValidationError as error:
        issues.extend(issues_from_validation_error(error, prefix))
    except RecursionError:
        # fhir.resources recurses in Python once per nesting level, so absurdly deep JSON
        # (nested extensions, say) exhausts the stack. Caught here rather than walking
        # every resource beforehand, which cost a tenth of the whole mapping.
        issues.append(Issue.error("structure", "The resource is nested too deeply", prefix))
    return None


def _is_known_resource(item: Any) -> bool:
    if not isinstance(item, dict) or not isinstance(item.get("resourceType"), str):
        return False
    try:
        return bool(get_fhir_model_class(item["resourceType"]).has_resource_base())
    except ValueError:
        return False


def _read(
    resource: dict[str, Any],
    prefix: str,
    today: date,
    last_updated: datetime | None,
    local_system: str | None,
    issues: list[Issue],
) -> MappedPatient | None:
    """Equitas's rules on the raw JSON. Parts that are the wrong JSON type are skipped
    here: schema validation reports them, and reporting them twice helps nobody."""
    nhs_number, status, local_id = _identifiers(resource, prefix, local_system, issues)
    issues += extensions.modifier_extension_issues(resource, prefix)
    found = extensions.patient_extensions(resource, prefix, issues)
    name = elements.current_name(resource.get("name"), today)
    if name is None:
        issues.append(Issue.error("required", "A current name is required", f"{prefix}.name"))
    birth_date = _birth_date(resource.get("birthDate"), f"{prefix}.birthDate", today, issues)
    sex = _gender(resource.get("gender"), f"{prefix}.gender", issues)
    gp = elements.general_practitioner(resource, prefix, issues)
    if nhs_number is None and local_id is None:
        return None
    if birth_date is None or name is None or sex is None:
        return None
    ethnic = found.ethnic
    resource_id = resource.get("id")
    return MappedPatient(
        id=resource_id if isinstance(resource_id, str) else None,
        nhs_number=nhs_number,
        local_id=local_id,
        nhs_number_verification_status=status,
        family_name=name.family,
        given_names=name.given,
        name_prefixes=name.prefixes,
        sex=sex,
        birth_date=birth_date,
        postcode=elements.current_postcode(resource.get("address"), today),
        gp_practice_ods=gp.practice_ods,
        gp_practitioner_gmp=gp.practitioner_gmp,
        gp_references=gp.references,
        interpreter_required=found.interpreter_required,
        language=elements.preferred_language(resource.get("communication")),
        ethnic_category_code=ethnic.category.value if ethnic and ethnic.category else None,
        ethnic_category_system=ethnic.system if ethnic else None,
        ethnic_category_source_code=ethnic.code if ethnic else None,
        ethnic_category_mapped=bool(ethnic and ethnic.mapped),
        last_updated=last_updated,
    )


def _identifiers(
    resource: dict[str, Any], prefix: str, local_system: str | None, issues: list[Issue]
) -> tuple[str | None, str | None, str | None]:
    """(NHS number, its verification status, local identifier): at least one identifier
    Equitas can match on is required, and each may be given once."""
    identifiers = elements.as_list(resource.get("identifier"))
    nhs = _one_identifier(identifiers, NHS_NUMBER_SYSTEM, "NHS number", prefix, issues)
    local = None
    if local_system is not None:
        local = _one_identifier(identifiers, local_system, "local identifier", prefix, issues)
    if nhs is None and local is None:
        accepted = f"an NHS number ({NHS_NUMBER_SYSTEM})"
        if local_system is not None:
            accepted += f" or your system's local identifier ({local_system})"
        required = f"An identifier Equitas can match on is required: {accepted}"
        issues.append(Issue.error("required", required, f"{prefix}.identifier"))
        return None, None, None
    number: str | None = None
    status: str | None = None
    if nhs is not None:
        i, raw = nhs
        where = f"{prefix}.identifier[{i}]"
        if raw is not None:
            number, problem = nhs_number_or_problem(raw)
            if problem is not None:
                issues.append(Issue.error("value", problem, f"{where}.value"))
        status = extensions.verification_status(identifiers[i], where, issues)
    return number, status, local[1] if local is not None else None


def _one_identifier(
    identifiers: list[Any], system: str, what: str, prefix: str, issues: list[Issue]
) -> tuple[int, str | None] | None:
    """(index, value) of the one identifier in ``system``, None when there is none; the
    value is None (with an issue) when missing or blank."""
    found = [
        i
        for i, identifier in enumerate(identifiers)
        if isinstance(identifier, dict) and identifier.get("system") == system
    ]
    if not found:
        return None
    for i in found[1:]:  # UK Core's nhsNumber identifier slice is 0..1; one local id too
        where = f"{prefix}.identifier[{i}]"
        issues.append(Issue.error("structure", f"Only one {what} is allowed", where))
    raw = identifiers[found[0]].get("value")
    if not isinstance(raw, str) or not raw.strip():
        where = f"{prefix}.identifier[{found[0]}].value"
        issues.append(Issue.error("required", f"The {what} is missing", where))
        return found[0], None
    return found[0], raw


def _birth_date(raw: Any, where: str, today: date, issues: list[Issue]) -> date | None:
    if raw is None:
        issues.append(Issue.error("required", "birthDate is required", where))
        return None
    parsed = elements.partial_date(raw) if isinstance(raw, str) else None
    if parsed is None:
        return None  # not a FHIR date: schema validation reports it
    if parsed > (today.year, today.month, today.day)[: len(parsed)]:
        issues.append(Issue.error("value", "birthDate is in the future", where))
        return None
    if len(parsed) != 3:
        issues.append(Issue.error("value", "birthDate must be a full date (YYYY-MM-DD)", where))
        return None
    return date(*parsed)


def _gender(raw: Any, where: str, issues: list[Issue]) -> Sex | None:
    if raw is not None and not isinstance(raw, str):
        return None  # schema validation reports it
    try:
        return _sex(raw)
    except UnknownGender:
        not_a_gender = "gender must be male, female, other or unknown"
        issues.append(Issue.error("code-invalid", not_a_gender, where))
        return None
