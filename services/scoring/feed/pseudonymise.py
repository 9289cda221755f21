"""Pseudonymised fields for the change feed read by aggregation.

Person key: a keyed hash, HMAC-SHA256 (RFC 2104, FIPS 198-1), of the person's NHS number,
or of ``local:{organisation_code}:{local_id}`` when there is no NHS number. Keyed (not a
plain hash) because NHS numbers are a small, structured space: anyone could hash all ~10^9
of them and reverse an unkeyed hash. The key must be at least 32 bytes: RFC 2104 section 3
strongly discourages keys shorter than the hash output (32 bytes for SHA-256). Same secret + same
identifier -> same key, so aggregation can count people across events without seeing who
they are; rotating the secret unlinks all keys.

Age band: completed years on a given date, in ten-year bands from 25 with 18-24 and a
top band of 85+, the shape ONS and NHS England use in many published tables (their exact
cut-points vary by table). The choice here: everyone under 18 is one band, because
Equitas's services are mainly for adults and children are few, so finer child bands would
mostly be suppressed as small numbers anyway.

Ethnic group: re-exported from ``people.ethnicity`` (NHS Data Dictionary high-level groups).
"""

import hashlib
import hmac
from datetime import date

from services.scoring.people.ethnicity import ethnic_group
from services.scoring.people.nhs_number import normalise_nhs_number

__all__ = [
    "AGE_BANDS",
    "MIN_SECRET_BYTES",
    "PseudonymisationError",
    "age_band_of",
    "age_in_years",
    "ethnic_group",
    "person_key",
]

MIN_SECRET_BYTES = 32
PERSON_KEY_PREFIX = "pk_"

# (lowest age in band, label), ascending; the last band is open-ended.
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "0-17"),
    (18, "18-24"),
    (25, "25-34"),
    (35, "35-44"),
    (45, "45-54"),
    (55, "55-64"),
    (65, "65-74"),
    (75, "75-84"),
    (85, "85+"),
)


class PseudonymisationError(ValueError):
    """Inputs from which no safe pseudonym can be made."""


def person_key(
    secret: bytes,
    *,
    nhs_number: str | None,
    local_id: str | None,
    organisation_code: str,
) -> str:
    """``pk_`` + hex HMAC-SHA256 of the NHS number, else of the organisation's local id.

    The NHS number is normalised first (spaces and hyphens removed, Modulus 11 checked:
    an invalid one raises ``InvalidNhsNumber`` rather than silently keying a typo).
    """
    if len(secret) < MIN_SECRET_BYTES:
        raise PseudonymisationError(
            f"the pseudonymisation secret must be at least {MIN_SECRET_BYTES} bytes"
        )
    if nhs_number is not None and nhs_number.strip():
        message = normalise_nhs_number(nhs_number)
    else:
        local = (local_id or "").strip()
        organisation = organisation_code.strip().upper()
        if not local or not organisation:
            raise PseudonymisationError(
                "a person key needs an NHS number, or a local id and its organisation code"
            )
        # The "local:" prefix keeps local ids apart from NHS numbers (never 10 bare digits).
        message = f"local:{organisation}:{local}"
    digest = hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()
    return PERSON_KEY_PREFIX + digest


def age_in_years(birth_date: date, on_date: date) -> int:
    """Completed years of age on ``on_date`` (a 29 February birthday counts on 1 March).

    Every age the service writes is the database's: ``completed_years(on, born)``, installed
    by migration c41f9a2e7b60 and called by the hot path's statement and the ORM paths alike.
    This is the same rule for data made outside any database (the synthetic demo seed); a
    test runs both over leap days, birthdays, year ends and 500 random pairs."""
    if on_date < birth_date:
        raise PseudonymisationError("the date is before the date of birth")
    had_birthday = (on_date.month, on_date.day) >= (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - (0 if had_birthday else 1)


def age_band_of(age: int) -> str:
    """The age band label (see ``AGE_BANDS``) for an age in completed years."""
    label = AGE_BANDS[0][1]
    for lowest, band in AGE_BANDS:
        if age >= lowest:
            label = band
    return label
