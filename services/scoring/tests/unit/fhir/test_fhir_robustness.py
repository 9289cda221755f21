"""Every element replaced by every wrong JSON shape: the answer is a mapping or a
FhirInputError with issues, never another exception (a 500 at the API)."""

import copy
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from services.scoring.fhir.bundle import parse_bundle
from services.scoring.fhir.operation_outcome import FhirInputError
from services.scoring.fhir.patient_mapping import map_patient

WRONG_SHAPES: list[Any] = [None, True, 7, "x", [], {}, [[]], [{}], {"a": []}]

Path = tuple[str | int, ...]


def _paths(value: Any, path: Path = ()) -> Iterator[Path]:
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield (*path, key)
        yield from _paths(child, (*path, key))


def _replaced(resource: Any, path: Path, replacement: Any) -> Any:
    changed = copy.deepcopy(resource)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = replacement
    return changed


def _crash(read: Callable[[], object]) -> str | None:
    """None when ``read`` maps or raises FhirInputError with issues; else what happened."""
    try:
        read()
    except FhirInputError as error:
        return None if error.issues else "FhirInputError without issues"
    except Exception as error:  # the failure this test looks for
        return repr(error)
    return None


def test_patient_with_any_element_in_any_wrong_shape(
    fixture_json: Callable[[str], Any], today: date
) -> None:
    patient = fixture_json("patient-full.json")
    crashes = []
    for path in _paths(patient):
        for replacement in WRONG_SHAPES:
            changed = _replaced(patient, path, replacement)
            crash = _crash(lambda changed=changed: map_patient(changed, today=today))
            if crash:
                crashes.append((path, replacement, crash))
    assert crashes == []


def test_bundle_envelope_with_any_element_in_any_wrong_shape(
    fixture_json: Callable[[str], Any], today: date
) -> None:
    crashes = []
    for kind in ("transaction", "batch"):
        bundle = fixture_json("bundle-transaction.json") | {"type": kind}
        for path in (path for path in _paths(bundle) if "resource" not in path):
            for replacement in WRONG_SHAPES:
                changed = _replaced(bundle, path, replacement)
                crash = _crash(lambda changed=changed: parse_bundle(changed, today=today))
                if crash:
                    crashes.append((kind, path, replacement, crash))
    assert crashes == []
