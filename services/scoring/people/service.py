"""Applying demographics to a person: the derived fields (IMD decile) follow the postcode."""

from typing import Any

from services.scoring.people.ethnicity import EthnicCategory
from services.scoring.people.models import Person
from services.scoring.people.schemas import Deprivation, PersonRead, Sex
from services.scoring.reference_data.lookup import DeprivationLookup


def apply_postcode(person: Person, postcode: str | None, lookup: DeprivationLookup) -> None:
    """Set postcode, LSOA and IMD decile; an unknown postcode keeps the record, IMD unknown."""
    if postcode is None:
        person.postcode = None
        person.lsoa_code = None
        person.imd_decile = None
        person.imd_vintage = None
        person.imd_status = "no_postcode"
        return
    result = lookup.for_postcode(postcode)
    person.postcode = result.postcode_normalised or postcode.strip().upper()
    person.lsoa_code = result.lsoa_code
    person.imd_decile = result.imd_decile
    person.imd_vintage = result.imd_vintage
    person.imd_status = str(result.status)


def apply_fields(person: Person, fields: dict[str, Any], lookup: DeprivationLookup) -> None:
    for name, value in fields.items():
        if name == "postcode":
            apply_postcode(person, value, lookup)
        else:
            setattr(person, name, value.value if isinstance(value, Sex) else value)


def person_read(person: Person, teams: list[str], corrected: list[str] | None = None) -> PersonRead:
    category = EthnicCategory(person.ethnic_category) if person.ethnic_category else None
    return PersonRead(
        id=person.id,
        nhs_number=person.nhs_number,
        nhs_number_verification_status=person.nhs_number_verification_status,
        local_id=person.local_id,
        given_name=person.given_name,
        family_name=person.family_name,
        birth_date=person.birth_date,
        sex=Sex(person.sex),
        ethnic_category=category,
        ethnic_category_label=category.label if category else None,
        postcode=person.postcode,
        deprivation=Deprivation(
            lsoa_code=person.lsoa_code,
            imd_decile=person.imd_decile,
            imd_vintage=person.imd_vintage,
            status=person.imd_status,
        ),
        gp_practice_ods=person.gp_practice_ods,
        interpreter_required=person.interpreter_required,
        language=person.language,
        source=person.source,
        corrected_fields=corrected or [],
        teams=teams,
        version=person.version,
    )
