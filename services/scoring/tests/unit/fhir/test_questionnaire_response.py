"""Reading QuestionnaireResponses an EPR sends, and ``_lastUpdated`` ranges (pure)."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from services.scoring.fhir.capability import capability_statement
from services.scoring.fhir.last_updated import Bound, last_updated_bounds
from services.scoring.fhir.operation_outcome import FhirInputError
from services.scoring.fhir.questionnaire_response import (
    check_structure,
    read_answers,
    read_envelope,
)
from services.scoring.instruments.questionnaire import to_questionnaire_response
from services.scoring.instruments.registry import builtin_definitions

HEF = next(d for d in builtin_definitions() if d.key[:2] == ("hef", "standard"))
PUBLIC = "https://equitas.example.nhs.uk"
FHIR = f"{PUBLIC}/fhir"
ITEMS = [(section.id, item.id) for section in HEF.sections for item in section.items]


def _response(**changes: Any) -> dict[str, Any]:
    resource = to_questionnaire_response(
        HEF,
        base_url=PUBLIC,
        assessment_id="a",
        subject_reference="Patient/7f0e4f4e-2c1b-4d7a-9f55-0c1d2e3f4a5b",
        authored=datetime(2026, 3, 1, 9, tzinfo=UTC),
        status="completed",
        responses={item: "low" for _, item in ITEMS},
    )
    return resource | changes


def _at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


def test_an_exported_response_reads_back() -> None:
    resource = _response()
    check_structure(resource)
    envelope = read_envelope(resource, FHIR, date(2026, 12, 7))
    assert envelope.issues == []
    assert envelope.canonical == f"{FHIR}/Questionnaire/hef-standard"
    assert (envelope.version, envelope.assessed_on) == (HEF.version, date(2026, 3, 1))
    assert str(envelope.person_id) == "7f0e4f4e-2c1b-4d7a-9f55-0c1d2e3f4a5b"
    responses, issues = read_answers(HEF, resource, PUBLIC)
    assert issues == []
    assert responses == {item: "low" for _, item in ITEMS}


def test_authored_is_a_day_in_england() -> None:
    late = _response(authored="2026-06-30T23:30:00Z")  # 00:30 on 1 July in London (BST)
    assert read_envelope(late, FHIR, date(2026, 12, 7)).assessed_on == date(2026, 7, 1)
    future = read_envelope(_response(authored="2026-12-08"), FHIR, date(2026, 12, 7))
    assert [i.expression for i in future.issues] == [["QuestionnaireResponse.authored"]]
    year_only = read_envelope(_response(authored="2026"), FHIR, date(2026, 12, 7))
    assert [i.diagnostics for i in year_only.issues] == ["authored needs at least a full date"]


def test_each_wrong_item_is_named() -> None:
    resource = _response()
    first_section, first_item = ITEMS[0]
    resource["item"][0]["item"][0]["answer"].append({"valueCoding": {"code": "low"}})
    resource["item"][0]["item"][1]["answer"] = [{"valueCoding": {"system": "x", "code": "low"}}]
    _, issues = read_answers(HEF, resource, PUBLIC)
    in_section = f"QuestionnaireResponse.item.where(linkId='{first_section}')"
    second = ITEMS[1][1]
    assert {e for i in issues for e in i.expression} == {
        f"{in_section}.item.where(linkId='{first_item}').answer[1]",
        f"{in_section}.item.where(linkId='{second}').answer[0].valueCoding.system",
        # both unreadable answers leave their required items unanswered
        f"{in_section}.item.where(linkId='{first_item}')",
        f"{in_section}.item.where(linkId='{second}')",
    }


def test_structure_and_modifier_extensions_are_400s() -> None:
    with pytest.raises(FhirInputError) as not_qr:
        check_structure({"resourceType": "Patient"})
    assert not_qr.value.issues[0].code == "structure"
    resource = _response()
    resource["item"][0]["item"][0]["modifierExtension"] = [{"url": "x", "valueBoolean": True}]
    with pytest.raises(FhirInputError) as modifier:
        check_structure(resource)
    assert modifier.value.issues[0].expression == [
        "QuestionnaireResponse.item[0].item[0].modifierExtension"
    ]


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("2026", [(_at("2026-01-01T00:00:00+00:00"), True), (_at("2027-01-01T00:00:00+00:00"), False)]),
        ("ge2026-12", [(_at("2026-12-01T00:00:00+00:00"), True)]),
        ("gt2026-12-07", [(_at("2026-12-08T00:00:00+00:00"), True)]),
        ("lt2026-12-07T10:00:00+01:00", [(_at("2026-12-07T09:00:00+00:00"), False)]),
        ("le2026-12-07T10:00Z", [(_at("2026-12-07T10:01:00+00:00"), False)]),
    ],
)  # fmt: skip
def test_last_updated_ranges(value: str, bounds: list[tuple[datetime, bool]]) -> None:
    assert last_updated_bounds([value]) == [Bound(at, lower) for at, lower in bounds]


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "0000", "ne2026", "2026-12-07T10"])
def test_last_updated_refuses_what_is_not_a_date(value: str) -> None:
    with pytest.raises(FhirInputError) as refused:
        last_updated_bounds([value])
    assert refused.value.issues[0].expression == ["query._lastUpdated"]


def test_the_capability_statement_lists_questionnaires() -> None:
    statement = capability_statement(FHIR, software_version="0")
    CapabilityStatement.model_validate(statement)
    served = {r["type"] for r in statement["rest"][0]["resource"]}
    assert {"Questionnaire", "QuestionnaireResponse"} <= served
