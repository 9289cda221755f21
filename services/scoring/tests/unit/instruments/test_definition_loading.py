"""Definition files: the shipped ones load, broken ones are rejected with the offending path."""

import copy
import functools
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from services.scoring.instruments.definition import InstrumentDefinition, definition_json_schema
from services.scoring.instruments.errors import DefinitionError
from services.scoring.instruments.registry import (
    DEFINITIONS_DIR,
    SCHEMA_PATH,
    builtin_definitions,
    load_definition_data,
    load_definition_text,
    parse_definition_text,
)

HEF_FILE = DEFINITIONS_DIR / "hef" / "standard" / "1.0.0-provisional.yaml"


@functools.cache
def _hef_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(HEF_FILE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    data["source"]["date"] = str(data["source"]["date"])  # as the definition loader keeps it
    return data


def hef_data() -> dict[str, Any]:
    return copy.deepcopy(_hef_data())


def test_committed_schema_matches_the_models() -> None:
    """Regenerate with ``equitas-instruments schema > definition.schema.json``."""
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == definition_json_schema()


def test_builtin_definitions() -> None:
    defns = {d.key: d for d in builtin_definitions()}
    assert set(defns) == {
        ("hef", "standard", "1.0.0-provisional"),
        ("hef", "easy-read", "1.0.0-provisional"),
        ("board-self-assessment", "standard", "1.0.0-provisional"),
        ("board-assurance", "standard", "1.0.0-provisional"),
        ("heat", "standard", "1.0.0-provisional"),
        ("heat-audit", "standard", "1.0.0-provisional"),
    }
    hef = defns[("hef", "standard", "1.0.0-provisional")]
    assert [s.id for s in hef.sections] == [
        "social",
        "biological",
        "communication",
        "behaviour",
        "provision",
    ]
    assert [s.title for s in hef.sections] == [
        "Social determinants",
        "Genetic and biological determinants",
        "Communication difficulties and reduced health literacy",
        "Personal health behaviour and lifestyle risks",
        "Deficiencies in access to, and quality of, health provision",
    ]
    assert [len(s.items) for s in hef.sections] == [6, 8, 4, 5, 6]
    assert [e.code for e in hef.episode_types] == ["referral", "review", "discharge", "ad-hoc"]
    scale = hef.response_scales[0]
    assert [(o.code, o.value, o.counts_as_missing) for o in scale.options] == [
        ("none", 0, False),
        ("low", 1, False),
        ("moderate", 2, False),
        ("high", 3, False),
        ("not_assessed", None, True),
    ]
    assert hef.status == "provisional"
    assert {n.part for n in hef.provisional_notes} >= {
        "indicator list and wording",
        "scale labels and values",
    }
    assert "Consultant Nurse Network" in hef.source.citation
    assert hef.source.date is not None
    assert hef.source.date.isoformat() == "2013-03-06"
    assert any("NDTi" in r.publisher for r in hef.references)
    # every indicator has help and an action for moderate or high
    for section in hef.sections:
        for item in section.items:
            assert item.help
            assert [(a.min_value, a.codes) for a in item.suggested_actions] == [(2, None)]


def _set(path: list[str | int], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]  # type: ignore[index]
        target[path[-1]] = value  # type: ignore[index]

    return mutate


def _delete(path: list[str | int]) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]  # type: ignore[index]
        del target[path[-1]]  # type: ignore[arg-type]

    return mutate


BROKEN = [
    # (mutation, path, message) — schema errors first, then cross-reference checks
    pytest.param(_delete(["title"]), "$.title", "required field is missing", id="missing-title"),
    pytest.param(
        _set(["sections", 1, "items", 2, "colour"], "red"),
        "$.sections[1].items[2].colour",
        "unknown field; allowed here: id, text, help, easy_read_text, easy_read_help, scale, "
        "required, groups, suggested_actions",
        id="unknown-field",
    ),
    pytest.param(
        _set(["sections", 0, "items", 1, "id"], "Income"),
        "$.sections[0].items[1].id",
        "'Income' is not valid: use lower-case letters, digits and _, starting with a letter",
        id="bad-id",
    ),
    pytest.param(
        _set(["version"], "1.0"),
        "$.version",
        "'1.0' does not match",
        id="not-semver",
    ),
    pytest.param(
        _set(["response_scales", 0, "options", 2, "value"], "two"),
        "$.response_scales[0].options[2].value",
        "'two' is not valid under any of the given schemas",
        id="value-not-number",
    ),
    pytest.param(
        _set(["subject_type"], "team"),
        "$.subject_type",
        "'team' is not one of ['person', 'organisation', 'programme']",
        id="bad-subject-type",
    ),
    pytest.param(
        _set(["source", "date"], "2013-02-30"),
        "$.source.date",
        "Input should be a valid date",
        id="impossible-date",
    ),
    pytest.param(
        _set(["sections", 0, "items", 0, "scale"], "impac"),
        "$.sections[0].items[0].scale",
        "unknown response scale 'impac'; defined: impact",
        id="unknown-scale",
    ),
    pytest.param(
        _set(["sections", 1, "items", 0, "id"], "housing"),
        "$.sections[1].items[0].id",
        "duplicate id 'housing' (also used at $.sections[0].items[0].id)",
        id="duplicate-item",
    ),
    pytest.param(
        _set(["sections", 0, "items", 0, "id"], "social"),
        "$.sections[0].items[0].id",
        "duplicate id 'social' (also used at $.sections[0].id)",
        id="item-named-like-section",
    ),
    pytest.param(
        _set(["response_scales", 0, "options", 4, "counts_as_missing"], False),
        "$.response_scales[0].options[4].value",
        "value must be null exactly when counts_as_missing is true",
        id="null-value-that-scores",
    ),
    pytest.param(
        _set(["response_scales", 0, "options", 1, "code"], "none"),
        "$.response_scales[0].options[1].code",
        "duplicate option code 'none'",
        id="duplicate-option",
    ),
    pytest.param(
        _delete(["scoring", "section_scores", 2, "threshold"]),
        "$.scoring.section_scores[2].threshold",
        "count_at_or_above needs a threshold",
        id="count-without-threshold",
    ),
    pytest.param(
        _set(["scoring", "overall_scores", 0, "score"], "sum"),
        "$.scoring.overall_scores[0].score",
        "name one of the section scores: total, highest, moderate_or_high",
        id="overall-over-unknown-section-score",
    ),
    pytest.param(
        _set(["bands", 0, "levels", 2, "at_least"], 1),
        "$.bands[0].levels[2]",
        "levels must be listed from the lowest score up",
        id="bands-out-of-order",
    ),
    pytest.param(
        _set(["bands", 0, "levels", 0, "at_least"], 0),
        "$.bands[0].levels[0]",
        "the first level has no bound: it covers every lower score",
        id="first-band-bounded",
    ),
    pytest.param(
        _set(["bands", 0, "score"], "average"),
        "$.bands[0].score",
        "no section score 'average'; defined: highest, moderate_or_high, total",
        id="band-on-unknown-score",
    ),
    pytest.param(
        _set(
            ["sections", 0, "items", 0, "suggested_actions", 0], {"codes": ["severe"], "text": "x"}
        ),
        "$.sections[0].items[0].suggested_actions[0].codes[0]",
        "'severe' is not an option of scale 'impact'",
        id="action-on-unknown-code",
    ),
    pytest.param(
        _set(["sections", 0, "items", 0, "suggested_actions", 0], {"text": "x"}),
        "$.sections[0].items[0].suggested_actions[0]",
        "give codes, min_value or max_value",
        id="action-without-condition",
    ),
    pytest.param(
        _set(["provisional_notes"], []),
        "$.provisional_notes",
        "a provisional definition must say what is provisional and why",
        id="provisional-without-notes",
    ),
    pytest.param(
        _set(["include_items"], ["housing"]),
        "$.include_items",
        "only allowed together with based_on",
        id="include-without-based-on",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "message"), BROKEN)
def test_broken_definition_is_rejected_with_its_path(
    mutate: Callable[[dict[str, Any]], None], path: str, message: str
) -> None:
    data = hef_data()
    mutate(data)
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False)
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, source_name="upload.yaml")
    assert caught.value.path == path
    assert caught.value.message.startswith(message)
    assert str(caught.value) == f"upload.yaml: {path}: {caught.value.message}"


def test_same_checks_for_stored_json() -> None:
    data = hef_data()
    data["sections"][0]["items"][0]["scale"] = "impac"
    with pytest.raises(DefinitionError) as caught:
        load_definition_data(json.loads(json.dumps(data)), source_name="database")
    assert caught.value.path == "$.sections[0].items[0].scale"
    assert load_definition_data(hef_data(), source_name="database").version == "1.0.0-provisional"


def test_loaded_definition_is_immutable() -> None:
    defn = load_definition_data(hef_data(), source_name="x")
    with pytest.raises(ValueError, match="frozen"):
        defn.version = "2.0.0"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        pytest.param("title: [unclosed", "$", "not valid YAML:", id="bad-yaml"),
        pytest.param(
            "title: a\ntitle: b\n", "$", "not valid YAML: duplicate key 'title'", id="dup"
        ),
        pytest.param("- a\n- b\n", "$", "['a', 'b'] is not of type 'object'", id="not-a-mapping"),
    ],
)
def test_yaml_problems(text: str, path: str, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, source_name="x.yaml")
    assert (caught.value.path, caught.value.message[: len(message)]) == (path, message)


def test_yaml_1_2_scalars_keep_codes_and_dates_as_text() -> None:
    """``no`` must stay an option code, not become False (YAML 1.1)."""
    text = HEF_FILE.read_text(encoding="utf-8").replace("code: none", "code: no")
    text = text.replace("codes: [none]", "codes: [no]")
    defn = load_definition_text(text, source_name="x")
    assert defn.response_scales[0].options[0].code == "no"


def test_alias_bomb_is_refused() -> None:
    levels = ["a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"]
    for name, previous in zip("bcdef", "abcde", strict=True):
        levels.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
    with pytest.raises(DefinitionError, match="too large"):
        load_definition_text("\n".join(levels), source_name="x")


def test_unresolved_variant_cannot_be_scored() -> None:
    text = (DEFINITIONS_DIR / "hef" / "easy-read" / "1.0.0-provisional.yaml").read_text()
    variant = load_definition_text(text, source_name="x")
    assert not variant.is_resolved
    with pytest.raises(DefinitionError, match="not been resolved"):
        variant.lookup()


def test_every_shipped_definition_deep_copies_equal(hef: InstrumentDefinition) -> None:
    """Definitions are plain values: copies compare equal and share no lookup state."""
    assert copy.deepcopy(hef) == hef


def test_parsed_text_is_json_safe_and_reloads() -> None:
    """What the API stores for an upload must reload to the same definition."""
    text = HEF_FILE.read_text(encoding="utf-8")
    data = parse_definition_text(text, source_name="x")
    stored = json.loads(json.dumps(data))
    assert stored["source"]["date"] == "2013-03-06"
    assert load_definition_data(stored, source_name="db") == load_definition_text(
        text, source_name="f"
    )
