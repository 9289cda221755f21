"""FHIR XML -> FHIR JSON, so XML bodies go through exactly the same validation as JSON.

Source: FHIR R4 XML and JSON representations (http://hl7.org/fhir/R4/xml.html,
http://hl7.org/fhir/R4/json.html):

- primitive values are in a ``value`` attribute; an ``id`` attribute or ``extension``
  children of a primitive go to the ``_name`` JSON property (arrays kept aligned with
  ``null``); booleans and numbers become JSON booleans and numbers;
- an element is a JSON array when its definition allows more than one, however many
  times it occurs in this document;
- ``Element.id`` and ``Extension.url`` are attributes; ``Resource.id`` is an element;
- a resource inside another (``contained``, ``Bundle.entry.resource``) is wrapped in an
  element named after its type, which becomes ``resourceType``;
- ``Narrative.div`` is XHTML and is kept as an XHTML string.

Which elements repeat and what type each has comes from the fhir.resources R4B model field
definitions (R4B Patient and Bundle have R4's elements). fhir.resources'
``model_validate_xml`` was not used: it builds models rather than JSON (so every resource
would be validated twice), raises KeyError on an unknown element, and its nested errors
lose their location.

Errors in the XML serialisation itself (unknown elements, wrong namespace, stray text) are
collected with FHIRPath expressions and raised together; value errors are left to
validation, which reports them per resource.
"""

import copy
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from fhir.resources.R4B import get_fhir_model_class
from fhir_core.utils import (
    determine_version_prefix,
    get_fhir_type_name,
    is_list_type,
    is_primitive_type,
)
from lxml import etree

from services.scoring.fhir.operation_outcome import FhirInputError, Issue

__all__ = ["FHIR_NS", "MAX_XML_DEPTH", "XHTML_NS", "resource_from_xml"]

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"

# Deepest legitimate nesting is a Bundle entry's Patient with a nested extension on a
# coding (about 12 elements); 64 leaves room while keeping recursion bounded.
MAX_XML_DEPTH = 64

_INTEGER_TYPES = frozenset({"integer", "unsignedInt", "positiveInt", "integer64"})
# Literals longer than any FHIR number stay strings, for validation to report at their
# path (Python's int() refuses more than 4300 digits).
_INTEGER = re.compile(r"[+-]?[0-9]{1,20}")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,39})(?:\.[0-9]{1,40})?(?:[eE][+-]?[0-9]{1,4})?")

_Kind = Literal["primitive", "xhtml", "resource", "complex"]


@dataclass(frozen=True, slots=True)
class _Element:
    """What the model says about one child element name of a FHIR type."""

    json_name: str
    repeats: bool
    kind: _Kind
    fhir_type: str
    model: Any  # the child's model class for complex elements, else None


@cache
def _elements_of(model: Any) -> dict[str, _Element]:
    """Clark-notation tag (``{http://hl7.org/fhir}name``) -> definition, for one
    fhir.resources model class (cached per class); keyed by tag so no lookup needs the
    namespace split off first."""
    prefix = determine_version_prefix(model.__module__)
    elements: dict[str, _Element] = {}
    for info in model.model_fields.values():
        extra = info.json_schema_extra
        if not isinstance(extra, dict) or not extra.get("element_property"):
            continue
        name = info.alias
        fhir_type = get_fhir_type_name(info, prefix=prefix)
        repeats = is_list_type(info)
        tag = f"{{{FHIR_NS}}}{name}"
        if fhir_type == "xhtml":
            elements[f"{{{XHTML_NS}}}{name}"] = _Element(name, repeats, "xhtml", fhir_type, None)
        elif is_primitive_type(info):
            elements[tag] = _Element(name, repeats, "primitive", fhir_type, None)
        elif fhir_type == "Resource":
            elements[tag] = _Element(name, repeats, "resource", fhir_type, None)
        else:
            child = get_fhir_model_class(fhir_type)
            elements[tag] = _Element(name, repeats, "complex", fhir_type, child)
    return elements


def _resource_model(name: str) -> Any | None:
    try:
        model = get_fhir_model_class(name)
    except ValueError:
        return None
    return model if model.has_resource_base() else None


def _primitive_json(raw: str, fhir_type: str) -> Any:
    """The JSON form of a primitive's XML ``value``: booleans and numbers are unquoted.

    A literal that is not valid for its type is passed on unchanged, as a string, so that
    validation reports it at its path like any other bad value.
    """
    if fhir_type == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if fhir_type in _INTEGER_TYPES and _INTEGER.fullmatch(raw):
        return int(raw)
    if fhir_type == "decimal" and _DECIMAL.fullmatch(raw):
        return int(raw) if raw.lstrip("-").isdigit() else float(raw)
    return raw


class _Converter:
    """One document's conversion; collects every structural issue before raising."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def problem(self, diagnostics: str, expression: str) -> None:
        self.issues.append(Issue.error("structure", diagnostics, expression))

    def check_no_text(self, text: str | None, path: str) -> None:
        if text and not text.isspace():
            self.problem("Text content is not allowed here in FHIR XML", path)

    def resource(self, element: Any, path: str, depth: int) -> dict[str, Any] | None:
        """A resource element (document root or inside a resource wrapper)."""
        qname = etree.QName(element)
        model = _resource_model(qname.localname)
        if qname.namespace != FHIR_NS or model is None:
            self.problem("Expected a FHIR resource in the http://hl7.org/fhir namespace", path)
            return None
        body = self.complex(element, model, path, depth, is_resource=True)
        return {"resourceType": qname.localname, **body}

    def complex(
        self, element: Any, model: Any, path: str, depth: int, *, is_resource: bool = False
    ) -> dict[str, Any]:
        if depth > MAX_XML_DEPTH:
            self.problem(f"Elements are nested more than {MAX_XML_DEPTH} deep", path)
            return {}
        out: dict[str, Any] = {}
        for attribute, value in element.items():
            if attribute.startswith("{"):
                continue  # namespaced attributes (xsi:schemaLocation) are not FHIR content
            if attribute == "id" and not is_resource:
                out["id"] = value  # Element.id is an attribute (Resource.id is an element)
            elif attribute == "url" and model.get_resource_type() == "Extension":
                out["url"] = value
            else:
                self.problem(f"Unexpected attribute '{attribute}'", path)
        self.check_no_text(element.text, path)
        definitions = _elements_of(model)
        # Values and `_name` companions of repeating primitives, aligned by position.
        primitive_lists: dict[str, tuple[list[Any], list[Any]]] = {}
        occurrences: dict[str, int] = {}  # of each repeating element, for its [index]
        for child in element:
            self.check_no_text(child.tail, path)
            tag = child.tag
            if not isinstance(tag, str):
                # Entity references survive as nodes because entities are never resolved.
                self.problem("Entity references are not allowed", path)
                continue
            definition = definitions.get(tag)
            if definition is None:
                local = tag.rpartition("}")[2]
                self.problem(f"Unknown element '{local}'", f"{path}.{local}")
                continue
            name = definition.json_name
            child_path = f"{path}.{name}"
            if definition.repeats:
                child_path += f"[{occurrences.get(name, 0)}]"
                occurrences[name] = occurrences.get(name, 0) + 1
            elif name in out or name in primitive_lists or f"_{name}" in out:
                self.problem(f"Element '{name}' is not allowed to repeat", child_path)
                continue
            self.child(child, definition, child_path, depth + 1, out, primitive_lists)
        for name, (values, companions) in primitive_lists.items():
            if any(value is not None for value in values):
                out[name] = values
            if any(companion is not None for companion in companions):
                out[f"_{name}"] = companions
        return out

    def child(
        self,
        element: Any,
        definition: _Element,
        path: str,
        depth: int,
        out: dict[str, Any],
        primitive_lists: dict[str, tuple[list[Any], list[Any]]],
    ) -> None:
        name = definition.json_name
        if definition.kind == "primitive":
            value, companion = self.primitive(element, definition.fhir_type, path, depth)
            if definition.repeats:
                values, companions = primitive_lists.setdefault(name, ([], []))
                values.append(value)
                companions.append(companion)
            else:
                if value is not None:
                    out[name] = value
                if companion is not None:
                    out[f"_{name}"] = companion
            return
        converted: Any
        if definition.kind == "xhtml":
            converted = _xhtml_string(element)
        elif definition.kind == "resource":
            converted = self.wrapped_resource(element, path, depth)
        else:
            converted = self.complex(element, definition.model, path, depth)
        if converted is None:
            return
        if definition.repeats:
            out.setdefault(name, []).append(converted)
        else:
            out[name] = converted

    def primitive(
        self, element: Any, fhir_type: str, path: str, depth: int
    ) -> tuple[Any, dict[str, Any] | None]:
        """(JSON value or None, ``_name`` companion with id/extension or None)."""
        self.check_no_text(element.text, path)
        attributes = element.items()
        if len(attributes) == 1 and attributes[0][0] == "value" and not len(element):
            return _primitive_json(attributes[0][1], fhir_type), None  # the usual case
        raw = element.get("value")
        companion: dict[str, Any] = {}
        for attribute, value in attributes:
            if attribute == "id":
                companion["id"] = value
            elif attribute != "value" and not attribute.startswith("{"):
                self.problem(f"Unexpected attribute '{attribute}'", path)
        extension_model = get_fhir_model_class("Extension")
        for child in element:
            self.check_no_text(child.tail, path)
            is_extension = isinstance(child.tag, str) and child.tag == f"{{{FHIR_NS}}}extension"
            if not is_extension:
                self.problem("A primitive element may only contain extensions", path)
                continue
            extensions = companion.setdefault("extension", [])
            extension_path = f"{path}.extension[{len(extensions)}]"
            extensions.append(self.complex(child, extension_model, extension_path, depth + 1))
        value = None if raw is None else _primitive_json(raw, fhir_type)
        if value is None and not companion:
            self.problem("A primitive element needs a value attribute or extensions", path)
        return value, (companion or None)

    def wrapped_resource(self, element: Any, path: str, depth: int) -> dict[str, Any] | None:
        self.check_no_text(element.text, path)
        if element.attrib:
            self.problem("A resource wrapper element takes no attributes", path)
        children = list(element)
        for child in children:
            self.check_no_text(child.tail, path)
        if len(children) != 1:
            self.problem("A resource wrapper element must contain exactly one resource", path)
            return None
        if depth > MAX_XML_DEPTH:
            self.problem(f"Elements are nested more than {MAX_XML_DEPTH} deep", path)
            return None
        return self.resource(children[0], path, depth + 1)


def _xhtml_string(element: Any) -> str:
    """The div as a standalone XHTML string, without namespaces it merely inherited."""
    div = copy.deepcopy(element)
    div.tail = None
    etree.cleanup_namespaces(div)
    return str(etree.tostring(div, encoding="unicode", with_tail=False))


def resource_from_xml(root: Any) -> dict[str, Any]:
    """FHIR JSON (as a dict) for a parsed FHIR XML resource element.

    Raises ``FhirInputError`` listing every structural problem, located by FHIRPath.
    """
    converter = _Converter()
    name = etree.QName(root).localname
    resource = converter.resource(root, name, 1)
    if converter.issues or resource is None:
        raise FhirInputError(converter.issues)
    return resource
