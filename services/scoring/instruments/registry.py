"""Loading definition files and keeping the loaded versions: the instrument registry.

Every definition passes the same three gates whether it ships with Equitas or is uploaded by an
organisation admin (instruments.md: a replacement definition is a new version, loaded without
code changes): the JSON Schema ``definition.schema.json``, the pydantic models, and the
cross-reference checks in ``consistency.py``. A version, once registered, is never replaced, so
an assessment is always re-scored with the version it was scored with.
"""

import functools
import json
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from pydantic import ValidationError

from services.scoring.instruments.consistency import check_definition, check_variant_file
from services.scoring.instruments.definition import InstrumentDefinition, Item, ResponseScale
from services.scoring.instruments.errors import DefinitionError, UnknownDefinitionError

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
SCHEMA_PATH = Path(__file__).parent / "definition.schema.json"

# Plain-words explanations of the schema's patterns, for error messages.
_PATTERN_HELP = {
    r"^[a-z][a-z0-9_]*$": "lower-case letters, digits and _, starting with a letter",
    r"^[a-z][a-z0-9-]*$": "lower-case letters, digits and -, starting with a letter",
}


try:  # libyaml parses about ten times faster than the pure-Python parser
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _DefinitionLoader(_SafeLoader):
    """SafeLoader with YAML 1.2 scalars: ``no``/``on`` stay strings and dates stay text.

    YAML 1.1 turns an option code ``no`` into ``False`` and a date into a ``date`` object, which
    the JSON Schema would then reject with a confusing message.
    """


_DefinitionLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
    ]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}
_DefinitionLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


def _mapping_without_duplicates(loader: _DefinitionLoader, node: yaml.MappingNode) -> Any:
    # PyYAML keeps the last of two equal keys silently; in a definition that hides an error.
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, Hashable):
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
    return loader.construct_mapping(node)


_DefinitionLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


# Far above any real instrument (HEF is about 1,500 values) but stops YAML aliases that expand
# to millions of values ("billion laughs") from tying up a worker during validation.
MAX_EXPANDED_VALUES = 200_000


def _expanded_size(data: Any, limit: int) -> int:
    """How many values ``data`` has once aliases are expanded, counting shared parts once per
    use; stops counting past ``limit``."""
    sizes: dict[int, int] = {}

    def size(value: Any) -> int:
        if not isinstance(value, dict | list):
            return 1
        known = sizes.get(id(value))
        if known is not None:
            return known
        sizes[id(value)] = limit + 1  # a value that contains itself counts as too large
        children = value.values() if isinstance(value, dict) else value
        total = 1
        for child in children:
            total += size(child)
            if total > limit:
                break
        sizes[id(value)] = total
        return total

    return size(data)


def json_path(parts: Iterable[str | int]) -> str:
    """``["sections", 0, "id"]`` -> ``$.sections[0].id``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


@functools.cache
def _schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _schema_error(error: jsonschema.ValidationError) -> DefinitionError:
    path: list[str | int] = list(error.absolute_path)
    instance = error.instance
    rule_value = error.validator_value
    if error.validator == "required" and isinstance(instance, Mapping):
        required = rule_value if isinstance(rule_value, list) else []
        missing = [key for key in required if key not in instance]
        return DefinitionError(json_path([*path, missing[0]]), "required field is missing")
    if error.validator == "additionalProperties" and isinstance(instance, Mapping):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = list(schema.get("properties", {}))
        extra = [key for key in instance if key not in allowed]
        return DefinitionError(
            json_path([*path, str(extra[0])]), f"unknown field; allowed here: {', '.join(allowed)}"
        )
    if error.validator == "pattern" and error.validator_value in _PATTERN_HELP:
        return DefinitionError(
            json_path(path),
            f"{instance!r} is not valid: use {_PATTERN_HELP[error.validator_value]}",
        )
    return DefinitionError(json_path(path), error.message)


def load_definition_data(data: Any, *, source_name: str) -> InstrumentDefinition:
    """Validate parsed definition data (e.g. the JSON stored for an uploaded version)."""
    try:
        error = jsonschema.exceptions.best_match(_schema_validator().iter_errors(data))
        if error is not None:
            raise _schema_error(error)
        try:
            defn = InstrumentDefinition.model_validate(data)
        except ValidationError as exc:
            # The schema is generated from the models, so this only catches what JSON Schema
            # leaves to the models (e.g. a real calendar date).
            first = exc.errors()[0]
            raise DefinitionError(json_path(first["loc"]), first["msg"]) from None
        check_variant_file(defn)
        if defn.based_on is None:
            check_definition(defn)
    except DefinitionError as exc:
        raise exc.with_source(source_name) from None
    return defn


def parse_definition_text(text: str, *, source_name: str) -> Any:
    """The YAML (or JSON) text as plain JSON-safe data, parsed with YAML 1.2 scalars; store
    this, not ``yaml.safe_load`` output, so a stored definition reloads exactly as validated."""
    try:
        data = yaml.load(text, Loader=_DefinitionLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionError(
            "$", f"not valid YAML: {problem}{where}", source_name=source_name
        ) from None
    if _expanded_size(data, MAX_EXPANDED_VALUES) > MAX_EXPANDED_VALUES:
        raise DefinitionError(
            "$",
            f"too large: more than {MAX_EXPANDED_VALUES} values once aliases are expanded",
            source_name=source_name,
        )
    return data


def load_definition_text(text: str, *, source_name: str) -> InstrumentDefinition:
    """Parse and validate one YAML definition; a variant comes back unresolved (see registry)."""
    return load_definition_data(
        parse_definition_text(text, source_name=source_name), source_name=source_name
    )


def load_definition_file(path: Path) -> InstrumentDefinition:
    return load_definition_text(path.read_text(encoding="utf-8"), source_name=str(path))


def semver_key(version: str) -> tuple[Any, ...]:
    """Precedence of Semantic Versioning 2.0.0 section 11: a pre-release sorts before its release,
    numeric identifiers compare as numbers, build metadata is ignored."""
    core, _, pre = version.split("+", 1)[0].partition("-")
    numbers = tuple(int(part) for part in core.split("."))
    if not pre:
        return (numbers, 1, ())
    identifiers = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (numbers, 0, identifiers)


def _easy_read_item(item: Item) -> Item:
    return item.model_copy(
        update={
            "text": item.easy_read_text or item.text,
            "help": item.easy_read_help if item.easy_read_help is not None else item.help,
        }
    )


def _easy_read_scale(scale: ResponseScale) -> ResponseScale:
    options = tuple(
        o.model_copy(update={"label": o.easy_read_label or o.label}) for o in scale.options
    )
    return scale.model_copy(update={"options": options})


def resolve_variant(
    variant: InstrumentDefinition, base: InstrumentDefinition
) -> InstrumentDefinition:
    """Fill a variant from its base: the included items (in the base's order), the scales they
    use, and the base's scoring and bands unchanged, so the variant scores by the same rules."""
    based_on = variant.based_on
    if based_on is None or base.key != (based_on.instrument, based_on.variant, based_on.version):
        raise DefinitionError("$.based_on", f"{base.label} is not this variant's base")
    if variant.instrument != base.instrument:
        raise DefinitionError("$.instrument", f"a variant keeps its base's id '{base.instrument}'")
    base_items = {item.id for section in base.sections for item in section.items}
    for index, item_id in enumerate(variant.include_items):
        if item_id not in base_items:
            raise DefinitionError(
                f"$.include_items[{index}]", f"'{item_id}' is not in {base.label}"
            )
    keep = set(variant.include_items)
    easy = variant.use_easy_read_text
    sections = []
    for section in base.sections:
        items = tuple(
            _easy_read_item(item) if easy else item for item in section.items if item.id in keep
        )
        if items:
            update: dict[str, Any] = {"items": items}
            if easy:
                update["title"] = section.easy_read_title or section.title
                update["help"] = (
                    section.easy_read_help if section.easy_read_help is not None else section.help
                )
            sections.append(section.model_copy(update=update))
    used_scales = {item.scale for section in sections for item in section.items}
    scales = tuple(
        _easy_read_scale(scale) if easy else scale
        for scale in base.response_scales
        if scale.id in used_scales
    )
    resolved = variant.model_copy(
        update={
            "response_scales": scales,
            "sections": tuple(sections),
            "groupings": base.groupings,
            "scoring": base.scoring,
            "bands": base.bands,
            "episode_types": variant.episode_types or base.episode_types,
            "terms": variant.terms if "terms" in variant.model_fields_set else base.terms,
        }
    )
    check_definition(resolved)
    return resolved


class InstrumentRegistry:
    """Definitions in memory, by (instrument, variant, version). A version is never replaced."""

    def __init__(self, definitions: Iterable[InstrumentDefinition] = ()) -> None:
        self._by_key: dict[tuple[str, str, str], InstrumentDefinition] = {}
        for defn in definitions:
            self.add(defn)

    def add(self, defn: InstrumentDefinition) -> InstrumentDefinition:
        """Register a definition, resolving a variant against its registered base; returns the
        definition as stored (resolved)."""
        if defn.key in self._by_key:
            raise DefinitionError(
                "$.version", f"{defn.label} is already registered; publish changes as a new version"
            )
        if defn.based_on is not None and not defn.is_resolved:
            b = defn.based_on
            base = self._by_key.get((b.instrument, b.variant, b.version))
            if base is None:
                raise DefinitionError(
                    "$.based_on", f"base {b.instrument} {b.variant} {b.version} is not registered"
                )
            defn = resolve_variant(defn, base)
        self._by_key[defn.key] = defn
        return defn

    def get(self, instrument: str, variant: str, version: str) -> InstrumentDefinition:
        try:
            return self._by_key[(instrument, variant, version)]
        except KeyError:
            raise UnknownDefinitionError(
                f"no definition {instrument} {variant} {version}"
            ) from None

    def latest(self, instrument: str, variant: str) -> InstrumentDefinition:
        versions = [d for d in self._by_key.values() if d.key[:2] == (instrument, variant)]
        if not versions:
            raise UnknownDefinitionError(f"no definition {instrument} {variant}")
        return max(versions, key=lambda d: semver_key(d.version))

    # Defined last: inside the class body the name ``list`` means this method from here on.
    def list(self) -> list[InstrumentDefinition]:
        return sorted(
            self._by_key.values(), key=lambda d: (d.instrument, d.variant, semver_key(d.version))
        )


def register_in_order(registry: InstrumentRegistry, defns: Sequence[InstrumentDefinition]) -> None:
    """Add definitions so that every base is registered before the variants built on it."""
    pending = list(defns)
    while pending:
        ready = [
            d
            for d in pending
            if d.based_on is None
            or (d.based_on.instrument, d.based_on.variant, d.based_on.version)
            in {x.key for x in registry.list()}
        ]
        if not ready:
            b = pending[0].based_on
            where = f"{b.instrument} {b.variant} {b.version}" if b else "?"
            raise DefinitionError(
                "$.based_on", f"base {where} is not registered", source_name=pending[0].label
            )
        for defn in ready:
            registry.add(defn)
            pending.remove(defn)


@functools.cache
def _builtin() -> tuple[InstrumentDefinition, ...]:
    files = sorted(DEFINITIONS_DIR.glob("*/*/*.yaml"))
    loaded = []
    for path in files:
        defn = load_definition_file(path)
        expected = (path.parent.parent.name, path.parent.name, path.stem)
        if defn.key != expected:
            raise DefinitionError(
                "$",
                f"declares {defn.label} but is filed as {'/'.join(expected)}",
                source_name=str(path),
            )
        loaded.append(defn)
    registry = InstrumentRegistry()
    register_in_order(registry, loaded)
    return tuple(registry.list())


def builtin_definitions() -> list[InstrumentDefinition]:
    """The shipped ``definitions/<instrument>/<variant>/<version>.yaml`` files, resolved."""
    return list(_builtin())
