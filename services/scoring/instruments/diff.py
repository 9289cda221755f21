"""What would change if stored assessments were scored with a new definition version.

instruments.md (introduction): a replacement definition must never silently change a stored
score; old assessments keep the version they were scored with. Before an admin publishes a new
version, ``recompute_diff`` shows, per assessment, which scores and bands the new version would
give differently and which answers it can no longer read. It only reads its inputs.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import score
from services.scoring.instruments.results import JsonMixin, Number, ResponseProblem

ScoreValue = Number | str | None
_TOLERANCE = 1e-9


class ExportFormatError(ValueError):
    """A stored assessment record is not in the expected shape."""


@dataclass(frozen=True, slots=True)
class StoredAssessment(JsonMixin):
    """An assessment as stored: its answers and the scores saved when it was submitted."""

    id: str
    instrument: str
    variant: str
    instrument_version: str
    responses: Mapping[str, str]
    scores: Mapping[str, Any]
    """``AssessmentScores.as_dict()`` as stored with the assessment."""

    @classmethod
    def from_json(cls, data: Any) -> "StoredAssessment":
        if not isinstance(data, Mapping):
            raise ExportFormatError("each record must be a JSON object")
        missing = [
            f for f in ("id", "instrument", "variant", "instrument_version") if f not in data
        ]
        if missing:
            raise ExportFormatError(f"missing field(s): {', '.join(missing)}")
        responses, scores = data.get("responses", {}), data.get("scores") or {}
        if not isinstance(responses, Mapping) or not isinstance(scores, Mapping):
            raise ExportFormatError("responses and scores must be JSON objects")
        return cls(
            id=str(data["id"]),
            instrument=str(data["instrument"]),
            variant=str(data["variant"]),
            instrument_version=str(data["instrument_version"]),
            responses=dict(responses),
            scores=dict(scores),
        )


@dataclass(frozen=True, slots=True)
class ScoreDifference(JsonMixin):
    key: str
    """E.g. ``sections.social.scores.total`` or ``sections.social.bands.impact``."""
    stored: ScoreValue
    recomputed: ScoreValue


@dataclass(frozen=True, slots=True)
class AssessmentDiff(JsonMixin):
    assessment_id: str
    stored_version: str
    differences: tuple[ScoreDifference, ...]
    removed_items: tuple[str, ...]
    """Answered items that the new definition no longer has (left out of the new scores)."""
    invalid_answers: tuple[ResponseProblem, ...]
    """Answers the item's new scale no longer offers (left out of the new scores)."""
    changed: bool


@dataclass(frozen=True, slots=True)
class SkippedAssessment(JsonMixin):
    assessment_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class DiffReport(JsonMixin):
    instrument: str
    variant: str
    new_version: str
    assessments: tuple[AssessmentDiff, ...]
    skipped: tuple[SkippedAssessment, ...]

    @property
    def changed(self) -> tuple[AssessmentDiff, ...]:
        return tuple(a for a in self.assessments if a.changed)


def flatten_scores(scores: Mapping[str, Any]) -> dict[str, ScoreValue]:
    """Stored or new scores as ``dotted.key -> value``; a band is reduced to its level code,
    so a reworded label alone is not reported as a change."""
    flat: dict[str, ScoreValue] = {}

    def add_group(prefix: str, group: Any) -> None:
        if not isinstance(group, Mapping):
            return
        for key, value in (group.get("scores") or {}).items():
            flat[f"{prefix}.scores.{key}"] = value
        for key, band in (group.get("bands") or {}).items():
            flat[f"{prefix}.bands.{key}"] = band.get("code") if isinstance(band, Mapping) else band

    for section_id, group in (scores.get("sections") or {}).items():
        add_group(f"sections.{section_id}", group)
    for grouping_id, groups in (scores.get("groupings") or {}).items():
        for code, group in (groups or {}).items():
            add_group(f"groupings.{grouping_id}.{code}", group)
    add_group("overall", scores.get("overall"))
    return flat


def _same(a: ScoreValue, b: ScoreValue) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < _TOLERANCE
    return a == b


def _diff_one(defn: InstrumentDefinition, stored: StoredAssessment) -> AssessmentDiff:
    lookup = defn.lookup()
    removed = tuple(item_id for item_id in stored.responses if item_id not in lookup.items)
    invalid: list[ResponseProblem] = []
    kept: dict[str, str] = {}
    for item_id, code in stored.responses.items():
        entry = lookup.items.get(item_id)
        if entry is None:
            continue
        if isinstance(code, str) and code in entry.values:
            kept[item_id] = code
        else:
            invalid.append(
                ResponseProblem(
                    f"responses.{item_id}",
                    "invalid_option",
                    f"{code!r} is no longer an answer for '{item_id}'",
                )
            )
    old = flatten_scores(stored.scores)
    new = flatten_scores(score(defn, kept).as_dict())
    differences = tuple(
        ScoreDifference(key, old.get(key), new.get(key))
        for key in [*new, *(k for k in old if k not in new)]
        if not _same(old.get(key), new.get(key))
    )
    return AssessmentDiff(
        assessment_id=stored.id,
        stored_version=stored.instrument_version,
        differences=differences,
        removed_items=removed,
        invalid_answers=tuple(invalid),
        changed=bool(differences or removed or invalid),
    )


def recompute_diff(
    new_defn: InstrumentDefinition, stored: Iterable[StoredAssessment]
) -> DiffReport:
    """Score every stored assessment of the same instrument and variant with ``new_defn`` and
    report the differences from its stored scores. Nothing is modified."""
    diffs: list[AssessmentDiff] = []
    skipped: list[SkippedAssessment] = []
    for assessment in stored:
        if (assessment.instrument, assessment.variant) != (new_defn.instrument, new_defn.variant):
            skipped.append(
                SkippedAssessment(
                    assessment.id,
                    f"is {assessment.instrument} {assessment.variant}, "
                    f"not {new_defn.instrument} {new_defn.variant}",
                )
            )
            continue
        diffs.append(_diff_one(new_defn, assessment))
    return DiffReport(
        instrument=new_defn.instrument,
        variant=new_defn.variant,
        new_version=new_defn.version,
        assessments=tuple(diffs),
        skipped=tuple(skipped),
    )
