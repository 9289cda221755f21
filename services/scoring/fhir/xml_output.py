"""FHIR JSON -> FHIR XML, for clients that ask for XML responses.

Source: FHIR R4 XML representation (http://hl7.org/fhir/R4/xml.html), the inverse of
``xml_conversion``: elements in the order the resource definition lists them; primitive
values in a ``value`` attribute (booleans and numbers as their JSON literals); a primitive's
``_name`` companion gives its ``id`` attribute and ``extension`` children (repeating
primitives aligned by position); ``Element.id`` and ``Extension.url`` are attributes,
``Resource.id`` an element; a resource inside another is wrapped in an element named by the
containing element; ``Narrative.div`` is XHTML, parsed from its string with the same
hardened parser as requests.

fhir.resources can write XML itself (``model_dump_xml``), but only from a validated model,
at about 20 ms per Patient; this walks the JSON already built for the JSON answer, with the
element definitions ``xml_conversion`` reads requests with.
"""

from functools import cache
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from lxml import etree

from services.scoring.fhir.xml_conversion import FHIR_NS, XHTML_NS, _Element, _elements_of

__all__ = ["resource_to_xml"]

_NS = f"{{{FHIR_NS}}}"


@cache
def _definitions(model: Any) -> tuple[tuple[str, _Element], ...]:
    """(JSON name, definition) of a model's elements, in the definition's order."""
    by_name = {definition.json_name: definition for definition in _elements_of(model).values()}
    return tuple((name, by_name[name]) for name in model.elements_sequence() if name in by_name)


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _primitive(parent: Any, name: str, value: Any, companion: Any) -> None:
    element = etree.SubElement(parent, _NS + name)
    if isinstance(companion, dict) and isinstance(companion.get("id"), str):
        element.set("id", companion["id"])
    if value is not None:
        element.set("value", _literal(value))
    if isinstance(companion, dict):
        extension = get_fhir_model_class("Extension")
        for item in companion.get("extension") or []:
            _complex(etree.SubElement(element, _NS + "extension"), item, extension)


def _xhtml(parent: Any, value: str) -> None:
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    try:
        div = etree.fromstring(value.encode(), parser=parser)
    except etree.XMLSyntaxError:  # never stored: narratives were validated on the way in
        div = etree.Element(f"{{{XHTML_NS}}}div")
        div.text = value
    parent.append(div)


def _complex(element: Any, value: dict[str, Any], model: Any, *, is_resource: bool = False) -> None:
    if not is_resource and isinstance(value.get("id"), str):
        element.set("id", value["id"])
    is_extension = model.get_resource_type() == "Extension"
    if is_extension and isinstance(value.get("url"), str):
        element.set("url", value["url"])
    for name, definition in _definitions(model):
        if (name == "id" and not is_resource) or (name == "url" and is_extension):
            continue
        item, companion = value.get(name), value.get(f"_{name}")
        if item is None and companion is None:
            continue
        if definition.kind == "primitive":
            if definition.repeats:
                items = item if isinstance(item, list) else []
                companions = companion if isinstance(companion, list) else []
                for i in range(max(len(items), len(companions))):
                    _primitive(
                        element,
                        name,
                        items[i] if i < len(items) else None,
                        companions[i] if i < len(companions) else None,
                    )
            else:
                _primitive(element, name, item, companion)
            continue
        for one in item if isinstance(item, list) else [item]:
            if definition.kind == "xhtml" and isinstance(one, str):
                _xhtml(element, one)
            elif not isinstance(one, dict):
                continue  # nothing else is stored or built (validated on the way in)
            elif definition.kind == "resource":
                wrapper = etree.SubElement(element, _NS + name)
                wrapper.append(_resource(one))
            else:
                _complex(etree.SubElement(element, _NS + name), one, definition.model)


def _resource(resource: dict[str, Any]) -> Any:
    resource_type = resource["resourceType"]
    element = etree.Element(_NS + resource_type, nsmap={None: FHIR_NS})
    _complex(element, resource, get_fhir_model_class(resource_type), is_resource=True)
    return element


def resource_to_xml(resource: dict[str, Any]) -> bytes:
    """A FHIR JSON resource (as Equitas builds or stored it) as a FHIR XML document."""
    root = _resource(resource)
    etree.cleanup_namespaces(root)  # one xmlns for nested resources too
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
