"""The CapabilityStatement Equitas's FHIR endpoint returns from ``GET [base]/metadata``.

Source: FHIR R4 CapabilityStatement (http://hl7.org/fhir/R4/capabilitystatement.html)
and the restful-security-service code system. It says what this module set implements
and no more: Patient read, search by identifier, create and update (both conditional on
the NHS number), and transaction / batch Bundles, in JSON and XML, for UK Core Patient.
"""

from typing import Any

from services.scoring.fhir.patient_mapping import NHS_NUMBER_SYSTEM
from services.scoring.fhir.questionnaire_response import (
    capability_resources as questionnaire_resources,
)

__all__ = ["CAPABILITY_DATE", "UK_CORE_PATIENT_PROFILE", "capability_statement"]

UK_CORE_PATIENT_PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
# The date this statement's content last changed (a required element); bump on change.
CAPABILITY_DATE = "2026-12-07"

_SECURITY_DESCRIPTION = (
    "OAuth 2.0 bearer tokens. Systems such as EPRs use the client credentials grant with a "
    "signed JWT client assertion (RFC 7523, private_key_jwt), as SMART Backend Services and "
    "NHS England's application-restricted APIs do. Each request needs a token whose scopes "
    "allow the operation."
)


def capability_statement(base_url: str, *, software_version: str) -> dict[str, Any]:
    """An R4 (4.0.1) CapabilityStatement for the server at ``base_url`` as FHIR JSON."""
    patient = {
        "type": "Patient",
        "profile": "http://hl7.org/fhir/StructureDefinition/Patient",
        "supportedProfile": [UK_CORE_PATIENT_PROFILE],
        "documentation": (
            "UK Core Patient, created and updated by NHS number. An NHS number identifier "
            f"({NHS_NUMBER_SYSTEM}, Modulus 11 valid), a full birthDate and a current name "
            "are required. Extensions are stored as sent; unknown modifier extensions are "
            "refused."
        ),
        "interaction": [
            {"code": "read"},
            {"code": "vread", "documentation": "Each version as the EPR sent it."},
            {"code": "search-type", "documentation": "By NHS number identifier only."},
            {"code": "create", "documentation": "Conditional with ifNoneExist by NHS number."},
            {"code": "update", "documentation": "Conditional: PUT Patient?identifier=..."},
        ],
        "versioning": "versioned",
        "readHistory": False,
        "updateCreate": False,
        "conditionalCreate": True,
        "conditionalRead": "not-supported",
        "conditionalUpdate": True,
        "conditionalDelete": "not-supported",
        "searchParam": [
            {
                "name": "identifier",
                "definition": "http://hl7.org/fhir/SearchParameter/Patient-identifier",
                "type": "token",
                "documentation": f"{NHS_NUMBER_SYSTEM}|<NHS number>",
            }
        ],
    }
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CAPABILITY_DATE,
        "publisher": "Equitas",
        "kind": "instance",
        "software": {"name": "Equitas scoring service", "version": software_version},
        "implementation": {"description": "Equitas FHIR endpoint", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "application/fhir+xml", "json", "xml"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "cors": False,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "OAuth",
                                    "display": "OAuth",
                                }
                            ]
                        }
                    ],
                    "description": _SECURITY_DESCRIPTION,
                },
                "resource": [patient, *questionnaire_resources()],
                "interaction": [
                    {"code": "transaction", "documentation": "Patients: all or nothing."},
                    {"code": "batch", "documentation": "Patients: entry by entry."},
                ],
            }
        ],
    }
