"""Fixture files for the FHIR unit tests (synthetic patients, test-range NHS numbers only)."""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

FIXTURES = Path(__file__).parents[2] / "fixtures" / "fhir"


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read


@pytest.fixture
def fixture_json() -> Callable[[str], Any]:
    def read(name: str) -> Any:
        return orjson.loads((FIXTURES / name).read_bytes())

    return read


@pytest.fixture
def today() -> date:
    """A fixed "today", so ended periods and future dates do not drift with the calendar."""
    return date(2026, 1, 15)
