"""The shape memo accepts only Patients that fhir.resources accepts, and mapping gives the
same answer with it as without it (decision 0049)."""

import copy
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fhir.resources.R4B.patient import Patient

from services.scoring.demo_data.fhir_patient import to_uk_core_patient
from services.scoring.demo_data.generator import generate_people
from services.scoring.demo_data.organisations import default_organisation_tree
from services.scoring.fhir import patient_mapping
from services.scoring.fhir.operation_outcome import FhirInputError
from services.scoring.fhir.patient_mapping import map_patient
from services.scoring.fhir.validation_memo import ShapeMemo
from services.scoring.reference_data.lookup import default_lookup

VALID_FIXTURES = [
    "patient-full.json",
    "patient-minimal.json",
    "patient-uk-core-round-trip.json",
    "patient-unknown-extensions.json",
    "patient-welsh-ethnicity.json",
]
# Every JSON type, and values of the right type that some FHIR type refuses.
REPLACEMENTS: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    "",
    " ",
    "x",
    " x",
    "a  b",
    "a\tb",
    "2020",
    "2020-13",
    "2020-02-30",
    "1984-07-15",
    "2020-02-03T10:00:00",
    "2020-02-03T10:00:00Z",
    "http://x y",
    "x" * 65,
    [],
    {},
    [None],
    ["x"],
    [{}],
    {"url": "http://x"},
    [[]],
]

Path = tuple[str | int, ...]


def _paths(value: Any, path: Path = ()) -> Iterator[Path]:
    items: Any = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        yield (*path, key)
        if isinstance(child, dict | list):
            yield from _paths(child, (*path, key))


def _replaced(resource: Any, path: Path, replacement: Any) -> Any:
    changed = copy.deepcopy(resource)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = copy.deepcopy(replacement)
    return changed


def _variants(resource: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for path in _paths(resource):
        if path == ("resourceType",):
            continue
        for replacement in REPLACEMENTS:
            yield _replaced(resource, path, replacement)


def _valid(resource: dict[str, Any]) -> bool:
    try:
        Patient.model_validate(resource)
    except Exception:  # fhir.resources raises more than ValidationError for some shapes
        return False
    return True


def _without_contained(resource: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in resource.items() if key != "contained"}


@pytest.mark.parametrize("name", VALID_FIXTURES)
def test_the_memo_accepts_only_what_fhir_resources_accepts(
    name: str, fixture_json: Callable[[str], Any]
) -> None:
    base = _without_contained(fixture_json(name))
    variants = list(_variants(base))
    memo = ShapeMemo(Patient)
    memo.accepted(base)
    assert memo.known_valid(base)
    # Every variant fhir.resources accepts is remembered, so that many shapes are known,
    # then every variant is asked about: none that fhir.resources refuses may be known.
    verdicts = [_valid(variant) for variant in variants]
    for variant, valid in zip(variants, verdicts, strict=True):
        if valid:
            memo.accepted(variant)
    wrong = [
        variant
        for variant, valid in zip(variants, verdicts, strict=True)
        if not valid and memo.known_valid(variant)
    ]
    assert wrong == []
    known = sum(memo.known_valid(variant) for variant in variants)
    assert known >= 0.9 * sum(verdicts)  # and it does answer for the valid ones


def test_contained_resources_are_always_validated(fixture_json: Callable[[str], Any]) -> None:
    patient = fixture_json("patient-full.json")
    memo = ShapeMemo(Patient)
    memo.accepted(patient)
    assert not memo.known_valid(patient)


def test_same_shape_other_values() -> None:
    memo = ShapeMemo(Patient)
    first = {"resourceType": "Patient", "gender": "female", "birthDate": "1984-07-15"}
    memo.accepted(first)
    assert memo.known_valid(first | {"gender": "male", "birthDate": "2001-01-31"})
    assert not memo.known_valid(first | {"gender": " female"})  # not a code
    assert not memo.known_valid(first | {"birthDate": "2001-02-30"})
    assert not memo.known_valid(first | {"gender": 7})  # another shape
    assert not memo.known_valid({**first, "active": True})  # another shape


def test_an_object_and_an_array_are_different_shapes() -> None:
    memo = ShapeMemo(Patient)
    memo.accepted({"resourceType": "Patient", "meta": {}, "active": True})
    assert not memo.known_valid({"resourceType": "Patient", "meta": [], "active": True})


def test_synthetic_patients_are_mostly_known_after_a_few() -> None:
    people = generate_people(7, 300, default_organisation_tree(), default_lookup())
    at = datetime(2025, 3, 1, tzinfo=UTC)
    patients = [to_uk_core_patient(person, last_updated=at) for person in people]
    memo = ShapeMemo(Patient)
    known = 0
    for patient in patients:
        if memo.known_valid(patient):
            known += 1
        else:
            assert _valid(patient)
            memo.accepted(patient)
    assert known > len(patients) * 0.8


def _outcome(resource: dict[str, Any], today: date) -> Any:
    try:
        return map_patient(resource, today=today)
    except FhirInputError as error:
        return error.issues
    except Exception as error:  # the same failure either way (see the memo test above)
        return type(error)


class _NeverKnown(ShapeMemo):
    def known_valid(self, resource: dict[str, Any]) -> bool:
        return False


def test_mapping_answers_the_same_with_and_without_the_memo(
    fixture_json: Callable[[str], Any], today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _without_contained(fixture_json("patient-full.json"))
    gp = base["generalPractitioner"]
    base["generalPractitioner"] = [r for r in gp if r.get("reference") != "#registered-practice"]
    variants = [base, *_variants(base)]
    monkeypatch.setattr(patient_mapping, "_SHAPES", ShapeMemo(Patient))
    for variant in variants:  # teach the memo every shape that validates
        _outcome(variant, today)
    with_memo = [_outcome(variant, today) for variant in variants]
    monkeypatch.setattr(patient_mapping, "_SHAPES", _NeverKnown(Patient))
    without = [_outcome(variant, today) for variant in variants]
    assert with_memo == without
