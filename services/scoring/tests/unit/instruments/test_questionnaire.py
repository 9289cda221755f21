"""FHIR R4 Questionnaire / QuestionnaireResponse, validated with the fhir.resources R4B models."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.errors import FhirValidationError, ResponseError
from services.scoring.instruments.questionnaire import (
    ORDINAL_VALUE_URL,
    to_questionnaire,
    to_questionnaire_response,
    validate_fhir,
)
from services.scoring.tests.unit.instruments.general_definitions import board_self_assessment
from services.scoring.tests.unit.instruments.hef_ratings import all_rated, ratings

BASE = "https://equitas.example.org/fhir"
AUTHORED = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)


def test_hef_questionnaire(hef: InstrumentDefinition) -> None:
    q = to_questionnaire(hef, base_url=BASE + "/")
    validate_fhir(q)
    Questionnaire.model_validate(q)
    assert q["url"] == f"{BASE}/fhir/Questionnaire/hef-standard"
    assert (q["version"], q["status"], q["name"]) == ("1.0.0-provisional", "draft", "HefStandard")
    assert q["subjectType"] == ["Patient"]
    assert "derivedFrom" not in q
    assert [g["linkId"] for g in q["item"]] == [s.id for s in hef.sections]
    social = q["item"][0]
    assert (social["type"], social["text"]) == ("group", "Social determinants")
    assert social["item"][0]["linkId"] == "social.help"
    housing = social["item"][1]
    assert (housing["linkId"], housing["type"], housing["required"]) == ("housing", "choice", True)
    assert housing["item"][0]["type"] == "display"
    options = housing["answerOption"]
    assert options[2] == {
        "valueCoding": {
            "system": f"{BASE}/CodeSystem/hef-impact",
            "code": "moderate",
            "display": "Moderate impact",
        },
        "extension": [{"url": ORDINAL_VALUE_URL, "valueDecimal": 2}],
    }
    assert "extension" not in options[4]  # not assessed has no score
    link_ids = _link_ids(q["item"])
    assert len(link_ids) == len(set(link_ids))


def _link_ids(items: list[dict[str, Any]]) -> list[str]:
    found = []
    for item in items:
        found.append(item["linkId"])
        found += _link_ids(item.get("item", []))
    return found


def test_easy_read_questionnaire(hef_easy: InstrumentDefinition) -> None:
    q = to_questionnaire(hef_easy, base_url=BASE)
    validate_fhir(q)
    assert q["url"] == f"{BASE}/fhir/Questionnaire/hef-easy-read"
    assert q["name"] == "HefEasyRead"
    assert q["derivedFrom"] == [f"{BASE}/fhir/Questionnaire/hef-standard|1.0.0-provisional"]
    assert q["item"][0]["item"][1]["text"] == "Where I live"
    assert q["item"][0]["item"][1]["answerOption"][3]["valueCoding"]["display"] == "A big problem"


def test_organisation_questionnaire_is_valid() -> None:
    q = to_questionnaire(board_self_assessment(), base_url=BASE)
    validate_fhir(q)
    assert q["subjectType"] == ["Organization"]


@pytest.mark.parametrize(
    ("status", "responses"),
    [
        pytest.param("completed", all_rated("low"), id="completed"),
        pytest.param("amended", {**all_rated("none"), "pain": "not_assessed"}, id="amended"),
        pytest.param("in-progress", ratings(social="21...."), id="in-progress-partial"),
        pytest.param("in-progress", {}, id="in-progress-empty"),
    ],
)
def test_questionnaire_response_validates(
    hef: InstrumentDefinition, status: Any, responses: dict[str, str]
) -> None:
    qr = to_questionnaire_response(
        hef,
        base_url=BASE,
        assessment_id="6f1c2a8e-0000-4000-8000-000000000001",
        subject_reference="Patient/9990000018",
        authored=AUTHORED,
        status=status,
        responses=responses,
    )
    validate_fhir(qr)
    QuestionnaireResponse.model_validate(qr)
    assert qr["questionnaire"] == f"{BASE}/fhir/Questionnaire/hef-standard|1.0.0-provisional"
    assert qr["authored"] == "2025-03-04T10:30:00+00:00"
    answered = [i for g in qr.get("item", []) for i in g["item"]]
    assert len(answered) == len(responses)


def test_questionnaire_response_answers(hef: InstrumentDefinition) -> None:
    qr = to_questionnaire_response(
        hef,
        base_url=BASE,
        assessment_id="a1",
        subject_reference="Patient/p1",
        authored=AUTHORED,
        status="in-progress",
        responses={"housing": "high", "pain": "not_assessed"},
    )
    assert [g["linkId"] for g in qr["item"]] == ["social", "biological"]
    assert qr["item"][0]["item"] == [
        {
            "linkId": "housing",
            "text": "Home and living environment",
            "answer": [
                {
                    "valueCoding": {
                        "system": f"{BASE}/CodeSystem/hef-impact",
                        "code": "high",
                        "display": "High impact",
                    }
                }
            ],
        }
    ]


def test_completed_response_must_be_complete(hef: InstrumentDefinition) -> None:
    with pytest.raises(ResponseError) as caught:
        to_questionnaire_response(
            hef,
            base_url=BASE,
            assessment_id="a1",
            subject_reference="Patient/p1",
            authored=AUTHORED,
            status="completed",
            responses=ratings(social="000000"),
        )
    assert len(caught.value.problems) == 23
    assert {p.code for p in caught.value.problems} == {"missing_required"}


def test_authored_needs_a_time_zone(hef: InstrumentDefinition) -> None:
    with pytest.raises(FhirValidationError, match="timezone"):
        to_questionnaire_response(
            hef,
            base_url=BASE,
            assessment_id="a1",
            subject_reference="Patient/p1",
            authored=datetime(2025, 3, 4, 10, 30),  # naive: the point of the test
            status="in-progress",
            responses={},
        )


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        pytest.param({"resourceType": "Questionnaire", "status": "bogus"}, "status", id="status"),
        pytest.param(
            {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [{}]},
            "linkId",
            id="item-without-linkId",
        ),
        pytest.param({"resourceType": "Patient"}, "unsupported resourceType", id="other-type"),
    ],
)
def test_validate_fhir_rejects(resource: dict[str, Any], message: str) -> None:
    with pytest.raises(FhirValidationError, match=message):
        validate_fhir(resource)


def test_validate_fhir_rejects_r5_item_type(hef: InstrumentDefinition) -> None:
    q = to_questionnaire(hef, base_url=BASE)
    q["item"][0]["item"][1]["type"] = "coding"  # R5's name for R4's "choice"
    with pytest.raises(FhirValidationError, match="'coding' is not an R4 item type"):
        validate_fhir(q)
