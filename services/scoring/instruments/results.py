"""What the engine returns: plain frozen dataclasses, cheap to build and JSON-ready via ``as_dict``.

Dataclasses rather than pydantic models because the engine runs per submitted assessment and
its output needs no validation (instruments.md: many users at once). ``as_dict`` gives the
JSON shape stored with an assessment (``assessment.scores``) and returned by the API.
"""

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

import orjson

Number = int | float
ChangeLabel = Literal["improved", "same", "worse", "not_comparable"]


class JsonMixin:
    __slots__ = ()

    def as_dict(self) -> dict[str, Any]:
        # orjson walks dataclasses natively (tuples as lists, keys as text), several times
        # faster than a Python walk; this runs for every submitted assessment. The classes
        # have no __slots__: orjson reads a dataclass's __dict__ about 3x faster.
        result: dict[str, Any] = orjson.loads(orjson.dumps(self, option=orjson.OPT_NON_STR_KEYS))
        return result


@dataclasses.dataclass(frozen=True)
class ResponseProblem(JsonMixin):
    field: str
    """E.g. ``responses.housing``."""
    code: Literal["unknown_item", "invalid_option", "missing_required"]
    message: str


@dataclasses.dataclass(frozen=True)
class Band(JsonMixin):
    code: str
    label: str


@dataclasses.dataclass(frozen=True)
class Completeness(JsonMixin):
    rated: int
    """Answered with a scored option."""
    not_assessed: int
    """Answered with an option that counts as missing."""
    unanswered: int
    total: int
    complete: bool
    """Every required item has an answer ("not assessed" counts as an answer)."""


@dataclasses.dataclass(frozen=True)
class ScoreGroup(JsonMixin):
    """Scores for one section, one group of a grouping, or the whole assessment."""

    scores: Mapping[str, Number | None]
    """Score id -> value; None when nothing was rated."""
    bands: Mapping[str, Band | None]
    """Band set id -> level, for the band sets that apply here."""
    counted_items: Mapping[str, tuple[str, ...]]
    """For count rules: score id -> the ids counted (items, or sections for section scores)."""
    completeness: Completeness


@dataclasses.dataclass(frozen=True)
class AssessmentScores(JsonMixin):
    instrument: str
    variant: str
    version: str
    direction: str
    sections: Mapping[str, ScoreGroup]
    groupings: Mapping[str, Mapping[str, ScoreGroup]]
    overall: ScoreGroup


@dataclasses.dataclass(frozen=True)
class ScoreChange(JsonMixin):
    baseline: Number | None
    current: Number | None
    delta: Number | None
    change: ChangeLabel


@dataclasses.dataclass(frozen=True)
class BandChange(JsonMixin):
    baseline: str | None
    current: str | None
    change: ChangeLabel


@dataclasses.dataclass(frozen=True)
class GroupChange(JsonMixin):
    scores: Mapping[str, ScoreChange]
    bands: Mapping[str, BandChange]


@dataclasses.dataclass(frozen=True)
class ItemChange(JsonMixin):
    section_id: str
    baseline: str | None
    """Answer code, None if unanswered."""
    current: str | None
    baseline_value: Number | None
    current_value: Number | None
    change: ChangeLabel


@dataclasses.dataclass(frozen=True)
class Change(JsonMixin):
    instrument: str
    variant: str
    version: str
    direction: str
    sections: Mapping[str, GroupChange]
    groupings: Mapping[str, Mapping[str, GroupChange]]
    overall: GroupChange
    items: Mapping[str, ItemChange]


@dataclasses.dataclass(frozen=True)
class SuggestedAction(JsonMixin):
    item_id: str | None
    """None for an objective suggested for the whole section."""
    section_id: str
    rating: str
    """The answer code (item actions) or the band level code (section actions)."""
    value: Number | None
    text: str
    ref: str | None
    priority: bool
