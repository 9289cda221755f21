"""Request bodies -> FHIR JSON dicts, for both FHIR JSON and FHIR XML.

Source: FHIR R4 HTTP "Content Types and encodings" (http://hl7.org/fhir/R4/http.html#mime-type):
``application/fhir+json`` and ``application/fhir+xml``, with the generic ``application/json``
and ``application/xml`` also accepted; FHIR JSON is always UTF-8.

XML is parsed by lxml with a hardened parser (OWASP XML External Entity Prevention Cheat
Sheet): no DTD loading, no entity resolution, no network, comments and processing
instructions dropped, and any document with a DOCTYPE refused outright, so external
entities (XXE) and entity expansion ("billion laughs") never happen. libxml2's own limits
(no ``huge_tree``) bound nesting and text size while parsing; the converter bounds its
own recursion. The body size limit belongs to the HTTP layer.

Every string of the resource, in either format, then obeys Equitas's text rule
(``services.common.input_rules``, as numbers obey its number rule): no NUL or other
control character, and tab, CR and LF only in FHIR's human-readable elements
(``Narrative.div`` and the ``text`` of a name, an address, a CodeableConcept or an
Annotation). XML itself cannot carry the other control characters, so there libxml2
refuses them first (400: not well-formed XML).
"""

import codecs
from typing import Any, Literal

import orjson
from lxml import etree

from services.common.input_rules import refused_values, text_problem
from services.scoring.fhir.operation_outcome import FhirInputError, Issue, fhirpath_from_loc
from services.scoring.fhir.xml_conversion import resource_from_xml

__all__ = ["JSON_MEDIA_TYPES", "XML_MEDIA_TYPES", "media_format", "parse_resource"]

JSON_MEDIA_TYPES = frozenset({"application/fhir+json", "application/json"})
XML_MEDIA_TYPES = frozenset({"application/fhir+xml", "application/xml"})

_UTF8_BOM = codecs.BOM_UTF8
# Elements whose strings are free text (see the module docstring).
_FREE_TEXT_ELEMENTS = frozenset({"div", "text"})
# Enough to fix a resource in one round trip; a hostile Bundle cannot make the answer huge.
_MAX_TEXT_ISSUES = 20


def media_format(content_type: str) -> tuple[Literal["json", "xml"], str | None]:
    """("json" | "xml", charset or None) for a Content-Type header value.

    Parameters other than charset (``fhirVersion=4.0`` and the like) are allowed and
    ignored. Raises ``FhirInputError`` (``not-supported``) for any other media type.
    """
    media_type, *parameters = content_type.split(";")
    charset: str | None = None
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower() or None
    media_type = media_type.strip().lower()
    if media_type in JSON_MEDIA_TYPES:
        return "json", charset
    if media_type in XML_MEDIA_TYPES:
        return "xml", charset
    raise FhirInputError(
        [
            Issue.error(
                "not-supported",
                "Content-Type must be application/fhir+json or application/fhir+xml",
            )
        ]
    )


def parse_resource(body: bytes, content_type: str) -> dict[str, Any]:
    """The FHIR JSON object of a request body in FHIR JSON or FHIR XML.

    Only syntax is checked here (plus XML's structure, which the JSON conversion needs),
    and the rules every value obeys (``_check_values``); resource content is validated by
    the mapping modules. Raises ``FhirInputError``.
    """
    body_format, charset = media_format(content_type)
    if not body.strip():
        raise FhirInputError([Issue.error("structure", "The request body is empty")])
    if body_format == "json":
        resource = _parse_json(body, charset)
        if _json_may_break_rules(body):
            _check_values(resource)
    else:
        resource = _parse_xml(body, charset)
        _check_values(resource)
    return resource


# Digits as 0: a long run of digits is then a plain substring (a C-speed scan).
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONGEST_SAFE_DIGITS = 18  # an integer of 19 digits may be beyond 64 bits


def _json_may_break_rules(body: bytes) -> bool:
    """Whether a value of this FHIR JSON body (already parsed by orjson) could break the
    text or number rule; walking every value of a Bundle of thousands costs more than
    parsing it. orjson refuses control characters written as such, surrogates (escaped
    alone, or encoded) and numbers beyond a float's range, so only an escape (``\\n``,
    ``\\u0000``) can put a refused character in a string, and only an integer of 19 digits
    or more can be beyond 64 bits. (``services.common.request_text`` looks at other JSON
    bodies the same way, with more to look for: they are parsed by the standard library.)"""
    if b"\\" in body:
        return True
    return b"0" * (_LONGEST_SAFE_DIGITS + 1) in body.translate(_DIGITS)


def _check_values(resource: dict[str, Any]) -> None:
    """Raise ``FhirInputError`` locating (by FHIRPath) every string that holds a character
    Equitas's text rule refuses, and every number beyond 64 bits or not finite."""
    kind = resource.get("resourceType")
    prefix = kind if isinstance(kind, str) and text_problem(kind) is None else "Resource"
    refused = refused_values(
        resource,
        "",
        inner=_element_name,
        free_text=_FREE_TEXT_ELEMENTS.__contains__,
        limit=_MAX_TEXT_ISSUES,
    )
    if refused:
        raise FhirInputError(
            [
                Issue.error("value", f"The value {message}", fhirpath_from_loc(loc, prefix))
                for loc, message in refused
            ]
        )


def _element_name(element: str, key: str | int) -> str:
    """The element a member (``_birthDate``: ``birthDate``'s extensions) or an item of a
    repeating element belongs to."""
    return key.removeprefix("_") if isinstance(key, str) else element


def _parse_json(body: bytes, charset: str | None) -> dict[str, Any]:
    # RFC 8259 and FHIR both fix JSON to UTF-8; any other declared charset is an error
    # rather than a guess.
    if charset not in (None, "utf-8", "utf8"):
        raise FhirInputError([Issue.error("not-supported", "FHIR JSON must be UTF-8")])
    try:
        parsed = orjson.loads(body.removeprefix(_UTF8_BOM))
    except orjson.JSONDecodeError as error:
        # orjson's message gives line and column, never the content itself.
        raise FhirInputError([Issue.error("structure", f"Invalid JSON: {error}")]) from None
    if not isinstance(parsed, dict):
        raise FhirInputError([Issue.error("structure", "A FHIR resource must be a JSON object")])
    return parsed


def _hardened_parser(charset: str | None) -> Any:
    """A new lxml parser per document: parsers keep state and are not thread-safe."""
    return etree.XMLParser(
        encoding=charset,
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _parse_xml(body: bytes, charset: str | None) -> dict[str, Any]:
    if charset is not None:
        try:
            codecs.lookup(charset)
        except LookupError:
            raise FhirInputError(
                [Issue.error("not-supported", "Unknown charset in Content-Type")]
            ) from None
    # Refused before parsing so that no DTD is ever processed. Markup is the only place
    # "<!DOCTYPE" can occur unescaped (bar comments and CDATA); the check after parsing
    # covers encodings (UTF-16) where these bytes do not appear.
    if b"<!DOCTYPE" in body:
        raise FhirInputError([Issue.error("structure", "DOCTYPE declarations are not allowed")])
    try:
        root = etree.fromstring(body, parser=_hardened_parser(charset))
    except etree.XMLSyntaxError as error:
        # libxml2 messages name tags and positions, not text content.
        raise FhirInputError([Issue.error("structure", f"Invalid XML: {error}")]) from None
    except ValueError as error:  # lxml raises this for an unusable encoding declaration
        raise FhirInputError([Issue.error("structure", f"Invalid XML: {error}")]) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise FhirInputError([Issue.error("structure", "DOCTYPE declarations are not allowed")])
    return resource_from_xml(root)
