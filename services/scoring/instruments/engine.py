"""The instrument engine: check, score and compare one assessment's responses.

Pure functions over a loaded ``InstrumentDefinition``; every rule (scale values, score rules,
bands, actions) comes from the definition, never from code, so the licence holder's published
HEF can replace the provisional one (instruments.md section 1). Responses map item id -> answer
code. Answers that count as missing ("not assessed") complete an item but are left out of every
score. Change is descriptive only (improved / same / worse), never a validated effect
(instruments.md: no psychometric validation of HEF was found).

Hot path: the definition's lookup tables are built once (``InstrumentDefinition.lookup``) and the
results are plain dataclasses, so scoring does no pydantic validation.
"""

from collections.abc import Mapping

from services.scoring.instruments.definition import Answer, InstrumentDefinition, ScoreRule
from services.scoring.instruments.errors import ResponseError
from services.scoring.instruments.results import (
    AssessmentScores,
    BandChange,
    Change,
    ChangeLabel,
    GroupChange,
    ItemChange,
    Number,
    ResponseProblem,
    ScoreChange,
    ScoreGroup,
    SuggestedAction,
)
from services.scoring.instruments.rules import answers_from, round_half_up, score_answers

_EPSILON = 1e-9


def check_responses(
    defn: InstrumentDefinition, responses: Mapping[str, str], *, require_complete: bool
) -> list[ResponseProblem]:
    """Problems with the responses, each naming its field (``responses.<item id>``)."""
    lookup = defn.lookup()
    item_word = defn.terms.item
    problems: list[ResponseProblem] = []
    for item_id, code in responses.items():
        entry = lookup.items.get(item_id)
        if entry is None:
            problems.append(
                ResponseProblem(
                    f"responses.{item_id}",
                    "unknown_item",
                    f"Unknown {item_word} '{item_id}': it is not part of {defn.label}.",
                )
            )
        elif not isinstance(code, str) or code not in entry.values:
            problems.append(
                ResponseProblem(
                    f"responses.{item_id}",
                    "invalid_option",
                    f"{code!r} is not an answer for {item_word} '{item_id}'; "
                    f"choose one of: {', '.join(entry.values)}.",
                )
            )
    if require_complete:
        for item_id, entry in lookup.items.items():
            if entry.item.required and item_id not in responses:
                missing = [c for c, v in entry.values.items() if v is None]
                hint = f" (use '{missing[0]}' if it was not assessed)" if missing else ""
                problems.append(
                    ResponseProblem(
                        f"responses.{item_id}",
                        "missing_required",
                        f"{item_word.capitalize()} '{item_id}' needs an answer to complete "
                        f"the assessment{hint}.",
                    )
                )
    return problems


def _checked_answers(defn: InstrumentDefinition, responses: Mapping[str, str]) -> dict[str, Answer]:
    problems = check_responses(defn, responses, require_complete=False)
    if problems:
        raise ResponseError(problems)
    return answers_from(defn.lookup(), responses)


def score(defn: InstrumentDefinition, responses: Mapping[str, str]) -> AssessmentScores:
    """Scores, bands and completeness; raises ``ResponseError`` for unknown items or answers.
    Incomplete responses are scored as they stand (completeness says what is missing)."""
    return score_answers(defn, _checked_answers(defn, responses))


def score_checked(defn: InstrumentDefinition, responses: Mapping[str, str]) -> AssessmentScores:
    """``score`` for responses that ``check_responses`` found no problem with (the API checks
    first, to name every wrong field): the same result without checking twice."""
    return score_answers(defn, answers_from(defn.lookup(), responses))


def _classify(delta: Number | None, direction: str) -> ChangeLabel:
    if delta is None:
        return "not_comparable"
    if abs(delta) < _EPSILON:
        return "same"
    better = delta < 0 if direction == "lower_is_better" else delta > 0
    return "improved" if better else "worse"


def _score_change(
    rule: ScoreRule | None, base: Number | None, now: Number | None, direction: str
) -> ScoreChange:
    if base is None or now is None:
        return ScoreChange(base, now, None, "not_comparable")
    decimals = rule.decimals if rule is not None else None
    delta = round_half_up(now - base, decimals) if decimals is not None else now - base
    own = rule.direction if rule is not None and rule.direction else direction
    return ScoreChange(base, now, delta, _classify(delta, own))


def _group_change(
    rules: Mapping[str, ScoreRule],
    base: ScoreGroup,
    now: ScoreGroup,
    defn: InstrumentDefinition,
    direction: str,
) -> GroupChange:
    scores = {
        key: _score_change(rules.get(key), base.scores.get(key), value, direction)
        for key, value in now.scores.items()
    }
    bands: dict[str, BandChange] = {}
    for band_id, band in now.bands.items():
        band_set = defn.lookup().bands[band_id]
        order = [level.code for level in band_set.levels]
        before = base.bands.get(band_id)
        rule = rules.get(band_set.score)
        own = rule.direction if rule is not None and rule.direction else direction
        delta = (
            None
            if band is None or before is None
            else order.index(band.code) - order.index(before.code)
        )
        bands[band_id] = BandChange(
            before.code if before else None, band.code if band else None, _classify(delta, own)
        )
    return GroupChange(scores, bands)


def compare(
    defn: InstrumentDefinition, current: Mapping[str, str], baseline: Mapping[str, str]
) -> Change:
    """Change from ``baseline`` to ``current`` per score, band and item, respecting the
    scoring direction (instruments.md: change shown per determinant and per indicator)."""
    now_answers = _checked_answers(defn, current)
    base_answers = _checked_answers(defn, baseline)
    now = score_answers(defn, now_answers)
    base = score_answers(defn, base_answers)
    scoring = defn.lookup().scoring
    direction = scoring.direction
    section_rules = {r.id: r for r in scoring.section_scores}
    sections = {
        s_id: _group_change(section_rules, base.sections[s_id], group, defn, direction)
        for s_id, group in now.sections.items()
    }
    groupings = {
        g_id: {
            code: _group_change(
                {r.id: r for r in scoring.grouping_scores if r.grouping == g_id},
                base.groupings[g_id][code],
                group,
                defn,
                direction,
            )
            for code, group in groups.items()
        }
        for g_id, groups in now.groupings.items()
    }
    overall_rules = {r.id: r for r in scoring.overall_scores}
    overall = _group_change(overall_rules, base.overall, now.overall, defn, direction)
    items: dict[str, ItemChange] = {}
    for item_id, entry in defn.lookup().items.items():
        before, after = base_answers.get(item_id), now_answers.get(item_id)
        b_value = before.value if before else None
        a_value = after.value if after else None
        delta = None if b_value is None or a_value is None else a_value - b_value
        items[item_id] = ItemChange(
            section_id=entry.section_id,
            baseline=before.code if before else None,
            current=after.code if after else None,
            baseline_value=b_value,
            current_value=a_value,
            change=_classify(delta, direction),
        )
    return Change(
        instrument=defn.instrument,
        variant=defn.variant,
        version=defn.version,
        direction=direction,
        sections=sections,
        groupings=groupings,
        overall=overall,
        items=items,
    )


def suggested_actions(
    defn: InstrumentDefinition, responses: Mapping[str, str]
) -> list[SuggestedAction]:
    """Actions whose conditions the answers meet, in definition order; then objectives for
    sections whose band is one of the action's levels (e.g. maturity level "emerging")."""
    answers = _checked_answers(defn, responses)
    actions: list[SuggestedAction] = []
    lookup = defn.lookup()
    for item_id, entry in lookup.items.items():
        answer = answers.get(item_id)
        if answer is None:
            continue
        for action in entry.item.suggested_actions:
            if action.codes is not None and answer.code not in action.codes:
                continue
            if action.min_value is not None and (
                answer.value is None or answer.value < action.min_value
            ):
                continue
            if action.max_value is not None and (
                answer.value is None or answer.value > action.max_value
            ):
                continue
            actions.append(
                SuggestedAction(
                    item_id,
                    entry.section_id,
                    answer.code,
                    answer.value,
                    action.text,
                    action.ref,
                    action.priority,
                )
            )
    if any(section.suggested_actions for section in defn.sections):
        scores = score_answers(defn, answers)
        for section in defn.sections:
            group = scores.sections[section.id]
            for section_action in section.suggested_actions:
                band = group.bands.get(section_action.band_set)
                if band is not None and band.code in section_action.levels:
                    actions.append(
                        SuggestedAction(
                            None,
                            section.id,
                            band.code,
                            group.scores.get(lookup.bands[section_action.band_set].score),
                            section_action.text,
                            section_action.ref,
                            section_action.priority,
                        )
                    )
    return actions
