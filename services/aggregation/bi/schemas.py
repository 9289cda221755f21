"""Request and response bodies of the BI routes."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from services.aggregation.bi.table import Kind
from services.common.input_rules import Instant

# A label for the dataset a token is for ("Board equity dashboard"): short, one line, no
# free text (aggregation holds none).
DatasetName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9 .,&()'/_-]*$",
        description="What the token is for, e.g. the Power BI dataset's name "
        "(letters, digits, spaces and . , & ( ) ' / _ -)",
    ),
]
TokenId = Annotated[str, Field(pattern=r"^[a-z2-7]{12}$", description="The token's public id")]


class TokenCreate(BaseModel):
    dataset: DatasetName
    expires_at: Instant | None = Field(
        default=None,
        description="When the token stops working: at most 12 months from now (default 180 days)",
    )


class TokenRead(BaseModel):
    id: TokenId
    dataset: str
    organisation_code: str
    created_at: datetime
    created_by: str = Field(description="User id of the administrator who minted it")
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    status: Literal["active", "expired", "revoked"]


class TokenMinted(TokenRead):
    token: str = Field(
        description="The token itself: shown this once and never again. Use it as the "
        "password of HTTP Basic (any user name) or as a Bearer token on /api/aggregation/bi"
    )


class TokenUse(BaseModel):
    used_at: datetime
    method: str
    path: str = Field(description="The path requested, without its query string")
    status: int = Field(description="The HTTP status it was answered with")


class ColumnRead(BaseModel):
    name: str
    type: Kind
    nullable: bool
    key: bool
    description: str


class TableRead(BaseModel):
    name: str
    description: str
    columns: list[ColumnRead]
    formats: list[str]


class Tables(BaseModel):
    tables: list[TableRead]


class TableDocument(BaseModel):
    """A table as JSON: its rows as objects named by the columns."""

    table: str
    data_as_of: datetime = Field(description="When the figures were last brought up to date")
    columns: list[str]
    rows: list[dict[str, str | float | int | bool | None]]
