from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from services.scoring.fhir.capability import UK_CORE_PATIENT_PROFILE, capability_statement


def test_capability_statement_is_valid_and_says_r4() -> None:
    statement = capability_statement(
        "https://equitas.example.nhs.uk/fhir", software_version="1.2.3"
    )
    CapabilityStatement.model_validate(statement)
    assert statement["fhirVersion"] == "4.0.1"
    assert statement["kind"] == "instance"
    assert statement["software"] == {"name": "Equitas scoring service", "version": "1.2.3"}
    assert statement["implementation"]["url"] == "https://equitas.example.nhs.uk/fhir"
    assert {"application/fhir+json", "application/fhir+xml"} <= set(statement["format"])


def test_capability_statement_lists_what_is_implemented() -> None:
    (rest,) = capability_statement("https://x.example/fhir", software_version="0")["rest"]
    assert rest["mode"] == "server"
    assert [i["code"] for i in rest["interaction"]] == ["transaction", "batch"]
    patient = next(r for r in rest["resource"] if r["type"] == "Patient")
    assert patient["supportedProfile"] == [UK_CORE_PATIENT_PROFILE]
    assert sorted(i["code"] for i in patient["interaction"]) == [
        "create",
        "history-instance",
        "read",
        "search-type",
        "update",
        "vread",
    ]
    assert (patient["conditionalCreate"], patient["conditionalUpdate"]) == (True, True)
    assert (patient["readHistory"], patient["updateCreate"]) == (True, False)
    assert patient["conditionalDelete"] == "not-supported"
    assert [(p["name"], p["type"]) for p in patient["searchParam"]] == [("identifier", "token")]
    (service,) = rest["security"]["service"]
    assert service["coding"][0]["code"] == "OAuth"
    assert "RFC 7523" in rest["security"]["description"]


def test_patient_versions_are_described_as_they_are_served() -> None:
    """vread and history serve the current version as the read does (staff corrections
    shown) and the Patients sent before it; a correction's version is kept only while
    current (docs/fhir.md, decision 0017)."""
    (rest,) = capability_statement("https://x.example/fhir", software_version="0")["rest"]
    patient = next(r for r in rest["resource"] if r["type"] == "Patient")
    said = {i["code"]: i.get("documentation", "") for i in patient["interaction"]}
    assert "the current version as read serves it" in said["vread"]
    assert "staff correction is kept only while current" in said["vread"]
    assert "the current version, then each Patient sent" in said["history-instance"]
    assert "a person never sent is served from Equitas's record" in patient["documentation"]
