"""``equitas-ingest generate --count N --out FILE``: synthetic UK Core Patients for
integrators to test a load with, one per line (the NDJSON ``equitas-ingest patients``
reads).

Made by the demo data's own generator (``demo_data.generator.generate_people`` and
``demo_data.fhir_patient.to_uk_core_patient``): NHS numbers from the range reserved for
testing (999 000 0000 - 999 999 9999, never issued), Modulus 11 check digits, unique within
a seed; names, dates of birth, ethnic categories, synthetic postcodes and GP practices.
Nothing is real. The same seed gives the same Patients.
"""

import argparse
from collections.abc import Iterator
from datetime import UTC, datetime, time
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from services.scoring.demo_data.fhir_patient import to_uk_core_patient
from services.scoring.demo_data.generator import DEFAULT_AS_OF, generate_people
from services.scoring.demo_data.organisations import default_organisation_tree
from services.scoring.reference_data.lookup import default_lookup

__all__ = ["MAX_COUNT", "add_arguments", "generate", "synthetic_patients"]

# The test range has 909,091 valid NHS numbers; keep well inside it.
MAX_COUNT = 900_000


def synthetic_patients(count: int, seed: int) -> Iterator[dict[str, Any]]:
    """``count`` UK Core Patients, each with a test-range NHS number."""
    as_of = datetime.combine(DEFAULT_AS_OF, time(), UTC)
    # The generator leaves a few people without an NHS number, as real extracts do; an
    # integrator's test file gives every Patient one, so draw a few more and skip those.
    people = generate_people(
        seed, count + count // 50 + 10, default_organisation_tree(), default_lookup()
    )
    with_number = (person for person in people if person.nhs_number is not None)
    for person in islice(with_number, count):
        yield to_uk_core_patient(person, last_updated=as_of)


def generate(count: int, out: Path, seed: int) -> int:
    """Write the Patients to ``out`` (NDJSON); how many were written."""
    written = 0
    with out.open("wb") as handle:
        for patient in synthetic_patients(count, seed):
            handle.write(orjson.dumps(patient) + b"\n")
            written += 1
    return written


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, required=True, help=f"Patients (1-{MAX_COUNT:,})")
    parser.add_argument("--out", type=Path, required=True, help="the NDJSON file to write")
    parser.add_argument("--seed", type=int, default=1, help="the same seed, the same Patients")
