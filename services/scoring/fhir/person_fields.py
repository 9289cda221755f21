"""A mapped UK Core Patient -> the values of the person record's columns.

Source: the person table (``people.models.Person``) and the deprivation rule of
``people.service.apply_postcode``: a postcode is looked up in the reference data (postcode ->
LSOA -> IMD decile of the configured vintage); an unknown postcode keeps the record with
IMD unknown (status ``unknown_postcode``), no postcode gives status ``no_postcode``. A unit
test checks that the two give the same values for the same postcodes.

Pure: no session, no ORM object (a bulk write of thousands of people builds plain rows).
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from services.scoring.fhir.ingest_plan import Identity
from services.scoring.fhir.patient_mapping import MappedPatient
from services.scoring.reference_data.lookup import DeprivationLookup

__all__ = ["PersonFields", "person_fields"]

NO_POSTCODE = "no_postcode"


@dataclass(frozen=True, slots=True)
class PersonFields:
    """The person columns a FHIR push sets (``source`` is always ``fhir``)."""

    nhs_number: str | None
    nhs_number_verification_status: str | None
    local_id: str | None
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    ethnic_category: str | None
    ethnic_category_system: str | None
    ethnic_category_source_code: str | None
    postcode: str | None
    lsoa_code: str | None
    imd_decile: int | None
    imd_vintage: str | None
    imd_status: str
    gp_practice_ods: str | None
    gp_practitioner_gmp: str | None
    interpreter_required: bool | None
    language: str | None
    source_last_updated: datetime | None


# (postcode, LSOA, IMD decile, IMD vintage, status) for a postcode.
_Deprivation = tuple[str | None, str | None, int | None, str | None, str]


@lru_cache(maxsize=65536)
def _deprivation(lookup: DeprivationLookup, postcode: str | None) -> _Deprivation:
    """Cached per lookup and postcode: a trust's patients share postcodes, and a Bundle of
    thousands would otherwise repeat the same lookups (they are a tenth of the mapping)."""
    if postcode is None:
        return None, None, None, None, NO_POSTCODE
    result = lookup.for_postcode(postcode)
    normalised = result.postcode_normalised or postcode.strip().upper()
    return normalised, result.lsoa_code, result.imd_decile, result.imd_vintage, str(result.status)


def person_fields(
    patient: MappedPatient, lookup: DeprivationLookup, identity: Identity | None = None
) -> PersonFields:
    """The person columns for ``patient``; lengths were checked by ``map_patient``.

    ``identity`` gives the person's identifiers when they differ from the Patient's (one
    attached before and not sent again is kept: ``ingest_plan``).

    Given names are stored joined by spaces (the record has one given-name field); a name
    with only a given name stores an empty family name, as the column requires a value.
    """
    postcode, lsoa_code, imd_decile, imd_vintage, imd_status = _deprivation(
        lookup, patient.postcode
    )
    identity = identity or Identity(
        patient.nhs_number, patient.local_id, patient.nhs_number_verification_status
    )
    return PersonFields(
        nhs_number=identity.nhs_number,
        nhs_number_verification_status=identity.verification_status,
        local_id=identity.local_id,
        given_name=" ".join(patient.given_names),
        family_name=patient.family_name or "",
        birth_date=patient.birth_date,
        sex=patient.sex.value,
        ethnic_category=patient.ethnic_category_code,
        ethnic_category_system=patient.ethnic_category_system,
        ethnic_category_source_code=patient.ethnic_category_source_code,
        postcode=postcode,
        lsoa_code=lsoa_code,
        imd_decile=imd_decile,
        imd_vintage=imd_vintage,
        imd_status=imd_status,
        gp_practice_ods=patient.gp_practice_ods,
        gp_practitioner_gmp=patient.gp_practitioner_gmp,
        interpreter_required=patient.interpreter_required,
        language=patient.language,
        source_last_updated=patient.last_updated,
    )
