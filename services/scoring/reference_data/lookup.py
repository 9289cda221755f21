"""Postcode -> LSOA -> IMD decile, with the reason whenever no decile can be given.

Sources: ONS postcode directory (``postcodes``) for postcode -> LSOA; English Indices of
Deprivation (``imd``) for LSOA -> decile. Core20 is the most deprived 20% of LSOAs
nationally, i.e. IMD deciles 1-2 (NHS England, "Core20PLUS5"). Quintiles pair deciles
(1-2 -> 1, ..., 9-10 -> 5), the usual IoD practice.

The LSOA used is the one on the IMD vintage's boundaries (2011 LSOAs for IoD2019, 2021
LSOAs for IoD2025): joining a 2021 LSOA to IoD2019 would silently give wrong deciles.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from services.scoring.reference_data.imd import (
    IMD_VINTAGES,
    ImdEntry,
    imd_vintage,
    load_imd_file,
)
from services.scoring.reference_data.postcodes import (
    InvalidPostcode,
    PostcodeEntry,
    load_postcode_directory,
    normalise_postcode,
)

FILES_DIR = Path(__file__).parent / "files"
SAMPLE_IMD_FILE = FILES_DIR / "imd2019_file7_sample_synthetic.csv"
SAMPLE_POSTCODE_FILE = FILES_DIR / "nspl_sample_synthetic.csv"

CORE20_MAX_DECILE = 2


class DeprivationStatus(StrEnum):
    FOUND = "found"
    UNKNOWN_POSTCODE = "unknown_postcode"
    NO_IMD_FOR_LSOA = "no_imd_for_lsoa"
    INVALID_POSTCODE = "invalid_postcode"
    TERMINATED_POSTCODE = "terminated_postcode"


class DeprivationLookupError(ValueError):
    """The lookup was built or asked for an IMD vintage it does not have."""


class InvalidDecile(ValueError):
    def __init__(self, decile: int) -> None:
        self.decile = decile
        super().__init__(f"IMD decile {decile} is not 1-10")


def imd_quintile(decile: int) -> int:
    """IMD quintile (1 = most deprived 20%) of an IMD decile."""
    if not 1 <= decile <= 10:
        raise InvalidDecile(decile)
    return (decile + 1) // 2


def is_core20(decile: int) -> bool:
    """True for the most deprived 20% nationally (deciles 1-2)."""
    if not 1 <= decile <= 10:
        raise InvalidDecile(decile)
    return decile <= CORE20_MAX_DECILE


@dataclass(frozen=True, slots=True)
class DeprivationResult:
    """The outcome of one lookup.

    A terminated postcode keeps its last LSOA and decile (the directory still gives them)
    with status ``terminated_postcode``, so the caller decides whether to use them.
    """

    status: DeprivationStatus
    postcode_normalised: str | None
    lsoa_code: str | None
    imd_decile: int | None  # 1 = most deprived 10%
    imd_vintage: str | None

    @property
    def imd_quintile(self) -> int | None:
        return None if self.imd_decile is None else imd_quintile(self.imd_decile)

    @property
    def core20(self) -> bool | None:
        return None if self.imd_decile is None else is_core20(self.imd_decile)


class DeprivationLookup:
    """IMD deciles for postcodes, from IMD tables by vintage and a postcode directory.

    ``default_vintage`` is used when a lookup does not name one; it defaults to the newest
    vintage supplied.
    """

    def __init__(
        self,
        imd_by_vintage: Mapping[str, Mapping[str, ImdEntry]],
        postcodes: Mapping[str, PostcodeEntry],
        *,
        default_vintage: str | None = None,
    ) -> None:
        if not imd_by_vintage:
            raise DeprivationLookupError("at least one IMD vintage is needed")
        for name in imd_by_vintage:
            imd_vintage(name)  # raises for an unknown vintage
        self._imd = dict(imd_by_vintage)
        self._postcodes = postcodes
        newest = max(self._imd, key=list(IMD_VINTAGES).index)
        self.default_vintage = default_vintage or newest
        if self.default_vintage not in self._imd:
            raise DeprivationLookupError(f"no IMD table for vintage {self.default_vintage}")

    @property
    def vintages(self) -> tuple[str, ...]:
        return tuple(self._imd)

    @property
    def postcodes(self) -> Mapping[str, PostcodeEntry]:
        return self._postcodes

    def for_postcode(
        self, postcode: str | None, *, vintage: str | None = None
    ) -> DeprivationResult:
        """The IMD decile for a postcode, or the reason there is none."""
        name = vintage or self.default_vintage
        table = self._imd.get(name)
        if table is None:
            raise DeprivationLookupError(f"no IMD table loaded for vintage {name}")
        try:
            normalised = normalise_postcode(postcode or "")
        except InvalidPostcode:
            return DeprivationResult(DeprivationStatus.INVALID_POSTCODE, None, None, None, None)
        entry = self._postcodes.get(normalised)
        if entry is None:
            return DeprivationResult(
                DeprivationStatus.UNKNOWN_POSTCODE, normalised, None, None, None
            )
        lsoa = entry.lsoa_for_year(imd_vintage(name).lsoa_year)
        imd = table.get(lsoa) if lsoa is not None else None
        if imd is None:
            return DeprivationResult(
                DeprivationStatus.NO_IMD_FOR_LSOA, normalised, lsoa, None, None
            )
        status = (
            DeprivationStatus.TERMINATED_POSTCODE if entry.terminated else DeprivationStatus.FOUND
        )
        return DeprivationResult(status, normalised, lsoa, imd.decile, name)


@cache
def default_lookup() -> DeprivationLookup:
    """The lookup over the SYNTHETIC sample files shipped in ``files/`` (loaded once).

    For demos and tests only: its postcodes and LSOAs do not exist. Real deployments build
    a ``DeprivationLookup`` from the published IoD File 7 and NSPL/ONSPD with the same
    loaders.
    """
    imd = load_imd_file(SAMPLE_IMD_FILE, vintage="IoD2019")
    postcodes = load_postcode_directory(SAMPLE_POSTCODE_FILE)
    return DeprivationLookup({"IoD2019": imd}, postcodes)
