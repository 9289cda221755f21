"""fhir.resources validation of Patients, remembered by shape.

Validating a Patient with fhir.resources (``Patient.model_validate``) is most of what a
Bundle costs the scoring service (docs/benchmarks.md): every element is a Python call into
pydantic with validators written in Python. But fhir.resources' verdict on a resource comes
from two kinds of check only:

- checks of the *shape*: which elements are present (unknown ones are refused, required
  ones and choice types ``value[x]`` are checked), where a null stands, which JSON type
  each value has, and the ``resourceType`` an element names (``FHIRAbstractModel``:
  ``extra="forbid"``, ``reject_null_complex_elements``,
  ``validate_after_model_construction``, the ``resourceType`` check in ``__init__``,
  ``FHIRPrimitiveExtension``'s check of its own members);
- checks of each *value* against the type of the element holding it (a ``code`` has no
  leading space, a ``date`` is a date, an ``id`` is at most 64 characters, ...), each
  value on its own.

So once fhir.resources has accepted a Patient of some shape, another Patient of exactly
that shape is accepted by it if and only if each of its values passes its element's own
type (the element's annotation, validated by pydantic as the model does). That is what
``ShapeMemo.known_valid`` checks, at a fraction of the cost. It never refuses anything:
when the shape is new, or a value fails, or the resource holds what it does not follow
(``contained`` resources, nesting deeper than ``_MAX_DEPTH``, a list mixing objects and
values), the caller validates with fhir.resources as before, and the issues come from
there. Decision 0049.
"""

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from fhir_core.fhirabstractmodel import FHIRAbstractModel
from fhir_core.types import FhirBase, FhirElementOrResourceBase
from pydantic import TypeAdapter

__all__ = ["ShapeMemo", "element_adapter"]

# Deeper resources are left to fhir.resources (which reports absurd nesting itself).
_MAX_DEPTH = 24
# Shapes kept per process; a Bundle from one EPR has a handful. When full it starts again,
# so an unusual stream costs a little memory, never correctness.
_MAX_SHAPES = 2048
# The keys FHIRAbstractModel.__init__ takes as the resource type rather than as elements.
_TYPE_KEYS = frozenset({"resourceType", "resource_type"})
# The model settings under which a value's check is the check of its annotation alone.
_PLAIN_CONFIG = frozenset({"extra", "validate_assignment", "populate_by_name"})
_LEAVES = (str, int, float, bool, NoneType)

# (unit indexes, the validation of a list of them) per annotation a shape uses.
_Groups = tuple[tuple[tuple[int, ...], Callable[[list[Any]], Any]], ...]


class _NotFollowed(Exception):
    """The resource holds something the memo does not follow: validate it in full."""


def _shape(resource: dict[str, Any]) -> tuple[tuple[Any, ...], list[Any]] | None:
    """(the resource's shape, its values in the shape's order), or None when the shape
    cannot be told from the JSON alone (see the module docstring)."""
    tokens: list[Any] = []
    units: list[Any] = []
    try:
        _walk(resource, tokens, units, 0)
    except _NotFollowed:
        return None
    return tuple(tokens), units


def _walk(element: dict[str, Any], tokens: list[Any], units: list[Any], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise _NotFollowed
    tokens.append(tuple(element))
    typed = "resourceType" in element or "resource_type" in element
    for key, value in element.items():
        kind = type(value)
        if typed and key in _TYPE_KEYS:
            if kind is not str:
                raise _NotFollowed
            tokens.append(value)  # which model: part of the shape, not a value
        elif kind is dict:
            _walk(value, tokens, units, depth + 1)
        elif kind is list:
            if value and type(value[0]) is dict:
                tokens.append(len(value))
                for item in value:
                    if type(item) is not dict:
                        raise _NotFollowed
                    _walk(item, tokens, units, depth + 1)
            else:
                types = (list, *map(type, value))  # apart from an object's names: [] vs {}
                if dict in types[1:] or list in types[1:]:
                    raise _NotFollowed
                tokens.append(types)
                units.append(value)
        elif kind in _LEAVES:
            tokens.append(kind)
            units.append(value)
        else:  # pragma: no cover - not from a JSON or XML parser
            raise _NotFollowed


def _element_model(annotation: Any) -> type[FHIRAbstractModel]:
    """The model validating an object held by an element of this annotation."""
    while True:
        origin = get_origin(annotation)
        if origin in (Union, UnionType):
            inner = [arg for arg in get_args(annotation) if arg is not NoneType]
            if len(inner) != 1:
                raise _NotFollowed
            annotation = inner[0]
        elif origin is list:
            annotation = get_args(annotation)[0]
        else:
            break
    if (
        not isinstance(annotation, type)
        or not issubclass(annotation, FhirBase)
        or issubclass(annotation, FhirElementOrResourceBase)  # chosen by resourceType
    ):
        raise _NotFollowed
    model: type[FHIRAbstractModel] = annotation.get_model_klass()
    return model


@lru_cache(maxsize=4096)
def _field_names(model: type[FHIRAbstractModel]) -> dict[str, str]:
    """JSON name (alias, or the field's own name: ``populate_by_name``) -> field name."""
    if not set(model.model_config) <= _PLAIN_CONFIG:
        raise _NotFollowed
    names = {name: name for name in model.model_fields}
    names.update({f.alias: name for name, f in model.model_fields.items() if f.alias})
    return names


@lru_cache(maxsize=4096)
def _annotation(model: type[FHIRAbstractModel], field: str) -> Any:
    """The field's annotation as pydantic validates it (constraints included)."""
    info = model.model_fields[field]
    if info.discriminator is not None:
        raise _NotFollowed
    if info.metadata:
        return Annotated[(info.annotation, *info.metadata)]
    return info.annotation


def element_adapter(model: type[FHIRAbstractModel], name: str) -> TypeAdapter[Any]:
    """Validates a value of the element ``name`` (its JSON name) of ``model`` as the model
    does."""
    adapter: TypeAdapter[Any] = TypeAdapter(_annotation(model, _field_names(model)[name]))
    return adapter


@lru_cache(maxsize=512)
def _list_adapter(annotation: Any) -> TypeAdapter[Any]:
    adapter: TypeAdapter[Any] = TypeAdapter(list[annotation])
    return adapter


def _annotations(model: type[FHIRAbstractModel], element: dict[str, Any], out: list[Any]) -> None:
    """The annotation of each value of ``element`` (a valid ``model``), in ``_walk``'s order."""
    names = _field_names(model)
    fields = [names.get(key) for key in element if key not in _TYPE_KEYS]
    if None in fields or len(set(fields)) != len(fields):
        raise _NotFollowed  # an unknown element, or one given under two names
    for key, value in element.items():
        if key in _TYPE_KEYS:
            continue
        annotation = _annotation(model, names[key])
        if type(value) is dict:
            _annotations(_element_model(annotation), value, out)
        elif type(value) is list and value and type(value[0]) is dict:
            item_model = _element_model(annotation)
            for item in value:
                _annotations(item_model, item, out)
        else:
            out.append(annotation)


def _groups(annotations: Sequence[Any]) -> _Groups:
    by_annotation: dict[Any, list[int]] = {}
    for index, annotation in enumerate(annotations):
        by_annotation.setdefault(annotation, []).append(index)
    # The adapter's core validator: its Python wrapper costs more than a short list.
    return tuple(
        (tuple(indexes), _list_adapter(a).validator.validate_python)
        for a, indexes in by_annotation.items()
    )


class ShapeMemo:
    """The shapes of resources ``model`` accepted, with the checks their values need."""

    def __init__(self, model: type[FHIRAbstractModel]) -> None:
        self._model = model
        self._shapes: dict[tuple[Any, ...], _Groups | None] = {}  # None: not followed
        self._lock = threading.Lock()

    def known_valid(self, resource: dict[str, Any]) -> bool:
        """True when fhir.resources would accept ``resource`` (a shape it accepted before,
        every value valid for its element); False when only validating it can tell."""
        found = _shape(resource)
        if found is None:
            return False
        shape, units = found
        groups = self._shapes.get(shape)
        if groups is None:
            return False
        try:
            for indexes, validate in groups:
                validate([units[i] for i in indexes])
        except Exception:  # a ValidationError, or whatever full validation then reports
            return False
        return True

    def accepted(self, resource: dict[str, Any]) -> None:
        """Remember the shape of a resource that fhir.resources has just accepted."""
        found = _shape(resource)
        if found is None:
            return
        shape, units = found
        if shape in self._shapes:
            return
        annotations: list[Any] = []
        try:
            _annotations(self._model, resource, annotations)
            groups = _groups(annotations)
        except (_NotFollowed, TypeError):  # TypeError: an annotation that cannot be a key
            groups = None
        else:
            if len(annotations) != len(units):  # pragma: no cover - the walks disagree
                return
        with self._lock:  # parsing runs in worker threads
            if len(self._shapes) >= _MAX_SHAPES:
                self._shapes.clear()
            self._shapes[shape] = groups
