"""The instrument definition format: the pydantic models behind the YAML definition files.

The format is Equitas's own. It has to carry, as data and never as code, every instrument in
``/work/shared/reference/instruments.md``:

- HEF (UK Learning Disability Consultant Nurse Network, 2013; section 1): indicators grouped by
  determinant, an ordinal impact scale with a "not assessed" answer, per-determinant sum and
  highest rating, impact bands, suggested care-plan actions, an easy-read subset variant.
- NHS Providers board self-assessment (section 3): per-domain ``percent_of_max`` banded into
  maturity levels, and objectives suggested per domain from the maturity level
  (``SectionAction``).
- NHS Confederation board assurance tool (section 4): a RAG rating per cell (``colour`` on the
  options), roll-ups by row (sections) and by column (``groupings`` + ``grouping_scores``).
- OHID's HEAT (section 2): its four stages as sections, prompts as items (no score is the
  output; completeness per stage is), on a subject that is a programme or project.

Definitions are immutable once loaded: a changed definition is a new ``version``, so stored
assessments keep the version they were scored with (instruments.md, introduction).
``definition.schema.json`` is generated from these models (``equitas-instruments schema``).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

from services.scoring.instruments.errors import DefinitionError

# Ids are used as FHIR linkIds, JSON keys and URL parts, so keep them to a safe alphabet.
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)]
# Semantic Versioning 2.0.0 (https://semver.org), so "latest" has one meaning.
SemVer = Annotated[
    str,
    StringConstraints(
        pattern=r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
        r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$",
        max_length=64,
    ),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Number = int | float
FiniteNumber = Annotated[int | float, Field(allow_inf_nan=False)]
Direction = Literal["lower_is_better", "higher_is_better"]
Colour = Literal["red", "amber", "yellow", "green", "blue", "grey"]
Rule = Literal[
    "sum",
    "mean",
    "max",
    "min",
    "count_at_or_above",
    "count_at_or_below",
    "count_of",
    "percent_of_max",
]


class _Model(BaseModel):
    # extra="forbid" turns a misspelt key in a YAML file into an error instead of a silent default.
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Source(_Model):
    citation: Text
    """Full citation of the published instrument or document."""
    publisher: Text
    date: datetime.date | None = None
    """Publication date (YYYY-MM-DD), if known."""
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None


class ProvisionalNote(_Model):
    part: Text
    """What is provisional, e.g. "indicator list and wording"."""
    reason: Text
    """Why it is provisional and what would replace it."""


class Terms(_Model):
    """The users' words for sections and items, used in messages (e.g. determinant/indicator)."""

    section: Text = "section"
    item: Text = "item"


class EpisodeType(_Model):
    code: Slug
    label: Text
    help: str = ""


class ResponseOption(_Model):
    code: Id
    label: Text
    value: FiniteNumber | None
    """Number used in scores; null only for answers that count as missing (e.g. not assessed)."""
    help: str = ""
    counts_as_missing: bool = False
    """A valid answer that completes the item but is left out of every score."""
    easy_read_label: Text | None = None
    colour: Colour | None = None
    """Display hint, e.g. a RAG rating."""


class ResponseScale(_Model):
    id: Id
    label: Text
    help: str = ""
    """How to choose an answer on this scale."""
    options: tuple[ResponseOption, ...] = Field(min_length=2)
    """Options in display order."""


class ItemAction(_Model):
    """A suggested action shown when an item's answer meets every condition given."""

    text: Text
    codes: tuple[Id, ...] | None = None
    """Answer codes that trigger the action."""
    min_value: FiniteNumber | None = None
    """Trigger when the answer's value is at or above this."""
    max_value: FiniteNumber | None = None
    """Trigger when the answer's value is at or below this."""
    ref: str | None = None
    """The source's reference for the action, if any."""
    priority: bool = False


class SectionAction(_Model):
    """An objective suggested for a section when its band is one of ``levels``."""

    text: Text
    band_set: Id
    levels: tuple[Id, ...] = Field(min_length=1)
    ref: str | None = None
    """The source's reference, e.g. objective "3.4" in the NHS Providers guide."""
    priority: bool = False
    role: Id | None = None
    """Who would usually own it, e.g. a board role ("chief_executive"); the objectives
    library of the board self-assessment assigns adopted objectives from this."""


class Item(_Model):
    id: Id
    """Unique across the whole definition (items and sections share one namespace)."""
    text: Text
    help: str = ""
    easy_read_text: Text | None = None
    easy_read_help: str | None = None
    scale: Id
    required: bool = True
    groups: dict[Id, Id] = Field(default_factory=dict)
    """Grouping id -> group code, for roll-ups across sections (e.g. a matrix column)."""
    suggested_actions: tuple[ItemAction, ...] = ()


class Section(_Model):
    id: Id
    title: Text
    help: str = ""
    easy_read_title: Text | None = None
    easy_read_help: str | None = None
    items: tuple[Item, ...] = Field(min_length=1)
    suggested_actions: tuple[SectionAction, ...] = ()


class Group(_Model):
    code: Id
    label: Text


class Grouping(_Model):
    """A second way of grouping items, across sections (e.g. the columns of a matrix)."""

    id: Id
    label: Text
    groups: tuple[Group, ...] = Field(min_length=1)


class ScoreRule(_Model):
    id: Id
    label: Text
    rule: Rule
    threshold: FiniteNumber | None = None
    """For count_at_or_above / count_at_or_below."""
    codes: tuple[Id, ...] | None = None
    """For count_of: the answer codes to count."""
    decimals: int | None = Field(default=None, ge=0, le=6)
    """Round the score (half up) to this many decimal places; bands use the rounded score."""
    direction: Direction | None = None
    """Overrides scoring.direction for this score when comparing assessments."""


class SectionScoreRule(ScoreRule):
    sections: tuple[Id, ...] | None = None
    """Sections this score applies to; all sections when omitted."""


class OverallScoreRule(ScoreRule):
    over: Literal["items", "section_scores"] = "items"
    score: Id | None = None
    """With over: section_scores, the section score to combine."""


class GroupingScoreRule(ScoreRule):
    grouping: Id


class Scoring(_Model):
    direction: Direction
    section_scores: tuple[SectionScoreRule, ...] = ()
    overall_scores: tuple[OverallScoreRule, ...] = ()
    grouping_scores: tuple[GroupingScoreRule, ...] = ()


class BandLevel(_Model):
    """One level; levels are listed from the lowest score up.

    The first level has no bound and catches everything below the second; each later level
    starts at its ``at_least`` (inclusive) or ``above`` (exclusive) bound.
    """

    code: Id
    label: Text
    help: str = ""
    colour: Colour | None = None
    at_least: FiniteNumber | None = None
    above: FiniteNumber | None = None


class BandSet(_Model):
    id: Id
    label: Text
    applies_to: Literal["section", "overall", "grouping"]
    score: Id
    """Id of the score being banded, at the level named by applies_to."""
    grouping: Id | None = None
    """With applies_to: grouping, which grouping."""
    levels: tuple[BandLevel, ...] = Field(min_length=1)


class BasedOn(_Model):
    instrument: Slug
    variant: Slug
    version: SemVer


class InstrumentDefinition(_Model):
    """One version of one variant of an instrument, as written in a definition file."""

    format_version: Literal[1] = 1
    instrument: Slug
    variant: Slug
    version: SemVer
    title: Text
    subject_type: Literal["person", "organisation", "programme"]
    source: Source
    references: tuple[Source, ...] = ()
    """Further sources: the evidence behind the items, reports of use."""
    licence_note: Text
    status: Literal["provisional", "published"]
    provisional_notes: tuple[ProvisionalNote, ...] = ()
    terms: Terms = Terms()
    episode_types: tuple[EpisodeType, ...] = ()
    based_on: BasedOn | None = None
    """A variant that reuses another definition's scales, scoring and bands on a subset."""
    include_items: tuple[Id, ...] = ()
    """With based_on: the items of the base kept in this variant."""
    use_easy_read_text: bool = False
    """With based_on: show items' easy_read_text / options' easy_read_label where given."""
    response_scales: tuple[ResponseScale, ...] = ()
    sections: tuple[Section, ...] = ()
    groupings: tuple[Grouping, ...] = ()
    scoring: Scoring | None = None
    bands: tuple[BandSet, ...] = ()

    _lookup: "DefinitionLookup | None" = PrivateAttr(default=None)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.instrument, self.variant, self.version)

    @property
    def label(self) -> str:
        return f"{self.instrument} {self.variant} {self.version}"

    @property
    def is_resolved(self) -> bool:
        """False for a variant file whose ``based_on`` has not yet been filled in."""
        return bool(self.sections)

    def lookup(self) -> "DefinitionLookup":
        """Indexes built once per definition, so scoring does no searching or validation."""
        # Read pydantic's private-attribute dict directly: ``self._lookup`` goes through
        # ``__getattr__`` and costs microseconds, paid on every scored assessment.
        cached: DefinitionLookup | None = (self.__pydantic_private__ or {}).get("_lookup")
        if cached is None:
            cached = _build_lookup(self)
            self._lookup = cached
        return cached


class Answer(NamedTuple):
    """One item's answer as the score rules read it. A tuple rather than a dataclass, and
    made once per item and code (``ItemLookup.answers``), not per assessment."""

    id: str
    code: str
    value: Number | None
    minimum: Number
    maximum: Number


@dataclass(frozen=True, slots=True)
class ItemLookup:
    item: Item
    section_id: str
    values: Mapping[str, Number | None]
    """Answer code -> value; None for answers that count as missing."""
    minimum: Number
    maximum: Number
    answers: Mapping[str, Answer]
    """Answer code -> the answer scoring reads."""


@dataclass(frozen=True, slots=True)
class DefinitionLookup:
    """Everything scoring needs, pre-sorted, so each assessment costs only dictionary reads."""

    items: Mapping[str, ItemLookup]
    """In definition order."""
    sections: Mapping[str, Section]
    section_items: Mapping[str, tuple[str, ...]]
    section_rules: Mapping[str, tuple[SectionScoreRule, ...]]
    section_bands: Mapping[str, tuple[BandSet, ...]]
    grouping_items: Mapping[str, Mapping[str, tuple[str, ...]]]
    """Grouping id -> group code -> item ids."""
    grouping_rules: Mapping[str, tuple[GroupingScoreRule, ...]]
    grouping_bands: Mapping[str, tuple[BandSet, ...]]
    overall_bands: tuple[BandSet, ...]
    scales: Mapping[str, ResponseScale]
    scoring: Scoring
    bands: Mapping[str, BandSet]


def _build_lookup(defn: InstrumentDefinition) -> DefinitionLookup:
    scoring = defn.scoring
    if not defn.is_resolved or scoring is None:
        raise DefinitionError(
            "$.based_on", f"{defn.label} is a variant that has not been resolved against its base"
        )
    scales = {scale.id: scale for scale in defn.response_scales}
    items: dict[str, ItemLookup] = {}
    section_rules: dict[str, tuple[SectionScoreRule, ...]] = {}
    section_bands: dict[str, tuple[BandSet, ...]] = {}
    for section in defn.sections:
        for item in section.items:
            scale = scales[item.scale]
            valued = [o.value for o in scale.options if o.value is not None]
            lowest, highest = min(valued), max(valued)
            items[item.id] = ItemLookup(
                item=item,
                section_id=section.id,
                values={o.code: o.value for o in scale.options},
                minimum=lowest,
                maximum=highest,
                answers={
                    o.code: Answer(item.id, o.code, o.value, lowest, highest) for o in scale.options
                },
            )
        rules = tuple(
            r for r in scoring.section_scores if r.sections is None or section.id in r.sections
        )
        section_rules[section.id] = rules
        section_bands[section.id] = tuple(
            b for b in defn.bands if b.applies_to == "section" and b.score in {r.id for r in rules}
        )
    return DefinitionLookup(
        items=items,
        sections={s.id: s for s in defn.sections},
        section_items={s.id: tuple(i.id for i in s.items) for s in defn.sections},
        section_rules=section_rules,
        section_bands=section_bands,
        grouping_items={
            g.id: {
                group.code: tuple(
                    i for i, e in items.items() if e.item.groups.get(g.id) == group.code
                )
                for group in g.groups
            }
            for g in defn.groupings
        },
        grouping_rules={
            g.id: tuple(r for r in scoring.grouping_scores if r.grouping == g.id)
            for g in defn.groupings
        },
        grouping_bands={
            g.id: tuple(b for b in defn.bands if b.applies_to == "grouping" and b.grouping == g.id)
            for g in defn.groupings
        },
        overall_bands=tuple(b for b in defn.bands if b.applies_to == "overall"),
        scales=scales,
        scoring=scoring,
        bands={b.id: b for b in defn.bands},
    )


def definition_json_schema() -> dict[str, Any]:
    """The JSON Schema of a definition file, as committed in ``definition.schema.json``."""
    schema = InstrumentDefinition.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:equitas:schema:instrument-definition:1",
        **schema,
    }
