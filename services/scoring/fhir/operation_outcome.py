"""FHIR OperationOutcome issues: the one error shape of Equitas's FHIR endpoints.

Source: FHIR R4 OperationOutcome (http://hl7.org/fhir/R4/operationoutcome.html), the
IssueSeverity and IssueType value sets, and FHIRPath for ``issue.expression``
(http://hl7.org/fhirpath/). Every problem found in a request is collected into one
``FhirInputError`` so the sender fixes everything in one round trip.

Diagnostics never echo input values: OperationOutcomes end up in logs, and the values are
patient identifiable data. The expression says where the problem is; that is enough.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

__all__ = [
    "OUTCOME_SYSTEM",
    "FhirInputError",
    "Issue",
    "IssueSeverity",
    "IssueType",
    "fhirpath_from_loc",
    "issues_from_validation_error",
    "operation_outcome",
]

IssueSeverity = Literal["fatal", "error", "warning", "information"]

# The subset of http://hl7.org/fhir/issue-type that Equitas emits.
IssueType = Literal[
    "invalid",
    "structure",
    "required",
    "value",
    "code-invalid",
    "not-found",
    "conflict",
    "duplicate",
    "forbidden",
    "processing",
    "not-supported",
    "too-costly",
    "informational",
    "security",
    "login",
    "exception",
    "transient",
]

# Equitas's own codes for ``issue.details``, so a client can tell "unchanged" from "ignored
# as older" without parsing English (the codes are listed in docs/fhir.md).
OUTCOME_SYSTEM = "https://equitas.nhs.example/fhir/CodeSystem/ingest-outcome"


@dataclass(frozen=True, slots=True)
class Issue:
    """One ``OperationOutcome.issue``: what is wrong (code), why, and where (FHIRPath)."""

    severity: IssueSeverity
    code: IssueType
    diagnostics: str
    expression: list[str] = field(default_factory=list)
    details: str | None = None  # an OUTCOME_SYSTEM code, for issues that report an outcome

    @classmethod
    def error(cls, code: IssueType, diagnostics: str, *expression: str) -> "Issue":
        """An error-severity issue at zero or more FHIRPath expressions."""
        return cls("error", code, diagnostics, list(expression))

    def as_fhir(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.diagnostics,
        }
        if self.details is not None:
            issue["details"] = {"coding": [{"system": OUTCOME_SYSTEM, "code": self.details}]}
        if self.expression:
            issue["expression"] = list(self.expression)
        return issue


class FhirInputError(ValueError):
    """The request body is not acceptable; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        if not issues:
            raise ValueError("FhirInputError needs at least one issue")
        self.issues: list[Issue] = list(issues)
        super().__init__("; ".join(issue.diagnostics for issue in self.issues))


def operation_outcome(issues: Iterable[Issue]) -> dict[str, Any]:
    """An R4 OperationOutcome resource (as FHIR JSON) for ``issues``.

    OperationOutcome needs at least one issue (cardinality 1..*), so an empty list gives
    the conventional "all OK" informational issue.
    """
    rendered = [issue.as_fhir() for issue in issues]
    if not rendered:
        rendered = [{"severity": "information", "code": "informational", "diagnostics": "OK"}]
    return {"resourceType": "OperationOutcome", "issue": rendered}


# A FHIR element name as it appears in a pydantic ``loc``; anything else in a loc (the
# library's "root" marker, union branch tags such as "function-after[...]") is not a step
# of the FHIRPath and is dropped.
_ELEMENT_NAME = re.compile(r"_?[A-Za-z][A-Za-z0-9]*")
_NOT_PATH_STEPS = frozenset({"root"})


def fhirpath_from_loc(loc: Iterable[int | str], prefix: str) -> str:
    """FHIRPath for a pydantic error location: ``("name", 0, "given", 1)`` ->
    ``Patient.name[0].given[1]`` with prefix ``Patient``.

    ``_birthDate`` (the JSON carrier of a primitive's id and extensions) becomes
    ``birthDate``, so its extensions read ``Patient.birthDate.extension[0]`` as FHIRPath
    navigates them; fhir.resources' ``resource_type`` is the JSON ``resourceType``.
    """
    path = prefix
    for step in loc:
        if isinstance(step, int):
            path += f"[{step}]"
        elif step == "resource_type":
            path += ".resourceType"
        elif step not in _NOT_PATH_STEPS and _ELEMENT_NAME.fullmatch(step):
            path += "." + step.removeprefix("_")
    return path


def _issue_type_for(error_type: str) -> IssueType:
    """IssueType for a pydantic / fhir.resources error type.

    Missing -> ``required``; unknown elements and wrong JSON shapes (object where a list
    belongs, ...) -> ``structure``; anything else is a bad value -> ``value``.
    """
    if error_type == "missing" or error_type.endswith(".missing"):
        return "required"
    if (
        error_type == "extra_forbidden"
        or error_type.endswith("_type")
        or error_type.startswith("model_")
        or "resource-type" in error_type
    ):
        return "structure"
    return "value"


# pydantic quotes the FHIR datatype's regex, control characters and all; say what it means.
_PLAIN_MESSAGES = {
    "string_pattern_mismatch": "Not a valid value for its FHIR datatype (empty, or wrong format)",
}


def issues_from_validation_error(error: ValidationError, prefix: str) -> list[Issue]:
    """One issue per pydantic error, located by FHIRPath under ``prefix``.

    Uses ``msg`` only (never ``input``) so no patient data reaches the diagnostics.
    """
    return [
        Issue.error(
            _issue_type_for(detail["type"]),
            _PLAIN_MESSAGES.get(detail["type"], detail["msg"]),
            fhirpath_from_loc(detail["loc"], prefix),
        )
        for detail in error.errors(include_url=False, include_input=False)
    ]
