"""What the board roll-ups answer: trusts side by side, by name, never ranked (decision 0047)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

Order = Literal["organisation_name"]
ORDER_DESCRIPTION = (
    "How organisations are listed: by name, then ODS code; never by score, level or rating"
)


class OrganisationRef(BaseModel):
    code: str = Field(description="ODS code")
    name: str | None = Field(description="Name in the organisation hierarchy; null if unknown")


class Maturity(BaseModel):
    score: float | None = Field(description="Score, % of the maximum")
    level: str | None = Field(
        description="Maturity level code: not_started, emerging, developing, maturing, thriving"
    )


class DomainMaturity(Maturity):
    domain: str = Field(description="Domain code of the definition, e.g. capacity")


class MaturityYear(BaseModel):
    year: int = Field(description="Calendar year of the assessment date")
    assessed_on: date
    instrument_version: str
    overall: Maturity
    domains: list[DomainMaturity] = Field(description="In the definition's order")


class OrganisationMaturity(BaseModel):
    organisation: OrganisationRef
    years: list[MaturityYear] = Field(description="Oldest first; years without one are absent")


class BoardMaturity(BaseModel):
    icb: str | None = Field(description="The ICB asked for, if any")
    order: Order = Field(description=ORDER_DESCRIPTION)
    years: list[int] = Field(description="Every year any organisation listed has, oldest first")
    domains: list[str] = Field(description="Every domain met, in the definition's order")
    organisations: list[OrganisationMaturity]
    caveats: list[str]


class RatingRollUp(BaseModel):
    code: str = Field(description="Key line of enquiry (k1..k8), priority (p1..p5) or overall")
    rating: str | None = Field(
        description="assured, partly_assured or not_assured: the lowest assessed rating; "
        "null when no cell of it was assessed"
    )
    assured: int = Field(description="Cells assured")
    partly_assured: int = Field(description="Cells partly assured")
    not_assured: int = Field(description="Cells not assured")
    not_assessed: int = Field(description="Cells rated not assessed")


class ScorecardRollUps(BaseModel):
    assessed_on: date
    submitted_at: datetime | None
    instrument_version: str
    overall: RatingRollUp
    key_lines_of_enquiry: list[RatingRollUp] = Field(description="Rows, in the definition's order")
    priorities: list[RatingRollUp] = Field(description="Columns, in the definition's order")


class OrganisationScorecards(BaseModel):
    organisation: OrganisationRef
    scorecards: list[ScorecardRollUps] = Field(description="Every submitted one, oldest first")


class BoardScorecards(BaseModel):
    icb: str | None = Field(description="The ICB asked for, if any")
    order: Order = Field(description=ORDER_DESCRIPTION)
    dates: list[date] = Field(description="Every assessment date met, oldest first")
    organisations: list[OrganisationScorecards]
    caveats: list[str]


class OrganisationalFeedStatus(BaseModel):
    caught_up: bool = Field(description="The feed was last read to its end after everything "
                            "applied before it")  # fmt: skip
    events_applied: int = Field(description="Events applied since the store was created")
    checked_at: datetime | None = Field(description="When the feed was last read to its end")
    last_event_at: datetime | None = Field(
        description="When scoring recorded the last event applied"
    )
