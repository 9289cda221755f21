"""HEAT stages and the audit of HEAT use and impact, on a hand-built organisation."""

from datetime import date

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.organisational.heat import ActionFact, HeatAssessment, heat_audit, stages


def _all(defn: InstrumentDefinition, stage: str, code: str) -> dict[str, str]:
    section = next(s for s in defn.sections if s.id == stage)
    return {i.id: code if i.scale == "done" else "considered" for i in section.items}


def test_a_stage_is_completed_when_every_prompt_is_answered_and_none_is_not_yet(
    heat: InstrumentDefinition,
) -> None:
    answers = _all(heat, "prepare", "yes") | _all(heat, "assess", "yes")
    answers["assess_gaps"] = "no"
    found = {s.stage: s for s in stages(heat, answers)}
    assert found["prepare"].completed
    assert not found["assess"].completed
    assert found["assess"].not_yet == 1
    assert not found["refine_apply"].completed
    assert found["refine_apply"].answered == 0
    assert [s.stage for s in stages(heat, {})] == ["prepare", "assess", "refine_apply", "review"]


def test_audit_rollup(
    heat: InstrumentDefinition, heat_audit_definition: InstrumentDefinition
) -> None:
    done_two = _all(heat, "prepare", "yes") | _all(heat, "assess", "yes")
    done_one = _all(heat, "prepare", "yes")
    today = date(2026, 6, 1)
    assessments = [
        # Project A: initial, then a review (review done).
        HeatAssessment("A", "submitted", "initial", date(2025, 1, 1), date(2025, 7, 1), done_one),
        HeatAssessment("A", "submitted", "review", date(2025, 7, 1), None, done_two),
        # Project B: review overdue. Project C: review still to come. Project D: a draft only.
        HeatAssessment("B", "submitted", "initial", date(2025, 2, 1), date(2026, 2, 1), done_one),
        HeatAssessment("C", "submitted", "initial", date(2026, 1, 1), date(2026, 12, 1), done_two),
        HeatAssessment("D", "draft", "initial", date(2026, 5, 1), None, {}),
    ]
    actions = [
        ActionFact("done", date(2025, 3, 1)),
        ActionFact("open", date(2026, 1, 1)),  # overdue
        ActionFact("in_progress", date(2026, 9, 1)),
    ]
    returns = [
        HeatAssessment("A", "submitted", None, date(2025, 8, 1), None,
                       {"impact_race": "no_change", "impact_age": "improved"}),
        HeatAssessment("A", "submitted", None, date(2026, 1, 1), None,
                       {"impact_race": "improved"}),  # the latest return of A counts
        HeatAssessment("B", "submitted", None, date(2026, 1, 1), None,
                       {"impact_race": "worse", "impact_age": "not_measured"}),
    ]  # fmt: skip
    audit = heat_audit(
        heat, heat_audit_definition, projects=5, assessments=assessments, actions=actions,
        audit_returns=returns, today=today,
    )  # fmt: skip
    assert (audit.projects, audit.projects_assessed) == (5, 3)
    assert (audit.assessments_submitted, audit.assessments_in_draft) == (4, 1)
    assert audit.stages_completed == {"prepare": 3, "assess": 2, "refine_apply": 0, "review": 0}
    assert audit.reviews == {"done": 1, "due": 1, "overdue": 1}
    assert audit.actions.as_dict() == {"taken": 3, "done": 1, "open": 2, "overdue": 1}
    assert audit.impact_by_group["impact_race"] == {"improved": 1, "worse": 1}
    assert audit.impact_by_group["impact_age"] == {"not_measured": 1}
    assert audit.impact_by_group["impact_sex"] == {}
