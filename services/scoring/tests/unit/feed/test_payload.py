"""The published feed event: the stored parts with the person's pseudonymised fields."""

from datetime import UTC, date, datetime
from typing import Any

from services.scoring.feed.payload import (
    FeedAssessment,
    feed_context,
    feed_payload,
    stored_payload,
)

SECRET = b"s" * 32


def _parts() -> tuple[dict[str, Any], dict[str, Any]]:
    stored = stored_payload(
        SECRET,
        "assessment.submitted",
        FeedAssessment(
            assessment_id="a1",
            revision=1,
            instrument="hef",
            variant="standard",
            instrument_version="1",
            episode_type="review",
            assessed_on=date(2026, 3, 1),
            submitted_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
            answers={"housing": {"code": "low", "value": 1}},
            scores={"overall": {}},
        ),
    )
    context = feed_context(
        birth_date=date(1990, 3, 2),
        assessed_on=date(2026, 3, 1),
        sex="female",
        ethnic_category="A",
        imd_decile=3,
        imd_vintage="IoD2019",
        organisation_code="EQA",
        commissioner_code="QZZ",
        team_code="EQA-LD-NORTH",
    )
    return stored, context.as_dict()


def test_the_published_event_has_every_field_and_no_identifier() -> None:
    stored, context = _parts()
    assert context["age_years"] == 35  # a day before the 36th birthday
    published = feed_payload(SECRET, stored, context, nhs_number="9434765919", local_id=None)
    assert list(published)[:6] == [
        "schema_version", "event", "assessment_key", "revision", "person_key", "age_band",
    ]  # fmt: skip
    assert published["person_key"].startswith("pk_")
    assert published["age_band"] == "35-44"
    assert published["ethnic_group"] == "white"
    assert published["team_code"] == "EQA-LD-NORTH"
    assert published["answers"] == {"housing": {"code": "low", "value": 1}}
    assert "9434765919" not in repr(published)
    assert "age_years" not in published


def test_the_same_person_gets_the_same_key_and_a_local_id_keys_too() -> None:
    stored, context = _parts()
    first = feed_payload(SECRET, stored, context, nhs_number="943 476 5919", local_id=None)
    again = feed_payload(SECRET, stored, context, nhs_number="9434765919", local_id="R1")
    local = feed_payload(SECRET, stored, context, nhs_number=None, local_id="R1")
    assert first["person_key"] == again["person_key"] != local["person_key"]


def test_an_event_whose_person_has_no_identifier_still_flows() -> None:
    stored, context = _parts()
    published = feed_payload(SECRET, stored, context, nhs_number=None, local_id=None)
    assert published["person_key"] is None
    assert published["age_band"] == "35-44"


def test_a_date_of_birth_corrected_past_the_assessment_leaves_the_age_unknown() -> None:
    stored, _ = _parts()
    context = feed_context(
        birth_date=date(2026, 3, 2),
        assessed_on=date(2026, 3, 1),
        sex="female",
        ethnic_category=None,
        imd_decile=None,
        imd_vintage=None,
        organisation_code="EQA",
        commissioner_code=None,
        team_code="EQA-LD-NORTH",
    ).as_dict()
    assert context["age_years"] is None
    published = feed_payload(SECRET, stored, context, nhs_number="9434765919", local_id=None)
    assert (published["age_band"], published["ethnic_group"]) == (None, None)


def test_a_stored_ethnic_code_no_longer_known_is_published_as_unknown() -> None:
    stored, context = _parts()
    published = feed_payload(
        SECRET, stored, {**context, "ethnic_category": "Q9"}, nhs_number=None, local_id="R1"
    )
    assert (published["ethnic_category"], published["ethnic_group"]) == (None, None)
    assert published["person_key"].startswith("pk_")
