"""HEAT's stages and the audit of HEAT use and impact across an organisation's projects.

HEAT (OHID, 2020; revised 2024) has no numeric score: its output is actions, and a review
6 to 12 months on. So what is summarised is how far each stage went, which dimensions were
considered, the actions and whether they were done, and (from the audit returns) the impact
reported for each group. The audit's fields are provisional: no published audit tool was
found (instruments.md section 2; seed 001). Pure.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.results import JsonMixin

NOT_YET = "no"  # the answer that says a prompt has not been done yet


@dataclass(frozen=True)
class StageStatus(JsonMixin):
    stage: str
    title: str
    answered: int
    total: int
    not_yet: int
    completed: bool
    """Every prompt answered, and none of them "not yet"."""


def stages(defn: InstrumentDefinition, responses: Mapping[str, str]) -> tuple[StageStatus, ...]:
    found = []
    for section in defn.sections:
        answers = [responses.get(item.id) for item in section.items]
        answered = sum(a is not None for a in answers)
        not_yet = sum(a == NOT_YET for a in answers)
        found.append(
            StageStatus(
                stage=section.id,
                title=section.title,
                answered=answered,
                total=len(answers),
                not_yet=not_yet,
                completed=answered == len(answers) and not_yet == 0,
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class HeatAssessment:
    project_key: str
    status: str
    episode_type: str | None
    assessed_on: date
    review_due_on: date | None
    responses: Mapping[str, str]


@dataclass(frozen=True)
class ActionFact:
    status: str
    due_on: date


@dataclass(frozen=True)
class ActionCounts(JsonMixin):
    taken: int
    done: int
    open: int
    overdue: int


@dataclass(frozen=True)
class HeatAudit(JsonMixin):
    projects: int
    projects_assessed: int
    assessments_submitted: int
    assessments_in_draft: int
    stages_completed: Mapping[str, int]
    """Stage -> projects whose latest submitted assessment completed it."""
    reviews: Mapping[str, int]
    """done (a review assessment submitted), due (date to come), overdue (date passed)."""
    actions: ActionCounts
    impact_by_group: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Audit item (a group) -> answer code -> projects reporting it (latest return each)."""


def heat_audit(
    heat: InstrumentDefinition,
    audit: InstrumentDefinition,
    *,
    projects: int,
    assessments: Sequence[HeatAssessment],
    actions: Sequence[ActionFact],
    audit_returns: Sequence[HeatAssessment],
    today: date,
) -> HeatAudit:
    """``assessments`` and ``audit_returns`` are oldest first; the latest submitted one of
    each project counts for stages and impact."""
    submitted = [a for a in assessments if a.status == "submitted"]
    latest = {a.project_key: a for a in submitted}
    completed: Counter[str] = Counter({s.id: 0 for s in heat.sections})
    for a in latest.values():
        for stage in stages(heat, a.responses):
            completed[stage.stage] += stage.completed
    reviewed = {a.project_key for a in submitted if a.episode_type == "review"}
    due = overdue = 0
    for key, a in latest.items():
        if key in reviewed or a.review_due_on is None:
            continue
        if a.review_due_on < today:
            overdue += 1
        else:
            due += 1
    impact_items = [i for s in audit.sections for i in s.items if i.scale == "impact"]
    returns = {a.project_key: a for a in audit_returns if a.status == "submitted"}
    impact = {
        item.id: dict(
            Counter(r.responses[item.id] for r in returns.values() if item.id in r.responses)
        )
        for item in impact_items
    }
    return HeatAudit(
        projects=projects,
        projects_assessed=len(latest),
        assessments_submitted=len(submitted),
        assessments_in_draft=sum(a.status == "draft" for a in assessments),
        stages_completed=dict(completed),
        reviews={"done": len(reviewed), "due": due, "overdue": overdue},
        actions=ActionCounts(
            taken=len(actions),
            done=sum(a.status == "done" for a in actions),
            open=sum(a.status != "done" for a in actions),
            overdue=sum(a.status != "done" and a.due_on < today for a in actions),
        ),
        impact_by_group=impact,
    )
