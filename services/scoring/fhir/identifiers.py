"""The identifiers Equitas matches pushed Patients on, and searches and conditions naming them.

Sources: FHIR R4 token search (http://hl7.org/fhir/R4/search.html#token: ``system|value``)
and conditional create / update (http://hl7.org/fhir/R4/http.html#ccreate, #cond-update);
decision 0008 and 0017 for the rules.

A person is identified in their organisation by an NHS number
(``https://fhir.nhs.uk/Id/nhs-number``) and/or by the local identifier of the sending system
(the identifier system configured for its client id, e.g. a RiO client id): the People
API's ``local_id``. A search or a condition may name either. Conditions are read for their
syntax only: whether an NHS number is valid is the resource's rule, checked (and reported
at ``Patient.identifier[i].value``) when the resource is mapped, so one fault has one
answer on every route.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from services.scoring.fhir.operation_outcome import FhirInputError, Issue
from services.scoring.fhir.patient_mapping import NHS_NUMBER_SYSTEM, MappedPatient

__all__ = [
    "IdentifierSearch",
    "accepted_systems",
    "identifier_query",
    "parse_identifier_search",
]


@dataclass(frozen=True, slots=True)
class IdentifierSearch:
    """``identifier=<system>|<value>``; an NHS number without its spaces."""

    system: str
    value: str

    def names(self, patient: MappedPatient) -> bool:
        """Whether the Patient carries this identifier."""
        if self.system == NHS_NUMBER_SYSTEM:
            return patient.nhs_number == self.value
        return patient.local_id == self.value


def accepted_systems(local_system: str | None) -> Sequence[str]:
    """The identifier systems a client may match on: the NHS number's and its own."""
    return (NHS_NUMBER_SYSTEM,) if local_system is None else (NHS_NUMBER_SYSTEM, local_system)


def parse_identifier_search(
    param: str, *, local_system: str | None = None, expression: str | None = None
) -> IdentifierSearch:
    """The identifier a token search value ``system|value`` names.

    Raises ``FhirInputError``; ``expression`` locates the issue (``url``,
    ``Bundle.entry[0].request.url``).
    """
    where = [expression] if expression else []
    systems = accepted_systems(local_system)
    usage = " or ".join(f"{system}|<value>" for system in systems)
    system, separator, value = param.partition("|")
    if not separator:
        raise FhirInputError([Issue("error", "invalid", f"Use identifier={usage}", where)])
    if system not in systems:
        only = f"Only these identifier systems are supported: {', '.join(systems)}"
        raise FhirInputError([Issue("error", "not-supported", only, where)])
    if system == NHS_NUMBER_SYSTEM:
        value = value.replace(" ", "")
    if not value.strip():
        raise FhirInputError([Issue("error", "required", "The identifier value is missing", where)])
    return IdentifierSearch(system, value)


def identifier_query(query: str, where: str, local_system: str | None = None) -> IdentifierSearch:
    """The one ``identifier`` parameter of a query string (percent-decoded), as in a
    conditional update URL or an ``If-None-Exist`` value."""
    params = parse_qsl(query, keep_blank_values=True)
    if len(params) != 1 or params[0][0] != "identifier":
        only = "Only a single identifier search parameter is supported"
        raise FhirInputError([Issue.error("not-supported", only, where)])
    return parse_identifier_search(params[0][1], local_system=local_system, expression=where)
