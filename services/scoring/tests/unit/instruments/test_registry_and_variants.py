"""The registry (versions never replaced, latest by semver) and the easy-read variant."""

import pytest

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import score
from services.scoring.instruments.errors import DefinitionError, UnknownDefinitionError
from services.scoring.instruments.registry import (
    DEFINITIONS_DIR,
    InstrumentRegistry,
    load_definition_text,
    semver_key,
)
from services.scoring.tests.unit.instruments.hef_ratings import ratings

EASY_READ_TEXT = (DEFINITIONS_DIR / "hef" / "easy-read" / "1.0.0-provisional.yaml").read_text()
STANDARD_TEXT = (DEFINITIONS_DIR / "hef" / "standard" / "1.0.0-provisional.yaml").read_text()


def _standard(version: str) -> InstrumentDefinition:
    text = STANDARD_TEXT.replace("version: 1.0.0-provisional", f"version: {version}", 1)
    return load_definition_text(text, source_name=version)


def test_easy_read_is_a_subset_scored_by_the_same_rules(
    hef: InstrumentDefinition, hef_easy: InstrumentDefinition
) -> None:
    standard_items = {i.id: (s.id, i.scale) for s in hef.sections for i in s.items}
    easy_items = {i.id: (s.id, i.scale) for s in hef_easy.sections for i in s.items}
    assert len(easy_items) == 11
    assert easy_items.items() <= standard_items.items()
    assert [s.id for s in hef_easy.sections] == [s.id for s in hef.sections]
    assert hef_easy.scoring == hef.scoring
    assert hef_easy.bands == hef.bands
    # same codes and values, easier labels
    options = [(o.code, o.value) for o in hef_easy.response_scales[0].options]
    assert options == [(o.code, o.value) for o in hef.response_scales[0].options]
    assert hef_easy.response_scales[0].options[3].label == "A big problem"
    assert hef_easy.sections[0].title == "My life and where I live"
    assert hef_easy.sections[0].items[0].text == "Where I live"
    assert hef_easy.sections[0].help == "Things in your life that can affect your health."
    assert hef_easy.sections[0].items[0].help == "Is your home safe, and is it right for you?"
    assert hef_easy.based_on is not None
    assert hef_easy.based_on.variant == "standard"
    assert hef_easy.episode_types == hef.episode_types
    assert hef_easy.terms == hef.terms

    responses = ratings(
        social="3.21..",
        biological=".......n",
        communication="1...",
        behaviour="230.1",
        provision="0..2..",
    )
    assert set(responses) <= set(easy_items)
    easy, full = score(hef_easy, responses), score(hef, responses)
    for section_id in easy.sections:
        assert easy.sections[section_id].scores == full.sections[section_id].scores
        assert easy.sections[section_id].bands == full.sections[section_id].bands
    assert easy.overall.scores == full.overall.scores == {"total": 15, "moderate_or_high": 5}
    assert easy.overall.completeness.total == 11
    assert easy.overall.completeness.complete is True
    assert (easy.variant, full.variant) == ("easy-read", "standard")


def test_easy_read_refuses_standard_only_indicators(hef_easy: InstrumentDefinition) -> None:
    score(hef_easy, {"housing": "low"})
    with pytest.raises(ValueError, match="Unknown indicator 'epilepsy'"):
        score(hef_easy, {"epilepsy": "low"})


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        pytest.param(
            ("  - dental_care\n", "  - dental_care\n  - garden\n"),
            "$.include_items[11]",
            "'garden' is not in hef standard 1.0.0-provisional",
            id="unknown-item",
        ),
        pytest.param(
            ("  version: 1.0.0-provisional\nuse", "  version: 9.9.9\nuse"),
            "$.based_on",
            "base hef standard 9.9.9 is not registered",
            id="missing-base",
        ),
        pytest.param(
            ("instrument: hef\n", "instrument: hef-children\n"),
            "$.instrument",
            "a variant keeps its base's id 'hef'",
            id="other-instrument",
        ),
    ],
)
def test_variant_resolution_errors(edit: tuple[str, str], path: str, message: str) -> None:
    registry = InstrumentRegistry([_standard("1.0.0-provisional")])
    variant = load_definition_text(EASY_READ_TEXT.replace(*edit, 1), source_name="x")
    with pytest.raises(DefinitionError) as caught:
        registry.add(variant)
    assert (caught.value.path, caught.value.message) == (path, message)


def test_variant_may_not_redefine_scoring() -> None:
    text = EASY_READ_TEXT + "scoring:\n  direction: higher_is_better\n"
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, source_name="x")
    assert caught.value.path == "$.scoring"
    assert caught.value.message == "a variant takes this from its base (based_on); remove it"


def test_registry_get_latest_list() -> None:
    registry = InstrumentRegistry()
    for version in ("1.0.0", "1.0.0-provisional", "1.1.0-beta.10", "1.1.0-beta.2"):
        registry.add(_standard(version))
    assert registry.get("hef", "standard", "1.0.0").version == "1.0.0"
    assert registry.latest("hef", "standard").version == "1.1.0-beta.10"
    assert [d.version for d in registry.list()] == [
        "1.0.0-provisional",
        "1.0.0",
        "1.1.0-beta.2",
        "1.1.0-beta.10",
    ]
    with pytest.raises(UnknownDefinitionError, match=r"no definition hef standard 2\.0\.0"):
        registry.get("hef", "standard", "2.0.0")
    with pytest.raises(UnknownDefinitionError, match="no definition hef children"):
        registry.latest("hef", "children")


def test_a_registered_version_is_never_replaced() -> None:
    registry = InstrumentRegistry([_standard("1.0.0")])
    with pytest.raises(DefinitionError) as caught:
        registry.add(_standard("1.0.0"))
    assert caught.value.message == (
        "hef standard 1.0.0 is already registered; publish changes as a new version"
    )


@pytest.mark.parametrize(
    "ordered",
    [
        ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2"],
        ["1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0"],
    ],
)
def test_semver_precedence(ordered: list[str]) -> None:
    """Examples from Semantic Versioning 2.0.0, section 11."""
    assert sorted(ordered, key=semver_key) == ordered
    assert semver_key("1.0.0+build.5") == semver_key("1.0.0")
