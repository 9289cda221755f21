import random

import pytest

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.registry import InstrumentRegistry, builtin_definitions

HEF_VERSION = "1.0.0-provisional"


@pytest.fixture(autouse=True)
def random_should_not_be_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that touches the module-level random generator (docs/development.md)."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("use a seeded random.Random(seed), not the module-level generator")

    for name in ("random", "randint", "randrange", "choice", "choices", "shuffle", "sample"):
        monkeypatch.setattr(random, name, forbidden)


@pytest.fixture(scope="session")
def registry() -> InstrumentRegistry:
    return InstrumentRegistry(builtin_definitions())


@pytest.fixture(scope="session")
def hef(registry: InstrumentRegistry) -> InstrumentDefinition:
    return registry.get("hef", "standard", HEF_VERSION)


@pytest.fixture(scope="session")
def hef_easy(registry: InstrumentRegistry) -> InstrumentDefinition:
    return registry.get("hef", "easy-read", HEF_VERSION)
