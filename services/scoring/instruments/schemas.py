from typing import Any

from pydantic import BaseModel, Field


class InstrumentSummary(BaseModel):
    instrument: str
    variant: str
    version: str
    title: str
    status: str = Field(description="provisional or published")
    subject_type: str
    based_on: str | None = None


class DefinitionProblem(BaseModel):
    path: str
    message: str


class RecomputeDiffRequest(BaseModel):
    instrument: str
    variant: str
    version: str = Field(description="The new version to compare stored assessments against")


class RecomputeDiffReport(BaseModel):
    """What re-scoring stored assessments with another version would change. Nothing is
    altered: stored scores keep the version they were scored with."""

    version: str
    assessments_checked: int
    assessments_changed: int
    report: dict[str, Any]
