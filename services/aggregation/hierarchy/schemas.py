from datetime import date

from pydantic import BaseModel, Field

from services.aggregation.hierarchy.rules import Level, UnitKind

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,63}$"
Code = Field(pattern=CODE_PATTERN, max_length=64, description="ODS code, or a team's code")


class OrganisationRead(BaseModel):
    code: str
    name: str | None = Field(description="null for a team known only from its assessments")
    kind: UnitKind
    level: Level
    parent_code: str | None = Field(description="The parent on the date asked (default today)")
    source: str = Field(
        description="reference (the ODS-style file), admin, or feed (a team its assessments "
        "name, under the trust they name)"
    )


class LinkRead(BaseModel):
    id: int
    child_code: str
    parent_code: str
    valid_from: date
    valid_to: date | None = Field(description="Exclusive; null while the link holds")
    source: str


class LinkCreate(BaseModel):
    child_code: str = Code
    parent_code: str = Code
    valid_from: date = Field(ge=date(1948, 7, 5), le=date(2200, 1, 1))
    valid_to: date | None = Field(default=None, ge=date(1948, 7, 5), le=date(2200, 1, 1))
    child_name: str | None = Field(
        default=None, min_length=1, max_length=200, description="Needed for a new unit"
    )
    child_kind: UnitKind | None = Field(default=None, description="Needed for a new unit")


class LinkCreated(BaseModel):
    link: LinkRead
    ended: LinkRead | None = Field(
        description="The open-ended link this one succeeds, now ending where it starts"
    )
