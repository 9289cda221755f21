"""Reporting stores nothing but report jobs: the request (organisation codes and a year,
never a person), its progress, and for a while the finished file of an aggregate report."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, MetaData
from sqlmodel import Field, SQLModel

metadata = MetaData()


class ReportingBase(SQLModel):
    metadata = metadata


class ReportJob(ReportingBase, table=True):
    __tablename__ = "report_job"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=64)  # the report's name, e.g. hef-summary
    requested_by: str = Field(max_length=128)  # the token's subject: only they may read it
    status: str = Field(max_length=16)  # queued, running, done, failed
    created_at: datetime
    finished_at: datetime | None = None
    format: str = Field(default="pdf", max_length=8)
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    stage: str = Field(default="queued", max_length=32)
    progress: int = 0  # per cent
    expires_at: datetime | None = Field(default=None, index=True)
    result: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    filename: str | None = Field(default=None, max_length=200)
    error_status: int | None = None
    error_detail: str | None = Field(default=None, max_length=2000)
