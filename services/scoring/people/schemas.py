import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from services.common.input_rules import FreeText
from services.scoring.people.ethnicity import EthnicCategory, ethnic_category_from_code
from services.scoring.people.nhs_number import normalise_nhs_number


class Sex(StrEnum):
    male = "male"
    female = "female"
    other = "other"
    unknown = "unknown"


def _ethnic_code(value: str) -> str:
    return ethnic_category_from_code(value).value


def _not_in_future(value: date) -> date:
    if value > datetime.now(UTC).date():
        raise ValueError("date of birth is in the future")
    return value


NhsNumber = Annotated[
    str,
    AfterValidator(normalise_nhs_number),
    Field(
        description="10 digits, spaces allowed; checked by Modulus 11", examples=["999 000 0018"]
    ),
]
EthnicCode = Annotated[
    str,
    AfterValidator(_ethnic_code),
    Field(description="NHS Data Dictionary ethnic category code (A-S, Z, 99)"),
]
BirthDate = Annotated[date, AfterValidator(_not_in_future)]
OdsCode = Annotated[str, Field(pattern=r"^[A-Z0-9]{3,8}$")]
Postcode = Annotated[str, Field(min_length=5, max_length=8)]


class PersonCreate(BaseModel):
    team_code: str = Field(description="The team whose caseload the person joins")
    nhs_number: NhsNumber | None = None
    local_id: str | None = Field(default=None, min_length=1, max_length=64)
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    birth_date: BirthDate
    sex: Sex
    ethnic_category: EthnicCode | None = None
    postcode: Postcode | None = None
    gp_practice_ods: OdsCode | None = None
    interpreter_required: bool | None = None
    language: str | None = Field(default=None, max_length=16)

    @model_validator(mode="after")
    def _one_identifier(self) -> "PersonCreate":
        if self.nhs_number is None and self.local_id is None:
            raise ValueError("give an nhs_number, or a local_id when the NHS number is unknown")
        return self


class PersonUpdate(BaseModel):
    """Only the fields sent are changed. A name, the date of birth and sex can be corrected
    but not removed (null is refused): the person's record always has them."""

    given_name: str | None = Field(default=None, min_length=1, max_length=100)
    family_name: str | None = Field(default=None, min_length=1, max_length=100)
    birth_date: BirthDate | None = None
    sex: Sex | None = None
    ethnic_category: EthnicCode | None = None
    postcode: Postcode | None = None
    gp_practice_ods: OdsCode | None = None
    interpreter_required: bool | None = None
    language: str | None = Field(default=None, max_length=16)

    @field_validator("given_name", "family_name", "birth_date", "sex")
    @classmethod
    def _kept(cls, value: object) -> object:
        # Runs only on a value sent: left out, the field keeps its default and is not changed.
        if value is None:
            raise ValueError("cannot be removed: send a corrected value or leave it out")
        return value


class Deprivation(BaseModel):
    lsoa_code: str | None
    imd_decile: int | None = Field(description="1 = most deprived 10% of LSOAs")
    imd_vintage: str | None
    status: str = Field(description="found, unknown_postcode, terminated_postcode, ...")


class PersonRead(BaseModel):
    id: uuid.UUID
    nhs_number: str | None
    nhs_number_verification_status: str | None
    local_id: str | None
    given_name: str
    family_name: str
    birth_date: date
    sex: Sex
    ethnic_category: EthnicCategory | None
    ethnic_category_label: str | None
    postcode: str | None
    deprivation: Deprivation
    gp_practice_ods: str | None
    interpreter_required: bool | None
    language: str | None
    source: str
    corrected_fields: list[str] = Field(
        default_factory=list,
        description="For a person an EPR sent (source fhir): the fields staff corrected in "
        "Equitas since the latest Patient; every other field is as the EPR sent it",
    )
    teams: list[str]
    version: int


class LastAssessment(BaseModel):
    """The person's latest assessment that is not deleted: a draft counts."""

    id: uuid.UUID
    episode_type: str
    assessed_on: date
    status: str


class PersonSummary(BaseModel):
    id: uuid.UUID
    nhs_number: str | None
    given_name: str
    family_name: str
    birth_date: date
    teams: list[str]
    last_assessment: LastAssessment | None = None
    review_due: date | None = Field(
        default=None,
        description="When the next review falls due: the team's review interval after the "
        "latest submitted assessment; none before the first one or after a discharge",
    )


class CaseloadAdd(BaseModel):
    """Name the person by id, or by NHS number (e.g. someone an EPR sent who is referred to
    the team): the caller must already know one of them."""

    person_id: uuid.UUID | None = None
    nhs_number: NhsNumber | None = None
    reason: FreeText | None = Field(
        default=None,
        min_length=10,
        max_length=2000,
        description=(
            "Why you need access (break-glass): required when another team of your "
            "organisation cares for the person; shown to that team's lead and to "
            "organisation administrators"
        ),
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "CaseloadAdd":
        if (self.person_id is None) == (self.nhs_number is None):
            raise ValueError("give exactly one of person_id or nhs_number")
        return self


class BreakGlassRead(BaseModel):
    """A person added to a team's caseload while other teams of the organisation cared for
    them: who did it, when and why (decision 0014)."""

    person_id: uuid.UUID
    team_code: str = Field(description="The team that gained access")
    added_by: str | None
    added_at: datetime
    reason: str
    caring_teams: list[str] = Field(description="The other teams caring for the person now")


class BreakGlassRevoke(BaseModel):
    reason: FreeText = Field(min_length=5, max_length=2000, description="Why access is revoked")
