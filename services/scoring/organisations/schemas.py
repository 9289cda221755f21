from typing import Any, Literal

from pydantic import BaseModel, Field

TEAM_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{1,63}$"


class TeamCreate(BaseModel):
    code: str = Field(pattern=TEAM_CODE_PATTERN, description="Stable team code, e.g. EQA-LD-NORTH")
    name: str = Field(min_length=1, max_length=200)
    service: str | None = Field(default=None, max_length=200)
    settings: dict[str, Any] = Field(
        default_factory=dict,
        description="Local practice, e.g. episode types in use and review interval in months",
    )


class TeamRead(BaseModel):
    code: str
    name: str
    service: str | None
    organisation_ods_code: str
    settings: dict[str, Any]


class MemberPut(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    role: Literal["member", "lead"]


class MemberRead(BaseModel):
    subject: str
    display_name: str
    role: Literal["member", "lead"]
