"""Board self-assessment results: a score and maturity level per domain and overall, and the
bespoke set of objectives suggested from the objectives library (NHS Providers, 2024:
"based on the question responses, and current level of maturity, a bespoke set of health
inequalities objectives will be suggested"; instruments.md section 3).

Pure: the definition holds the maturity bands and the library (each domain's
``suggested_actions``: objective number, board role, the levels that suggest it, and whether it
is one of the guide's priority objectives for trusts starting out). The scores are the
engine's, so a private session and a stored assessment give the same results.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import score
from services.scoring.instruments.results import AssessmentScores, JsonMixin, Number


@dataclass(frozen=True)
class Level(JsonMixin):
    code: str
    label: str


@dataclass(frozen=True)
class DomainResult(JsonMixin):
    domain: str
    title: str
    score: Number | None
    """Percentage of the maximum; None when nothing in the domain was answered."""
    maturity_level: Level | None
    answered: int
    total: int


@dataclass(frozen=True)
class Objective(JsonMixin):
    ref: str
    text: str
    domain: str
    board_role: str | None
    priority: bool
    """One of the guide's priority objectives for trusts starting out."""
    levels: tuple[str, ...]
    """The domain maturity levels at which it is suggested."""


@dataclass(frozen=True)
class BoardResults(JsonMixin):
    instrument_version: str
    domains: tuple[DomainResult, ...]
    overall: DomainResult
    suggested_objectives: tuple[Objective, ...]
    """Priority objectives first, then in library order."""


def objectives_library(defn: InstrumentDefinition) -> tuple[Objective, ...]:
    """Every objective of the definition, in order (one entry per objective number)."""
    found: dict[str, Objective] = {}
    for section in defn.sections:
        for action in section.suggested_actions:
            ref = action.ref or f"{section.id}-{len(found) + 1}"
            found.setdefault(
                ref,
                Objective(
                    ref=ref,
                    text=action.text,
                    domain=section.id,
                    board_role=action.role,
                    priority=action.priority,
                    levels=tuple(action.levels),
                ),
            )
    return tuple(found.values())


def _level(bands: Mapping[str, object]) -> Level | None:
    for band in bands.values():
        code, label = getattr(band, "code", None), getattr(band, "label", None)
        if isinstance(code, str) and isinstance(label, str):
            return Level(code, label)
    return None


def results_from_scores(defn: InstrumentDefinition, scores: AssessmentScores) -> BoardResults:
    score_id = defn.scoring.section_scores[0].id if defn.scoring else "percent"
    domains = []
    for section in defn.sections:
        group = scores.sections[section.id]
        done = group.completeness
        domains.append(
            DomainResult(
                domain=section.id,
                title=section.title,
                score=group.scores.get(score_id),
                maturity_level=_level(group.bands),
                answered=done.rated + done.not_assessed,
                total=done.total,
            )
        )
    overall_id = defn.scoring.overall_scores[0].id if defn.scoring else "percent"
    done = scores.overall.completeness
    overall = DomainResult(
        domain="overall",
        title="Overall",
        score=scores.overall.scores.get(overall_id),
        maturity_level=_level(scores.overall.bands),
        answered=done.rated + done.not_assessed,
        total=done.total,
    )
    levels = {d.domain: d.maturity_level.code for d in domains if d.maturity_level}
    suggested = [o for o in objectives_library(defn) if levels.get(o.domain) in o.levels]
    suggested.sort(key=lambda o: not o.priority)  # stable: library order within each
    return BoardResults(defn.version, tuple(domains), overall, tuple(suggested))


def board_results(defn: InstrumentDefinition, responses: Mapping[str, str]) -> BoardResults:
    """Results for answers that may be incomplete (a domain with no answers has no level)."""
    return results_from_scores(defn, score(defn, responses))


@dataclass(frozen=True)
class YearLevels(JsonMixin):
    assessment_id: str
    assessed_on: str
    year: int
    instrument_version: str
    domains: Mapping[str, DomainResult]
    overall: DomainResult


def progress_by_year(
    rows: Sequence[tuple[str, str, InstrumentDefinition, AssessmentScores]],
) -> list[YearLevels]:
    """Each year's domain levels side by side: the latest submitted assessment of each
    calendar year (``rows``: id, ISO date, definition, scores; oldest first)."""
    latest: dict[int, YearLevels] = {}
    for assessment_id, assessed_on, defn, scores in rows:
        results = results_from_scores(defn, scores)
        year = int(assessed_on[:4])
        latest[year] = YearLevels(
            assessment_id=assessment_id,
            assessed_on=assessed_on,
            year=year,
            instrument_version=defn.version,
            domains={d.domain: d for d in results.domains},
            overall=results.overall,
        )
    return [latest[year] for year in sorted(latest)]
