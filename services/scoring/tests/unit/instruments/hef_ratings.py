"""Compact HEF ratings for hand-worked examples.

One string per determinant, one character per indicator in the order below:
``0`` no impact, ``1`` low, ``2`` moderate, ``3`` high, ``n`` not assessed, ``.`` unanswered.
"""

INDICATORS: dict[str, tuple[str, ...]] = {
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

_CODES = {"0": "none", "1": "low", "2": "moderate", "3": "high", "n": "not_assessed"}


def ratings(**per_determinant: str) -> dict[str, str]:
    """``ratings(social="210031", ...)`` -> ``{"housing": "moderate", ...}``; a determinant left
    out is unanswered."""
    responses: dict[str, str] = {}
    for determinant, items in INDICATORS.items():
        marks = per_determinant.get(determinant, "." * len(items))
        if len(marks) != len(items):
            raise ValueError(f"{determinant} needs {len(items)} ratings, got {marks!r}")
        for item_id, mark in zip(items, marks, strict=True):
            if mark != ".":
                responses[item_id] = _CODES[mark]
    return responses


def all_rated(code: str) -> dict[str, str]:
    return {item: code for items in INDICATORS.values() for item in items}
