"""FHIR JSON -> XML for responses: the inverse of reading XML requests."""

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from lxml import etree
from starlette.requests import Request

from services.scoring.fhir.fhir_route import wants_xml
from services.scoring.fhir.operation_outcome import Issue, operation_outcome
from services.scoring.fhir.parsing import parse_resource
from services.scoring.fhir.xml_output import resource_to_xml

FIXTURES = Path(__file__).parents[2] / "fixtures" / "fhir"
VALID = sorted(p.name for p in FIXTURES.glob("*.json") if not p.name.startswith("invalid"))


@pytest.mark.parametrize("name", VALID)
def test_json_to_xml_and_back_is_the_same_resource(
    name: str, fixture_bytes: Callable[[str], bytes]
) -> None:
    resource = orjson.loads(fixture_bytes(name))
    xml = resource_to_xml(resource)
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert parse_resource(xml, "application/fhir+xml") == resource


def test_primitive_ids_extensions_and_aligned_lists() -> None:
    resource = {
        "resourceType": "Patient",
        "id": "p1",
        "active": True,
        "name": [
            {
                "id": "n1",
                "given": ["Ann", None, "Bo"],
                "_given": [
                    None,
                    {"extension": [{"url": "https://x.example", "valueString": "?"}]},
                    {"id": "g3"},
                ],
            }
        ],
        "_birthDate": {"extension": [{"url": "https://x.example/u", "valueBoolean": False}]},
        "multipleBirthInteger": 2,
    }
    xml = resource_to_xml(resource)
    root = etree.fromstring(xml)
    ns = {"f": "http://hl7.org/fhir"}
    assert root.find("f:id", ns).get("value") == "p1"
    assert root.find("f:name", ns).get("id") == "n1"
    # Elements in definition order, whatever the JSON order.
    assert [etree.QName(c).localname for c in root] == [
        "id", "active", "name", "birthDate", "multipleBirthInteger",
    ]  # fmt: skip
    assert parse_resource(xml, "application/fhir+xml") == resource


def test_operation_outcome_in_xml() -> None:
    outcome = operation_outcome([Issue.error("value", "Bad", "Patient.birthDate")])
    xml = resource_to_xml(outcome)
    assert b'<expression value="Patient.birthDate"/>' in xml
    assert parse_resource(xml, "application/xml") == outcome


def _request(query: str = "", accept: str | None = None) -> Request:
    headers = [(b"accept", accept.encode())] if accept is not None else []
    return Request({"type": "http", "query_string": query.encode(), "headers": headers})


@pytest.mark.parametrize(
    ("query", "accept", "xml"),
    [
        ("", None, False),
        ("", "application/fhir+xml", True),
        ("", "application/fhir+json, application/fhir+xml", False),
        ("", "application/fhir+json;q=0.5, application/fhir+xml", True),
        ("", "text/html, application/xml;q=0.9, */*;q=0.8", True),
        ("", "text/html", False),
        ("", "*/*", False),
        ("_format=xml", "application/fhir+json", True),
        ("_format=application/fhir%2Bxml", None, True),
        ("_format=json", "application/fhir+xml", False),
    ],
)
def test_format_negotiation(query: str, accept: str | None, xml: bool) -> None:
    assert wants_xml(_request(query, accept)) is xml
