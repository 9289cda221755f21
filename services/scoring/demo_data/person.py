"""A synthetic person: what the generator makes, and what the assessment history, the
FHIR Patient and the seed's rows are built from. Nothing here is real (see ``generator``).
"""

from dataclasses import dataclass
from datetime import date

from services.scoring.people.ethnicity import EthnicCategory
from services.scoring.people.sex import Sex


@dataclass(frozen=True, slots=True)
class SyntheticPerson:
    index: int  # position in the generated stream
    nhs_number: str | None  # 10 digits, test range; None for the few without one
    nhs_number_verification: str  # UK Core verification status code, "01" or "02"
    local_id: str  # the trust EPR's own id, unique within the trust
    given_name: str
    family_name: str
    birth_date: date
    sex: Sex
    ethnic_category: EthnicCategory
    postcode: str
    lsoa_code: str | None
    imd_decile: int | None  # 1 = most deprived 10%
    imd_vintage: str | None
    imd_status: str  # DeprivationStatus value
    gp_practice_code: str
    trust_code: str
    team_code: str
    interpreter_required: bool | None
    language: str | None  # BCP-47, set when an interpreter is needed
