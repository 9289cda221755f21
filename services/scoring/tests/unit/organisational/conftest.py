import pytest

from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.registry import InstrumentRegistry, builtin_definitions

VERSION = "1.0.0-provisional"


@pytest.fixture(scope="session")
def registry() -> InstrumentRegistry:
    return InstrumentRegistry(builtin_definitions())


@pytest.fixture(scope="session")
def self_assessment(registry: InstrumentRegistry) -> InstrumentDefinition:
    return registry.get("board-self-assessment", "standard", VERSION)


@pytest.fixture(scope="session")
def assurance(registry: InstrumentRegistry) -> InstrumentDefinition:
    return registry.get("board-assurance", "standard", VERSION)


@pytest.fixture(scope="session")
def heat(registry: InstrumentRegistry) -> InstrumentDefinition:
    return registry.get("heat", "standard", VERSION)


@pytest.fixture(scope="session")
def heat_audit_definition(registry: InstrumentRegistry) -> InstrumentDefinition:
    return registry.get("heat-audit", "standard", VERSION)
