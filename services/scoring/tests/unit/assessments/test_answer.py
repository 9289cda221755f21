"""The hot path's answer is the same bytes as the model's JSON."""

import uuid
from datetime import date

import pytest

from services.common.direct import detached
from services.scoring.assessments.models import Assessment
from services.scoring.assessments.service import (
    assessment_json,
    assessment_read,
    flag_notes,
    new_assessment,
)
from services.scoring.demo_data.rows import hef_definition
from services.scoring.people.models import Person


@pytest.mark.parametrize("submit", [False, True])
@pytest.mark.parametrize("notes", [None, "Rang Dr Patel on 07700 900456 about Jo."])
def test_the_answer_is_the_models_json(submit: bool, notes: str | None) -> None:
    defn = hef_definition()
    items = [item.id for section in defn.sections for item in section.items]
    person = detached(Person, id=uuid.uuid4(), given_name="Jo", family_name="Bloggs")
    assessment: Assessment = new_assessment(
        person.id,
        uuid.uuid4(),
        defn,
        episode_type="review",
        assessed_on=date(2026, 3, 1),
        responses=dict.fromkeys(items, "moderate") if submit else {"housing": "low"},
        notes=notes,
        free_text_flags=flag_notes(notes, person),
        author="clinician",
        submit=submit,
    )
    assert (assessment.free_text_flags != []) == (notes is not None)
    expected = assessment_read(assessment, "EQA-LD-NORTH").model_dump_json().encode()
    assert assessment_json(assessment, "EQA-LD-NORTH") == expected
