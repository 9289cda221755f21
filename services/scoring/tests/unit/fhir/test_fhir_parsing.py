from collections.abc import Callable
from typing import Any

import pytest

from services.scoring.fhir.operation_outcome import FhirInputError
from services.scoring.fhir.parsing import media_format, parse_resource
from services.scoring.fhir.xml_conversion import MAX_XML_DEPTH

FHIR_XML = "application/fhir+xml"
FHIR_JSON = "application/fhir+json"


def _issues(body: bytes, content_type: str) -> list[tuple[str, list[str]]]:
    with pytest.raises(FhirInputError) as caught:
        parse_resource(body, content_type)
    return [(issue.code, issue.expression) for issue in caught.value.issues]


def _diagnostics(body: bytes, content_type: str) -> list[str]:
    with pytest.raises(FhirInputError) as caught:
        parse_resource(body, content_type)
    return [issue.diagnostics for issue in caught.value.issues]


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/fhir+json", ("json", None)),
        ("application/json", ("json", None)),
        ("application/fhir+json; charset=UTF-8", ("json", "utf-8")),
        ("Application/FHIR+JSON;fhirVersion=4.0", ("json", None)),
        ("application/fhir+xml", ("xml", None)),
        ("application/xml; charset=utf-8", ("xml", "utf-8")),
        ('application/fhir+xml; charset="ISO-8859-1"', ("xml", "iso-8859-1")),
    ],
)
def test_media_format(content_type: str, expected: tuple[str, str | None]) -> None:
    assert media_format(content_type) == expected


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_other_media_types_are_not_supported(content_type: str) -> None:
    assert _issues(b"{}", content_type) == [("not-supported", [])]


def test_json_body(
    fixture_bytes: Callable[[str], bytes], fixture_json: Callable[[str], Any]
) -> None:
    body = fixture_bytes("patient-minimal.json")
    assert parse_resource(body, FHIR_JSON) == fixture_json("patient-minimal.json")
    assert parse_resource(b"\xef\xbb\xbf" + body, FHIR_JSON)["resourceType"] == "Patient"


def test_invalid_json_fixture(fixture_bytes: Callable[[str], bytes]) -> None:
    body = fixture_bytes("invalid-json.json")
    assert _issues(body, FHIR_JSON) == [("structure", [])]
    assert _diagnostics(body, FHIR_JSON)[0].startswith("Invalid JSON: unexpected end of data")


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"", FHIR_JSON, ("structure", "The request body is empty")),
        (b"  \n", FHIR_XML, ("structure", "The request body is empty")),
        (b"[1, 2]", FHIR_JSON, ("structure", "A FHIR resource must be a JSON object")),
        (b'"Patient"', FHIR_JSON, ("structure", "A FHIR resource must be a JSON object")),
        (
            b"{}",
            "application/fhir+json; charset=latin-1",
            ("not-supported", "FHIR JSON must be UTF-8"),
        ),
        (
            b"<a/>",
            "application/fhir+xml; charset=klingon",
            ("not-supported", "Unknown charset in Content-Type"),
        ),
    ],
)
def test_body_level_errors(body: bytes, content_type: str, expected: tuple[str, str]) -> None:
    with pytest.raises(FhirInputError) as caught:
        parse_resource(body, content_type)
    assert [(i.code, i.diagnostics) for i in caught.value.issues] == [expected]


def test_json_nesting_beyond_orjson_limit_is_a_structure_error() -> None:
    assert _issues(b"[" * 2000 + b"]" * 2000, FHIR_JSON) == [("structure", [])]


@pytest.mark.parametrize("name", ["patient-full", "patient-minimal", "bundle-transaction"])
def test_xml_and_json_of_the_same_resource_are_identical(
    name: str, fixture_bytes: Callable[[str], bytes], fixture_json: Callable[[str], Any]
) -> None:
    from_xml = parse_resource(fixture_bytes(f"{name}.xml"), "application/xml; charset=utf-8")
    assert from_xml == fixture_json(f"{name}.json")


def test_invalid_xml_fixture(fixture_bytes: Callable[[str], bytes]) -> None:
    body = fixture_bytes("invalid-xml.xml")
    assert _issues(body, FHIR_XML) == [("structure", [])]
    assert "Opening and ending tag mismatch" in _diagnostics(body, FHIR_XML)[0]


@pytest.mark.parametrize("name", ["invalid-xxe.xml", "invalid-billion-laughs.xml"])
def test_doctype_is_refused_before_parsing(
    name: str, fixture_bytes: Callable[[str], bytes]
) -> None:
    assert _diagnostics(fixture_bytes(name), FHIR_XML) == ["DOCTYPE declarations are not allowed"]


def test_doctype_in_utf16_is_refused_after_parsing_without_resolving_entities() -> None:
    # The byte pre-check cannot see UTF-16. The hardened parser must not read the file,
    # and the DOCTYPE check after parsing must still refuse the document.
    text = """<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE Patient [<!ENTITY secret SYSTEM "file:///etc/passwd"><!ENTITY local "x">]>
<Patient xmlns="http://hl7.org/fhir"><name><family>&secret;&local;</family></name></Patient>"""
    assert _diagnostics(text.encode("utf-16"), FHIR_XML) == ["DOCTYPE declarations are not allowed"]


def test_external_entity_in_an_attribute_is_never_resolved(
    fixture_bytes: Callable[[str], bytes],
) -> None:
    text = (
        fixture_bytes("invalid-xxe.xml").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    )
    (diagnostics,) = _diagnostics(text.encode("utf-16"), FHIR_XML)
    assert diagnostics.startswith("Invalid XML: Attribute references external entity")
    assert "root:" not in diagnostics


def test_entity_expansion_in_utf16_is_refused_quickly(
    fixture_bytes: Callable[[str], bytes],
) -> None:
    text = fixture_bytes("invalid-billion-laughs.xml").decode()
    body = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert _issues(body, FHIR_XML) == [("structure", [])]


def test_primitive_extensions_and_ids_go_to_underscore_properties() -> None:
    body = b"""<Patient xmlns="http://hl7.org/fhir">
      <name>
        <given value="Ann"/>
        <given>
          <extension url="https://example.org/why-absent"><valueCode value="masked"/></extension>
        </given>
        <given id="g3" value="Lee"/>
      </name>
      <birthDate value="1970-01-01">
        <extension url="http://hl7.org/fhir/StructureDefinition/patient-birthTime">
          <valueDateTime value="1970-01-01T04:00:00Z"/>
        </extension>
      </birthDate>
      <active value="false"/>
      <multipleBirthInteger value="2"/>
    </Patient>"""
    assert parse_resource(body, FHIR_XML) == {
        "resourceType": "Patient",
        "name": [
            {
                "given": ["Ann", None, "Lee"],
                "_given": [
                    None,
                    {
                        "extension": [
                            {"url": "https://example.org/why-absent", "valueCode": "masked"}
                        ]
                    },
                    {"id": "g3"},
                ],
            }
        ],
        "birthDate": "1970-01-01",
        "_birthDate": {
            "extension": [
                {
                    "url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
                    "valueDateTime": "1970-01-01T04:00:00Z",
                }
            ]
        },
        "active": False,
        "multipleBirthInteger": 2,
    }


def test_bad_literals_pass_through_for_validation_to_report() -> None:
    body = b"""<Patient xmlns="http://hl7.org/fhir">
      <active value="yes"/><multipleBirthInteger value="two"/></Patient>"""
    assert parse_resource(body, FHIR_XML) == {
        "resourceType": "Patient",
        "active": "yes",
        "multipleBirthInteger": "two",
    }


def test_element_id_is_an_attribute_and_resource_id_an_element() -> None:
    body = b"""<Patient xmlns="http://hl7.org/fhir"><id value="p1"/>
      <identifier id="i1"><value value="x"/></identifier></Patient>"""
    assert parse_resource(body, FHIR_XML) == {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"id": "i1", "value": "x"}],
    }


def test_narrative_div_drops_inherited_namespace_declarations() -> None:
    body = b"""<Patient xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <text><status value="generated"/>
        <div xmlns="http://www.w3.org/1999/xhtml"><p>A &lt; B</p></div></text>
    </Patient>"""
    resource = parse_resource(body, FHIR_XML)
    assert (
        resource["text"]["div"] == '<div xmlns="http://www.w3.org/1999/xhtml"><p>A &lt; B</p></div>'
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'<Patient xmlns="http://hl7.org/fhir"><nickname value="x"/></Patient>',
            [("structure", ["Patient.nickname"])],
        ),
        (
            b'<Patient xmlns="http://hl7.org/fhir">'
            b'<gender value="male"/><gender value="female"/></Patient>',
            [("structure", ["Patient.gender"])],
        ),
        (
            b'<Patient xmlns="http://hl7.org/fhir"><name>Smith</name></Patient>',
            [("structure", ["Patient.name[0]"])],
        ),
        (
            b'<Patient xmlns="http://hl7.org/fhir"><name><family/></name></Patient>',
            [("structure", ["Patient.name[0].family"])],
        ),
        (
            b'<Patient xmlns="http://hl7.org/fhir"><active value="true" colour="red"/></Patient>',
            [("structure", ["Patient.active"])],
        ),
        (
            b'<Patient xmlns="http://hl7.org/fhir" id="p1"/>',
            [("structure", ["Patient"])],
        ),
        (b"<Patient/>", [("structure", ["Patient"])]),
        (b'<Spaceship xmlns="http://hl7.org/fhir"/>', [("structure", ["Spaceship"])]),
        (
            b'<Patient xmlns="http://hl7.org/fhir"><name xmlns="urn:other"/></Patient>',
            [("structure", ["Patient.name"])],
        ),
        (
            b'<Patient xmlns="http://hl7.org/fhir">'
            b'<text><status value="generated"/><div/></text></Patient>',
            [("structure", ["Patient.text.div"])],
        ),
        (
            b'<Patient xmlns="http://hl7.org/fhir"><contained/><contained><Spaceship/></contained></Patient>',
            [("structure", ["Patient.contained[0]"]), ("structure", ["Patient.contained[1]"])],
        ),
    ],
)
def test_xml_structure_errors_are_all_reported_with_paths(
    body: bytes, expected: list[tuple[str, list[str]]]
) -> None:
    assert _issues(body, FHIR_XML) == expected


def test_xml_structure_errors_are_collected_together() -> None:
    body = b"""<Patient xmlns="http://hl7.org/fhir">
      <nickname value="x"/><name><given value="a"/><middle value="b"/></name><name>stray</name>
    </Patient>"""
    assert _issues(body, FHIR_XML) == [
        ("structure", ["Patient.nickname"]),
        ("structure", ["Patient.name[0].middle"]),
        ("structure", ["Patient.name[1]"]),
    ]


def test_contained_resources_are_unwrapped() -> None:
    body = b"""<Patient xmlns="http://hl7.org/fhir"><contained><Organization><id value="o1"/>
      <name value="Surgery"/></Organization></contained></Patient>"""
    assert parse_resource(body, FHIR_XML) == {
        "resourceType": "Patient",
        "contained": [{"resourceType": "Organization", "id": "o1", "name": "Surgery"}],
    }


def test_xml_nesting_is_bounded() -> None:
    inner = b'<valueString value="x"/>'
    for _ in range(MAX_XML_DEPTH + 5):
        inner = b'<extension url="u">' + inner + b"</extension>"
    body = b'<Patient xmlns="http://hl7.org/fhir">' + inner + b"</Patient>"
    issues = _issues(body, FHIR_XML)
    assert issues[0][0] == "structure"
    assert issues[0][1][0].startswith("Patient.extension[0].extension[0].extension[0]")


def test_xml_charset_parameter_is_honoured() -> None:
    body = '<Patient xmlns="http://hl7.org/fhir"><name><family value="Ó Briain"/></name></Patient>'
    resource = parse_resource(body.encode("latin-1"), "application/fhir+xml; charset=ISO-8859-1")
    assert resource["name"] == [{"family": "Ó Briain"}]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (rb'{"resourceType": "Patient", "id": "a\u0000b"}', [("value", ["Patient.id"])]),
        (rb'{"resourceType": "Patient", "id": "a\nb"}', [("value", ["Patient.id"])]),
        (
            rb'{"resourceType": "Patient", "text": {"div": "<div>a\nb</div>"}, "id": "a\tb"}',
            [("value", ["Patient.id"])],
        ),
        (
            b'{"resourceType": "Patient", "multipleBirthInteger": 9223372036854775808}',
            [("value", ["Patient.multipleBirthInteger"])],
        ),
    ],
)
def test_json_values_breaking_the_text_or_number_rule(
    body: bytes, expected: list[tuple[str, list[str]]]
) -> None:
    assert _issues(body, FHIR_JSON) == expected


@pytest.mark.parametrize(
    "body",
    [
        '{"resourceType": "Patient", "name": [{"family": "Ó Súilleabháin"}]}'.encode(),
        b'{"resourceType": "Patient", "multipleBirthInteger": 922337203685477580}',
        rb'{"resourceType": "Patient", "text": {"div": "<div>a\nb</div>"}}',
    ],
)
def test_json_values_within_the_rules(body: bytes) -> None:
    assert parse_resource(body, FHIR_JSON)["resourceType"] == "Patient"
