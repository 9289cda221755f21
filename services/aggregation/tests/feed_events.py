"""Synthetic change-feed events shaped as scoring publishes them (schema 1), for the
consumer's tests and benchmark: a whole HEF (29 indicators in five determinants) with the
engine's score shape, pseudonymous keys, and the context's codes."""

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

HEF_SECTIONS: dict[str, tuple[str, ...]] = {
    "social": (
        "housing",
        "income",
        "daytime_activity",
        "relationships",
        "discrimination_abuse",
        "family_carer_support",
    ),
    "biological": (
        "epilepsy",
        "eating_drinking",
        "mental_health",
        "dementia",
        "sensory",
        "physical_health",
        "mobility_falls",
        "pain",
    ),
    "communication": (
        "expressing_needs",
        "understanding_information",
        "capacity_consent",
        "communication_support",
    ),
    "behaviour": (
        "diet_weight",
        "physical_activity",
        "substance_use",
        "sexual_health",
        "self_care",
    ),
    "provision": (
        "gp_health_check",
        "health_action_plan",
        "screening_immunisation",
        "dental_care",
        "hospital_adjustments",
        "care_coordination",
    ),
}
CODES = ("none", "low", "moderate", "high", "not_assessed")
VALUES: dict[str, int | None] = {
    "none": 0,
    "low": 1,
    "moderate": 2,
    "high": 3,
    "not_assessed": None,
}
BANDS = ("none", "low", "moderate", "high")
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84", "85+")
ETHNIC = (("A", "white"), ("H", "asian_or_asian_british"), ("N", "black_or_black_british"),
          ("D", "mixed"), ("S", "other"), ("Z", "not_stated"), ("99", "not_known"), (None, None))  # fmt: skip


def _group(values: list[int | None]) -> dict[str, Any]:
    rated = [v for v in values if v is not None]
    highest = max(rated) if rated else None
    return {
        "scores": {
            "total": sum(rated) if rated else None,
            "highest": highest,
            "moderate_or_high": sum(1 for v in rated if v >= 2),
        },
        "bands": {"impact": None if highest is None else {"code": BANDS[highest], "label": "x"}},
        "counted_items": {"moderate_or_high": []},
        "completeness": {
            "rated": len(rated),
            "not_assessed": len(values) - len(rated),
            "unanswered": 0,
            "total": len(values),
            "complete": True,
        },
    }


def hef_answers_and_scores(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    answers: dict[str, Any] = {}
    sections: dict[str, Any] = {}
    every: list[int | None] = []
    for section, items in HEF_SECTIONS.items():
        values: list[int | None] = []
        for item in items:
            code = rng.choices(CODES, weights=(30, 30, 20, 10, 10))[0]
            answers[item] = {"code": code, "value": VALUES[code]}
            values.append(VALUES[code])
        sections[section] = _group(values)
        every += values
    totals = [s["scores"]["total"] for s in sections.values() if s["scores"]["total"] is not None]
    overall = _group(every)
    overall["scores"] = {
        "total": sum(totals) if totals else None,
        "moderate_or_high": overall["scores"]["moderate_or_high"],
    }
    overall["bands"] = {}
    scores = {
        "instrument": "hef",
        "variant": "standard",
        "version": "1.0.0-provisional",
        "direction": "lower_is_better",
        "sections": sections,
        "groupings": {},
        "overall": overall,
    }
    return answers, scores


def hef_payload(
    rng: random.Random,
    *,
    event: str = "assessment.submitted",
    assessment_key: str | None = None,
    person_key: str | None = None,
    revision: int = 1,
    organisation_code: str = "EQA",
    team_code: str = "T-SYNTH",
    assessed_on: date | None = None,
) -> dict[str, Any]:
    answers, scores = hef_answers_and_scores(rng)
    category, group = rng.choice(ETHNIC)
    day = assessed_on or date(2024, 4, 1) + timedelta(days=rng.randrange(900))
    return {
        "schema_version": 1,
        "event": event,
        "assessment_key": assessment_key or f"ak_{uuid.UUID(int=rng.getrandbits(128)).hex}",
        "revision": revision,
        "person_key": person_key or f"pk_{uuid.UUID(int=rng.getrandbits(128)).hex}",
        "age_band": rng.choice(AGE_BANDS),
        "sex": rng.choice(("female", "male", "other", "unknown")),
        "ethnic_category": category,
        "ethnic_group": group,
        "imd_decile": rng.choice((None, *range(1, 11))),
        "imd_vintage": "2019",
        "organisation_code": organisation_code,
        "commissioner_code": "QZZ",
        "team_code": team_code,
        "instrument": "hef",
        "variant": "standard",
        "instrument_version": "1.0.0-provisional",
        "episode_type": rng.choice(("referral", "review", "discharge", "ad-hoc")),
        "assessed_on": day.isoformat(),
        "submitted_at": datetime.combine(day, datetime.min.time(), UTC).isoformat(),
        "answers": answers,
        "scores": scores,
    }


def feed_items(
    rng: random.Random, count: int, *, start_txid: int = 1000, people: int | None = None
) -> Iterator[dict[str, Any]]:
    """``count`` events as the feed serves them: mostly first submissions, some amendments
    (a later revision of an earlier assessment), deletions and restores; ``people`` persons
    (default: one per two events) so people have several assessments."""
    persons = [
        f"pk_{uuid.UUID(int=rng.getrandbits(128)).hex}" for _ in range(people or count // 2 or 1)
    ]
    latest: dict[str, dict[str, Any]] = {}  # assessment key -> its latest payload
    keys: list[str] = []
    for n in range(count):
        roll = rng.random()
        earlier = latest[rng.choice(keys)] if keys else None
        if earlier is not None and roll < 0.1 and earlier["event"] != "assessment.deleted":
            payload = hef_payload(
                rng,
                event="assessment.amended",
                assessment_key=earlier["assessment_key"],
                person_key=earlier["person_key"],
                revision=earlier["revision"] + 1,
            )
        elif earlier is not None and roll < 0.13:
            deleted = earlier["event"] == "assessment.deleted"
            payload = {
                **earlier,
                "event": "assessment.restored" if deleted else "assessment.deleted",
            }
        else:
            payload = hef_payload(rng, person_key=rng.choice(persons))
            keys.append(payload["assessment_key"])
        latest[payload["assessment_key"]] = payload
        yield {
            "cursor": f"{start_txid + n}.{n + 1}",
            "event_type": payload["event"],
            "occurred_at": datetime.now(UTC).isoformat(),
            "payload": payload,
        }


def expected_facts(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Assessment key -> the payload that should be its fact once ``items`` are applied."""
    state: dict[str, dict[str, Any]] = {}
    for item in items:
        payload = item["payload"]
        if payload["event"] == "assessment.deleted":
            state.pop(payload["assessment_key"], None)
        else:
            state[payload["assessment_key"]] = payload
    return state
