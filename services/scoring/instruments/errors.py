"""Named domain errors of the instrument engine (never ``assert``, never a pydantic error)."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.scoring.instruments.results import ResponseProblem


class DefinitionError(Exception):
    """A definition file is invalid; ``path`` is a JSON-path-like location such as
    ``$.sections[0].items[2].scale``."""

    def __init__(self, path: str, message: str, *, source_name: str = "") -> None:
        super().__init__(path, message)
        self.path = path
        self.message = message
        self.source_name = source_name

    def with_source(self, source_name: str) -> "DefinitionError":
        return DefinitionError(self.path, self.message, source_name=source_name)

    def __str__(self) -> str:
        prefix = f"{self.source_name}: " if self.source_name else ""
        return f"{prefix}{self.path}: {self.message}"


class UnknownDefinitionError(LookupError):
    """No definition with this instrument, variant (and version) is registered."""


class ResponseError(ValueError):
    """Responses cannot be scored; ``problems`` says which fields and why."""

    def __init__(self, problems: Sequence["ResponseProblem"]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = tuple(problems)


class FhirValidationError(ValueError):
    """An emitted FHIR resource does not validate against the FHIR models."""
