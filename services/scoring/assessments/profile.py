"""A person's profile per instrument: latest scores, change since the first and previous
submitted assessments (HEF: per determinant and per indicator), and suggested actions."""

from collections.abc import Sequence

from services.scoring.assessments.models import Assessment
from services.scoring.assessments.schemas import AssessmentSummary, Profile, SuggestedActionRead
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.engine import compare, suggested_actions
from services.scoring.instruments.errors import ResponseError


def summary(a: Assessment) -> AssessmentSummary:
    return AssessmentSummary(
        id=a.id,
        instrument=a.instrument,
        variant=a.variant,
        instrument_version=a.instrument_version,
        episode_type=a.episode_type,
        assessed_on=a.assessed_on,
        status=a.status,
        revision=a.revision,
        overall=(a.scores or {}).get("overall"),
    )


def _change(
    defn: InstrumentDefinition, current: Assessment, baseline: Assessment
) -> dict[str, object] | None:
    if baseline.id == current.id:
        return None
    try:
        return compare(defn, current.responses, baseline.responses).as_dict()
    except ResponseError:
        # The baseline used items or answers this version no longer has: not comparable.
        return None


def build_profile(
    defn: InstrumentDefinition, submitted_in_date_order: Sequence[Assessment]
) -> Profile:
    """``submitted_in_date_order``: one instrument and variant, oldest first, non-empty."""
    first, latest = submitted_in_date_order[0], submitted_in_date_order[-1]
    previous = submitted_in_date_order[-2] if len(submitted_in_date_order) > 1 else latest
    actions = [
        SuggestedActionRead(
            item_id=a.item_id,
            section_id=a.section_id,
            rating=a.rating,
            text=a.text,
            ref=a.ref,
            priority=a.priority,
        )
        for a in suggested_actions(defn, latest.responses)
    ]
    return Profile(
        instrument=latest.instrument,
        variant=latest.variant,
        latest=summary(latest),
        scores=latest.scores or {},
        change_since_first=_change(defn, latest, first),
        change_since_previous=_change(defn, latest, previous),
        suggested_actions=actions,
    )
