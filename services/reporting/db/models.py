"""Reporting stores nothing but report jobs: never the data a report contains."""

import uuid
from datetime import datetime

from sqlalchemy import MetaData
from sqlmodel import Field, SQLModel

metadata = MetaData()


class ReportingBase(SQLModel):
    metadata = metadata


class ReportJob(ReportingBase, table=True):
    __tablename__ = "report_job"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=64)
    requested_by: str = Field(max_length=128)
    status: str = Field(max_length=16)
    created_at: datetime
    finished_at: datetime | None = None
