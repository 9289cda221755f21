"""Sex as Equitas records it, read from FHIR ``Patient.gender``.

Source: FHIR R4 ``AdministrativeGender`` value set (http://hl7.org/fhir/R4/valueset-
administrative-gender.html): ``male | female | other | unknown``. UK Core Patient uses the
same binding. FHIR ``gender`` is administrative gender, not birth sex (UK Core carries
birth sex in a separate extension); Equitas reports it as the EPR recorded it.
"""

from enum import StrEnum


class UnknownGender(ValueError):
    """A FHIR gender code outside ``AdministrativeGender``."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"{code!r} is not a FHIR AdministrativeGender code")


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


def from_fhir_gender(gender: str | None) -> Sex:
    """The ``Sex`` for a FHIR gender code; an absent gender is ``unknown``.

    Codes are matched exactly (FHIR codes are case-sensitive); anything else raises
    ``UnknownGender`` rather than being guessed.
    """
    if gender is None:
        return Sex.UNKNOWN
    try:
        return Sex(gender)
    except ValueError:
        raise UnknownGender(gender) from None
