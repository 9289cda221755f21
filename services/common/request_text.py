"""Every string a request carries obeys the text rule of ``services.common.input_rules``.

``build_app`` makes ``refuse_control_characters`` the first dependency of every route of
every service, so it runs before authentication, before a database session is opened and
before any route reads a parameter. It looks at the request as sent, not at what a route
declares: every path parameter, every query parameter (names and values), every header and
every string (keys and values) and number of a JSON body. So a value a route reads by hand
(``request.query_params``, ``request.headers``) is covered as much as a declared one.
(No route takes a form; one that did would need its fields checked here too.)

What is free text comes from the route's declarations: a query parameter or a body field
annotated ``FreeText`` may hold tab, CR and LF. A body that is not JSON (an uploaded YAML
definition) is a document, so free text too. Each refused value is named in the 422
problem's ``errors`` (``query.name``, ``path.instrument``, ``header.if-match``,
``body.notes``), never quoted. FHIR bodies are read by the FHIR routes themselves and
checked by ``services.scoring.fhir.parsing`` with the same rule.
"""

import email.message
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Request, params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from services.common.errors import FieldProblem, InvalidInput, field_path
from services.common.input_rules import FREE_TEXT, refused_values, text_problem

__all__ = ["refuse_control_characters", "refuse_control_characters_in"]

# Enough to fix a request in one round trip; a hostile body cannot make the answer huge.
MAX_PROBLEMS = 20
NAME_MESSAGE = "a parameter name holds a control character"

_ESCAPED_CONTROL = re.compile(rb"%[01]|[\x00-\x1f]")
_CONTROL_BYTE = re.compile(rb"[\x00-\x1f]")
# Digits as 0, exponent markers as "e", signs as "+": long numbers and large exponents are
# then plain substrings (C-speed scans; a regular expression took ~30 us for a HEF body).
_NUMBER_SHAPES = bytes.maketrans(b"123456789E-", b"000000000e+")

# The annotations a JSON value may be read as: several when a union allows them.
Shape = tuple[Any, ...]


class _Reading:
    """How a JSON value is read, from the annotations of the route's body: whether its
    strings are free text, and how its members and items are read. Built lazily, once per
    route and place in the body; names not declared share one reading, so a body's keys
    cannot make it grow."""

    __slots__ = ("_fields", "_item", "_items", "_members", "_values", "free")

    def __init__(self, shape: Shape) -> None:
        kinds, self.free = _alternatives(shape)
        self._fields: dict[str, Shape] = {}
        values: list[Any] = []
        items: list[Any] = []
        for kind in kinds:
            origin, args = get_origin(kind), get_args(kind)
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                for name, field in _model_fields(kind).items():
                    self._fields[name] = self._fields.get(name, ()) + field
            elif origin in (dict, Mapping) and len(args) == 2:
                values.append(args[1])
            elif origin in (list, tuple, set, frozenset, Sequence) and args:
                items.append(args[0])
        self._values = tuple(values)
        self._items = tuple(items)
        self._members: dict[str | None, _Reading] = {}  # None: any undeclared name
        self._item: _Reading | None = None

    def inner(self, key: str | int) -> "_Reading":
        """The reading of a member (``key`` a name) or of an item (an index)."""
        return self.member(key) if isinstance(key, str) else self.item()

    def is_free_text(self) -> bool:
        return self.free

    def member(self, key: str) -> "_Reading":
        """The reading of the value under ``key`` of an object."""
        name = key if key in self._fields else None
        found = self._members.get(name)
        if found is None:
            declared = self._fields[name] if name is not None else ()
            found = self._members[name] = _Reading(declared + self._values)
        return found

    def item(self) -> "_Reading":
        """The reading of an array's items."""
        if self._item is None:
            self._item = _Reading(self._items)
        return self._item


@dataclass(frozen=True)
class _RouteText:
    """What a route declares as free text."""

    query: frozenset[str]
    body: _Reading | None  # None: the route reads no body through FastAPI


async def refuse_control_characters(request: Request) -> None:
    """422 naming every field that holds a character text may not hold."""
    route = request.scope.get("route")
    declared = _declared_free_text(route) if isinstance(route, APIRoute) else _NONE_FREE
    problems = _Problems()
    for name, value in request.path_params.items():
        if isinstance(value, str):
            problems.add(("path", name), text_problem(value))
    # Quick looks at the raw bytes first (most requests have nothing to find): a control
    # character can be in the query string only percent-encoded (%00-%1F) or as such a
    # byte, and in a header value (latin-1) only as such a byte.
    if _ESCAPED_CONTROL.search(request.scope.get("query_string", b"")):
        for name, value in request.query_params.multi_items():
            if text_problem(name) is not None:
                problems.add(("query",), NAME_MESSAGE)
            else:
                free_text = name in declared.query
                problems.add(("query", name), text_problem(value, free_text=free_text))
    if _CONTROL_BYTE.search(b"".join(value for _, value in request.scope["headers"])):
        for name, value in request.headers.items():
            # HTTP allows tab inside a header value; none that Equitas reads needs one.
            problems.add(("header", name), text_problem(value))
    if declared.body is not None:
        await _check_body(request, declared.body, problems)
    problems.raise_if_any()


def refuse_control_characters_in(document: Any, *, field: str = "body") -> None:
    """The same rule for a document a route parses itself (an uploaded YAML definition,
    whose escapes can spell any character): all of it is free text."""
    refused = refused_values(
        document, None, inner=lambda *_: None, free_text=lambda _: True, limit=MAX_PROBLEMS
    )
    if refused:
        problems = _Problems()
        for loc, message in refused:
            problems.add((field, *loc), message)
        problems.raise_if_any()


class _Problems:
    def __init__(self) -> None:
        self.found: list[FieldProblem] = []

    @property
    def full(self) -> bool:
        return len(self.found) >= MAX_PROBLEMS

    def add(self, loc: Sequence[str | int], message: str | None) -> None:
        if message is not None and not self.full:
            self.found.append(FieldProblem(field=field_path(loc), message=message))

    def raise_if_any(self) -> None:
        if self.found:
            fields = ", ".join(dict.fromkeys(problem.field for problem in self.found))
            raise InvalidInput(f"Check these fields: {fields}", errors=self.found)


async def _check_body(request: Request, reading: _Reading, problems: _Problems) -> None:
    body = await request.body()  # already read (and kept) by FastAPI for a body parameter
    if not body:
        return
    if _is_json(request.headers.get("content-type", "")):
        if not _needs_a_look(body):
            return
        # FastAPI parsed it before solving dependencies and kept the result (a body that
        # is not JSON was refused there).
        found = refused_values(
            await request.json(),
            reading,
            inner=_Reading.inner,
            free_text=_Reading.is_free_text,
            limit=MAX_PROBLEMS,
        )
        for loc, message in found:
            problems.add(("body", *loc), message)
    else:
        text = body.decode("utf-8", "replace")
        problems.add(("body",), text_problem(text, free_text=True))


def _needs_a_look(body: bytes) -> bool:
    """Whether a value in this JSON body could break a rule. JSON strings hold a control
    character only as an escape, and ASCII cannot encode a surrogate; an integer beyond 64
    bits has 19 digits or more; a number beyond a float's range has an exponent of three
    digits or is not JSON at all (NaN, Infinity). Most bodies have none of these."""
    if b"\\" in body or not body.isascii() or b"NaN" in body or b"Infinity" in body:
        return True
    shape = body.translate(_NUMBER_SHAPES)
    return b"0" * 19 in shape or b"e000" in shape or b"e+000" in shape


def _is_json(content_type: str) -> bool:
    # The same test as FastAPI's request handler.
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


# -- what a route declares ------------------------------------------------------------------

_NONE_FREE = _RouteText(query=frozenset(), body=None)
# By id, holding the route so that its id is never reused for another one (APIRoute is
# not hashable).
_declared: dict[int, tuple[APIRoute, _RouteText]] = {}


def _declared_free_text(route: APIRoute) -> _RouteText:
    cached = _declared.get(id(route))
    if cached is not None and cached[0] is route:
        return cached[1]
    body = route.body_field
    if body is not None and isinstance(body.field_info, params.Form):
        body = None  # FastAPI has consumed the stream as a form: see the module docstring
    found = _RouteText(
        query=frozenset(
            parameter.alias
            for parameter in _query_parameters(route.dependant)
            if _is_free_text(
                _field_shape(parameter.field_info.annotation, parameter.field_info.metadata)
            )
        ),
        body=None
        if body is None
        else _Reading(_field_shape(body.field_info.annotation, body.field_info.metadata)),
    )
    _declared[id(route)] = (route, found)
    return found


def _query_parameters(dependant: Dependant) -> Iterable[Any]:
    pending = [dependant]
    while pending:
        current = pending.pop()
        yield from current.query_params
        pending.extend(current.dependencies)


def _field_shape(annotation: Any, metadata: Sequence[Any]) -> Shape:
    return (Annotated[(annotation, *metadata)],) if metadata else (annotation,)


def _alternatives(shape: Shape) -> tuple[list[Any], bool]:
    """The types a shape allows (unions and ``Annotated`` unwrapped), and whether any of
    them is marked free text."""
    found: list[Any] = []
    free = False
    pending = list(shape)
    while pending:
        current = pending.pop()
        origin = get_origin(current)
        if origin is Annotated:
            base, *metadata = get_args(current)
            free = free or any(item is FREE_TEXT for item in metadata)
            pending.append(base)
        elif origin is Union or origin is UnionType:
            pending.extend(get_args(current))
        else:
            found.append(current)
    return found, free


def _is_free_text(shape: Shape) -> bool:
    return _alternatives(shape)[1]


_fields_by_model: dict[type[BaseModel], dict[str, Shape]] = {}


def _model_fields(model: type[BaseModel]) -> dict[str, Shape]:
    """A model's fields by name and by alias (a body may use either)."""
    fields = _fields_by_model.get(model)
    if fields is None:
        fields = {}
        for name, info in model.model_fields.items():
            shape = _field_shape(info.annotation, info.metadata)
            fields[name] = shape
            if info.alias:
                fields[info.alias] = shape
        _fields_by_model[model] = fields
    return fields
