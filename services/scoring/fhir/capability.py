"""The CapabilityStatement Equitas's FHIR endpoint returns from ``GET [base]/metadata``.

Source: FHIR R4 CapabilityStatement (http://hl7.org/fhir/R4/capabilitystatement.html)
and the restful-security-service code system. It says what this module set implements
and no more: for UK Core Patient read, vread, instance history, search (all, or by
identifier), create (conditional too) and update (by id, or conditional on an identifier);
transaction / batch Bundles; JSON and XML. Anything else is answered 405.
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
            "UK Core Patient, matched on its NHS number identifier "
            f"({NHS_NUMBER_SYSTEM}, Modulus 11 valid) and/or the sending system's own local "
            "identifier (one system per client, configured in Equitas); one of them, a full "
            "birthDate and a current name are required. Served as sent, with this server's "
            "id, versionId and lastUpdated; staff corrections made in Equitas since replace "
            "their elements and add a meta.tag (a person never sent is served from Equitas's "
            "record). Extensions are stored as sent; modifier extensions are refused."
        ),
        "interaction": [
            {"code": "read", "documentation": "The latest Patient sent (see above)."},
            {
                "code": "vread",
                "documentation": (
                    "Each version the EPR sent, as sent; the current version as read serves "
                    "it. A version made by a staff correction is kept only while current."
                ),
            },
            {
                "code": "update",
                "documentation": (
                    'PUT Patient/[id] (If-Match W/"n" to update only that version; '
                    "no create), or conditional: PUT Patient?identifier=[system]|[value]."
                ),
            },
            {
                "code": "history-instance",
                "documentation": (
                    "Newest first, paged (_count): the current version, then each Patient sent."
                ),
            },
            {
                "code": "search-type",
                "documentation": "All Patients of your organisation, or by identifier; paged.",
            },
            {"code": "create", "documentation": "Conditional with If-None-Exist: identifier."},
        ],
        "versioning": "versioned",
        "readHistory": True,
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
                "documentation": (
                    f"{NHS_NUMBER_SYSTEM}|[NHS number], or [your local system]|[value]. "
                    "Results come in pages of _count (default 50, at most 200) with a "
                    "next link."
                ),
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
