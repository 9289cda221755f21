"""Cross-reference checks on a definition that a JSON Schema cannot express.

The schema (``definition.schema.json``) checks each field on its own; these checks make sure the
pieces fit together (scale references, unique ids, rule parameters, band order) so that the
engine never meets an inconsistent definition. Each failure raises ``DefinitionError`` with the
JSON-path-like location of the offending field.
"""

from collections.abc import Iterable

from services.scoring.instruments.definition import (
    BandSet,
    InstrumentDefinition,
    ScoreRule,
    Scoring,
)
from services.scoring.instruments.errors import DefinitionError

_COUNT_RULES = frozenset({"count_at_or_above", "count_at_or_below"})


def _unique(values: Iterable[str], path: str, what: str) -> None:
    """``path`` has a ``{}`` where the index goes."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise DefinitionError(path.format(index), f"duplicate {what} '{value}'")
        seen.add(value)


def check_variant_file(defn: InstrumentDefinition) -> None:
    """A variant file names its base and the items it keeps; everything else is inherited."""
    if defn.based_on is None:
        for field in ("include_items", "use_easy_read_text"):
            if field in defn.model_fields_set:
                raise DefinitionError(f"$.{field}", "only allowed together with based_on")
        return
    for field in ("response_scales", "sections", "groupings", "scoring", "bands"):
        if field in defn.model_fields_set:
            raise DefinitionError(
                f"$.{field}", "a variant takes this from its base (based_on); remove it"
            )
    if not defn.include_items:
        raise DefinitionError("$.include_items", "a variant must include at least one item")
    _unique(defn.include_items, "$.include_items[{}]", "item")


def check_definition(defn: InstrumentDefinition) -> None:
    """Check a standalone or resolved definition; raises ``DefinitionError``."""
    if defn.status == "provisional" and not defn.provisional_notes:
        raise DefinitionError(
            "$.provisional_notes", "a provisional definition must say what is provisional and why"
        )
    _unique((e.code for e in defn.episode_types), "$.episode_types[{}].code", "episode type")
    _check_scales(defn)
    if not defn.sections:
        raise DefinitionError("$.sections", "at least one section is required")
    if defn.scoring is None:
        raise DefinitionError("$.scoring", "scoring is required")
    _check_groupings(defn)
    _check_scoring(defn, defn.scoring)
    _check_bands(defn, defn.scoring)
    _check_sections(defn)


def _check_scales(defn: InstrumentDefinition) -> None:
    _unique((s.id for s in defn.response_scales), "$.response_scales[{}].id", "scale")
    for s_index, scale in enumerate(defn.response_scales):
        path = f"$.response_scales[{s_index}]"
        _unique((o.code for o in scale.options), path + ".options[{}].code", "option code")
        for o_index, option in enumerate(scale.options):
            # A null value is exactly what "counts as missing" means to the engine; keeping the
            # two in step stops a definition from scoring a "not assessed" answer by mistake.
            if (option.value is None) != option.counts_as_missing:
                raise DefinitionError(
                    f"{path}.options[{o_index}].value",
                    "value must be null exactly when counts_as_missing is true",
                )
        if all(o.value is None for o in scale.options):
            raise DefinitionError(f"{path}.options", "at least one option must have a value")


def _check_groupings(defn: InstrumentDefinition) -> None:
    _unique((g.id for g in defn.groupings), "$.groupings[{}].id", "grouping")
    for index, grouping in enumerate(defn.groupings):
        _unique(
            (g.code for g in grouping.groups), f"$.groupings[{index}].groups[{{}}].code", "group"
        )


def _check_sections(defn: InstrumentDefinition) -> None:
    scales = {s.id: s for s in defn.response_scales}
    groups = {g.id: {x.code for x in g.groups} for g in defn.groupings}
    bands = {b.id: b for b in defn.bands}
    seen: dict[str, str] = {}
    for s_index, section in enumerate(defn.sections):
        s_path = f"$.sections[{s_index}]"
        _claim_id(seen, section.id, f"{s_path}.id")
        for i_index, item in enumerate(section.items):
            i_path = f"{s_path}.items[{i_index}]"
            _claim_id(seen, item.id, f"{i_path}.id")
            if item.scale not in scales:
                raise DefinitionError(
                    f"{i_path}.scale",
                    f"unknown response scale '{item.scale}'; defined: {', '.join(scales)}",
                )
            for grouping, code in item.groups.items():
                if grouping not in groups:
                    raise DefinitionError(f"{i_path}.groups.{grouping}", "unknown grouping")
                if code not in groups[grouping]:
                    raise DefinitionError(f"{i_path}.groups.{grouping}", f"unknown group '{code}'")
            codes = {o.code for o in scales[item.scale].options}
            for a_index, action in enumerate(item.suggested_actions):
                a_path = f"{i_path}.suggested_actions[{a_index}]"
                if action.codes is None and action.min_value is None and action.max_value is None:
                    raise DefinitionError(a_path, "give codes, min_value or max_value")
                for c_index, code in enumerate(action.codes or ()):
                    if code not in codes:
                        raise DefinitionError(
                            f"{a_path}.codes[{c_index}]",
                            f"'{code}' is not an option of scale '{item.scale}'",
                        )
        for a_index, section_action in enumerate(section.suggested_actions):
            a_path = f"{s_path}.suggested_actions[{a_index}]"
            band_set = bands.get(section_action.band_set)
            if band_set is None or band_set.applies_to != "section":
                raise DefinitionError(f"{a_path}.band_set", "not a band set applied to sections")
            level_codes = {level.code for level in band_set.levels}
            for l_index, level in enumerate(section_action.levels):
                if level not in level_codes:
                    raise DefinitionError(f"{a_path}.levels[{l_index}]", f"unknown level '{level}'")


def _claim_id(seen: dict[str, str], value: str, path: str) -> None:
    # Sections and items share one namespace because both become FHIR linkIds, which must be
    # unique within a Questionnaire.
    if value in seen:
        raise DefinitionError(path, f"duplicate id '{value}' (also used at {seen[value]})")
    seen[value] = path


def _check_rule(rule: ScoreRule, path: str, all_codes: set[str]) -> None:
    if rule.rule in _COUNT_RULES and rule.threshold is None:
        raise DefinitionError(f"{path}.threshold", f"{rule.rule} needs a threshold")
    if rule.rule not in _COUNT_RULES and rule.threshold is not None:
        raise DefinitionError(f"{path}.threshold", f"{rule.rule} takes no threshold")
    if rule.rule == "count_of":
        if not rule.codes:
            raise DefinitionError(f"{path}.codes", "count_of needs the answer codes to count")
        for index, code in enumerate(rule.codes):
            if code not in all_codes:
                raise DefinitionError(f"{path}.codes[{index}]", f"'{code}' is not an option code")
    elif rule.codes is not None:
        raise DefinitionError(f"{path}.codes", f"{rule.rule} takes no codes")


def _check_scoring(defn: InstrumentDefinition, scoring: Scoring) -> None:
    all_codes = {o.code for s in defn.response_scales for o in s.options}
    section_ids = {s.id for s in defn.sections}
    _unique((r.id for r in scoring.section_scores), "$.scoring.section_scores[{}].id", "score")
    for index, section_rule in enumerate(scoring.section_scores):
        path = f"$.scoring.section_scores[{index}]"
        _check_rule(section_rule, path, all_codes)
        for s_index, section_id in enumerate(section_rule.sections or ()):
            if section_id not in section_ids:
                raise DefinitionError(
                    f"{path}.sections[{s_index}]", f"unknown section '{section_id}'"
                )
    section_scores = [r.id for r in scoring.section_scores]
    _unique((r.id for r in scoring.overall_scores), "$.scoring.overall_scores[{}].id", "score")
    for index, overall in enumerate(scoring.overall_scores):
        path = f"$.scoring.overall_scores[{index}]"
        _check_rule(overall, path, all_codes)
        if overall.over == "items" and overall.score is not None:
            raise DefinitionError(f"{path}.score", "only used with over: section_scores")
        if overall.over == "section_scores":
            if overall.score not in section_scores:
                raise DefinitionError(
                    f"{path}.score", f"name one of the section scores: {', '.join(section_scores)}"
                )
            if overall.rule in {"count_of", "percent_of_max"}:
                raise DefinitionError(f"{path}.rule", f"{overall.rule} applies to items only")
    groupings = {g.id for g in defn.groupings}
    seen: set[tuple[str, str]] = set()
    for index, grouping_rule in enumerate(scoring.grouping_scores):
        path = f"$.scoring.grouping_scores[{index}]"
        _check_rule(grouping_rule, path, all_codes)
        if grouping_rule.grouping not in groupings:
            raise DefinitionError(
                f"{path}.grouping", f"unknown grouping '{grouping_rule.grouping}'"
            )
        if (grouping_rule.grouping, grouping_rule.id) in seen:
            raise DefinitionError(f"{path}.id", f"duplicate score '{grouping_rule.id}'")
        seen.add((grouping_rule.grouping, grouping_rule.id))


def _check_bands(defn: InstrumentDefinition, scoring: Scoring) -> None:
    _unique((b.id for b in defn.bands), "$.bands[{}].id", "band set")
    for index, band_set in enumerate(defn.bands):
        path = f"$.bands[{index}]"
        _check_band_target(band_set, scoring, path)
        _unique((lv.code for lv in band_set.levels), path + ".levels[{}].code", "level")
        previous: tuple[float, int] | None = None
        for l_index, level in enumerate(band_set.levels):
            l_path = f"{path}.levels[{l_index}]"
            bounds = [b for b in (level.at_least, level.above) if b is not None]
            if l_index == 0:
                if bounds:
                    raise DefinitionError(
                        l_path, "the first level has no bound: it covers every lower score"
                    )
                continue
            if len(bounds) != 1:
                raise DefinitionError(l_path, "give exactly one of at_least or above")
            # "above x" starts just after "at_least x", hence the tie-breaker.
            start = (float(bounds[0]), 0 if level.at_least is not None else 1)
            if previous is not None and start <= previous:
                raise DefinitionError(l_path, "levels must be listed from the lowest score up")
            previous = start


def _check_band_target(band_set: BandSet, scoring: Scoring, path: str) -> None:
    if band_set.applies_to == "grouping":
        if band_set.grouping is None:
            raise DefinitionError(f"{path}.grouping", "name the grouping being banded")
        scores = {r.id for r in scoring.grouping_scores if r.grouping == band_set.grouping}
    elif band_set.grouping is not None:
        raise DefinitionError(f"{path}.grouping", "only used with applies_to: grouping")
    elif band_set.applies_to == "section":
        scores = {r.id for r in scoring.section_scores}
    else:
        scores = {r.id for r in scoring.overall_scores}
    if band_set.score not in scores:
        raise DefinitionError(
            f"{path}.score",
            f"no {band_set.applies_to} score '{band_set.score}'; "
            f"defined: {', '.join(sorted(scores))}",
        )
