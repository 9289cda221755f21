"""Score rules: how a definition's ``scoring`` and ``bands`` turn answers into scores.

The rules (sum, mean, max, min, count_at_or_above, count_at_or_below, count_of, percent_of_max)
and banding are Equitas's generic vocabulary for the instruments in
``/work/shared/reference/instruments.md``; which rule applies where is always data in the
definition. Conventions, chosen here and documented for users:

- Answers that count as missing ("not assessed") are left out of every rule except ``count_of``.
- A rule with nothing to work on gives ``None`` (no data), never 0 (which would read as
  "no impact" on HEF).
- ``percent_of_max`` is the share of each rated item's range, ``sum(v - min) / sum(max - min)``,
  so the lowest answer is 0% whatever number the scale starts at (NHS Providers self-assessment,
  instruments.md section 3: domain score as % of maximum).
"""

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from services.scoring.instruments.definition import (
    Answer,
    BandSet,
    DefinitionLookup,
    InstrumentDefinition,
    ScoreRule,
)
from services.scoring.instruments.results import (
    AssessmentScores,
    Band,
    Completeness,
    Number,
    ScoreGroup,
)

COUNT_RULES = frozenset({"count_at_or_above", "count_at_or_below", "count_of"})


def answers_from(lookup: DefinitionLookup, responses: Mapping[str, str]) -> dict[str, Answer]:
    """The answers to score, in definition order (``responses`` have been checked)."""
    answers: dict[str, Answer] = {}
    for item_id, entry in lookup.items.items():
        code = responses.get(item_id)
        if code is not None:
            answers[item_id] = entry.answers[code]
    return answers


def round_half_up(value: Number, decimals: int | None) -> Number:
    if decimals is None:
        return value
    # Half up, as users' spreadsheets do; round() would turn 12.25 into 12.2.
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else float(rounded)


Rated = tuple[Answer, Number]
"""An answer with a value (not one that counts as missing), and that value."""


def _rated(answers: Sequence[Answer]) -> list[Rated]:
    return [(a, a.value) for a in answers if a.value is not None]


def _apply(
    rule: ScoreRule, answers: Sequence[Answer], rated: Sequence[Rated]
) -> tuple[Number | None, tuple[str, ...] | None]:
    """One score over item answers (or section scores dressed as answers), and for count rules
    the ids counted (empty, never None, so the JSON shape does not depend on the answers).
    ``rated`` is ``_rated(answers)``, passed in because every rule of a group shares it."""
    kind = rule.rule
    if kind == "count_of":
        if not answers:
            return None, ()
        codes = set(rule.codes or ())
        matched = tuple(a.id for a in answers if a.code in codes)
        return len(matched), matched
    if not rated:
        return None, () if kind in COUNT_RULES else None
    threshold = rule.threshold if rule.threshold is not None else 0
    counted: tuple[str, ...] | None = None
    result: Number
    if kind == "sum":
        result = sum(v for _, v in rated)
    elif kind == "mean":
        result = sum(v for _, v in rated) / len(rated)
    elif kind == "max":
        result = max(v for _, v in rated)
    elif kind == "min":
        result = min(v for _, v in rated)
    elif kind == "count_at_or_above":
        counted = tuple(a.id for a, v in rated if v >= threshold)
        result = len(counted)
    elif kind == "count_at_or_below":
        counted = tuple(a.id for a, v in rated if v <= threshold)
        result = len(counted)
    else:  # percent_of_max: share of each item's range, so a 1-5 scale starts at 0% too
        span = sum(a.maximum - a.minimum for a, _ in rated)
        if span == 0:
            return None, None
        result = 100 * sum(v - a.minimum for a, v in rated) / span
    return round_half_up(result, rule.decimals), counted


def band_for(band_set: BandSet, value: Number | None) -> Band | None:
    if value is None:
        return None
    chosen = band_set.levels[0]
    for level in band_set.levels[1:]:
        if (level.at_least is not None and value >= level.at_least) or (
            level.above is not None and value > level.above
        ):
            chosen = level
    return Band(chosen.code, chosen.label)


def _completeness(
    lookup: DefinitionLookup, ids: Sequence[str], answers: Mapping[str, Answer]
) -> Completeness:
    rated = not_assessed = unanswered = 0
    complete = True
    for item_id in ids:
        answer = answers.get(item_id)
        if answer is None:
            unanswered += 1
            complete = complete and not lookup.items[item_id].item.required
        elif answer.value is None:
            not_assessed += 1
        else:
            rated += 1
    return Completeness(rated, not_assessed, unanswered, len(ids), complete)


def _group(
    rules: Sequence[ScoreRule],
    bands: Sequence[BandSet],
    answers: Sequence[Answer],
    completeness: Completeness,
) -> ScoreGroup:
    scores: dict[str, Number | None] = {}
    counted: dict[str, tuple[str, ...]] = {}
    rated = _rated(answers)
    for rule in rules:
        value, ids = _apply(rule, answers, rated)
        scores[rule.id] = value
        if ids is not None:
            counted[rule.id] = ids
    return ScoreGroup(
        scores=scores,
        bands={b.id: band_for(b, scores[b.score]) for b in bands},
        counted_items=counted,
        completeness=completeness,
    )


def _section_groups(
    lookup: DefinitionLookup, answers: Mapping[str, Answer]
) -> dict[str, ScoreGroup]:
    return {
        section_id: _group(
            lookup.section_rules[section_id],
            lookup.section_bands[section_id],
            [answers[i] for i in ids if i in answers],
            _completeness(lookup, ids, answers),
        )
        for section_id, ids in lookup.section_items.items()
    }


def _grouping_groups(
    lookup: DefinitionLookup, answers: Mapping[str, Answer]
) -> dict[str, dict[str, ScoreGroup]]:
    return {
        grouping_id: {
            code: _group(
                lookup.grouping_rules[grouping_id],
                lookup.grouping_bands[grouping_id],
                [answers[i] for i in ids if i in answers],
                _completeness(lookup, ids, answers),
            )
            for code, ids in groups.items()
        }
        for grouping_id, groups in lookup.grouping_items.items()
    }


def _overall_group(
    lookup: DefinitionLookup, answers: Mapping[str, Answer], sections: Mapping[str, ScoreGroup]
) -> ScoreGroup:
    scores: dict[str, Number | None] = {}
    counted: dict[str, tuple[str, ...]] = {}
    every_answer = list(answers.values())
    every_rated = _rated(every_answer)
    for rule in lookup.scoring.overall_scores:
        if rule.over == "items":
            inputs, rated = every_answer, every_rated
        else:  # section scores stand in for answers; no rule allowed here reads their range
            inputs = [
                Answer(section_id, "", value, 0, 0)
                for section_id, group in sections.items()
                if (value := group.scores.get(rule.score or "")) is not None
            ]
            rated = _rated(inputs)
        value, ids = _apply(rule, inputs, rated)
        scores[rule.id] = value
        if ids is not None:
            counted[rule.id] = ids
    return ScoreGroup(
        scores=scores,
        bands={b.id: band_for(b, scores[b.score]) for b in lookup.overall_bands},
        counted_items=counted,
        completeness=_completeness(lookup, tuple(lookup.items), answers),
    )


def score_answers(defn: InstrumentDefinition, answers: Mapping[str, Answer]) -> AssessmentScores:
    """Scores for answers already checked against ``defn`` (see ``engine.score``)."""
    lookup = defn.lookup()
    sections = _section_groups(lookup, answers)
    return AssessmentScores(
        instrument=defn.instrument,
        variant=defn.variant,
        version=defn.version,
        direction=lookup.scoring.direction,
        sections=sections,
        groupings=_grouping_groups(lookup, answers),
        overall=_overall_group(lookup, answers, sections),
    )
