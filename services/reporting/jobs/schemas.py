import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.reporting.org_summary.data import Level

JobReport = Literal["hef-summary", "commissioner-pack"]
ORG_CODE = r"^[A-Z0-9][A-Z0-9-]{0,63}$"


class JobCreate(BaseModel):
    """Which aggregate report, as which file, about what (as the report's own query
    parameters say)."""

    report: JobReport
    format: Literal["pdf", "html"] = "pdf"
    organisation: str | None = Field(
        None, max_length=64, pattern=ORG_CODE, description="hef-summary: the unit"
    )
    level: Level | None = Field(None, description="hef-summary: units of the figures")
    icb: str | None = Field(
        None, max_length=64, pattern=ORG_CODE, description="commissioner-pack: the ICB"
    )
    year: int | None = Field(
        None, ge=2000, le=2100, description="The financial year starting 1 April of this year"
    )


class JobRead(BaseModel):
    id: uuid.UUID
    report: str
    format: str
    status: Literal["queued", "running", "done", "failed"]
    stage: str = Field(description="queued, fetching, rendering, done or failed")
    progress: int = Field(description="Per cent done")
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None = Field(description="When the file is deleted")
    result_url: str | None = Field(description="Where to download the file, once done")
    error_status: int | None = Field(description="If failed: the HTTP status it failed with")
    error_detail: str | None = None
