"""Postcode -> LSOA -> IMD decile, every status, quintiles and Core20."""

import pytest

from services.scoring.reference_data.imd import ImdEntry, UnknownImdVintage
from services.scoring.reference_data.lookup import (
    DeprivationLookup,
    DeprivationLookupError,
    DeprivationStatus,
    InvalidDecile,
    default_lookup,
    imd_quintile,
    is_core20,
)
from services.scoring.reference_data.postcodes import PostcodeEntry


@pytest.mark.parametrize(
    ("decile", "quintile", "core20"),
    [
        (1, 1, True),
        (2, 1, True),
        (3, 2, False),
        (4, 2, False),
        (5, 3, False),
        (6, 3, False),
        (7, 4, False),
        (8, 4, False),
        (9, 5, False),
        (10, 5, False),
    ],
)
def test_quintile_and_core20(decile: int, quintile: int, core20: bool) -> None:
    assert imd_quintile(decile) == quintile
    assert is_core20(decile) is core20


@pytest.mark.parametrize("decile", [0, 11, -1])
def test_decile_out_of_range(decile: int) -> None:
    with pytest.raises(InvalidDecile):
        imd_quintile(decile)
    with pytest.raises(InvalidDecile):
        is_core20(decile)


def imd(code: str, decile: int, vintage: str) -> ImdEntry:
    return ImdEntry(code, f"{code} name", "E06999001", "Demo", 10.0, decile * 3000, decile, vintage)


def place(postcode: str, lsoa11: str | None, lsoa21: str | None, doterm: str = "") -> PostcodeEntry:
    return PostcodeEntry(postcode, lsoa11, lsoa21, bool(doterm), doterm or None)


@pytest.fixture
def lookup() -> DeprivationLookup:
    iod2019 = {
        "E01990001": imd("E01990001", 1, "IoD2019"),
        "E01990002": imd("E01990002", 7, "IoD2019"),
    }
    iod2025 = {
        "E01995001": imd("E01995001", 3, "IoD2025"),
        "E01990002": imd("E01990002", 8, "IoD2025"),
    }
    postcodes = {
        "ZZ1 0AA": place("ZZ1 0AA", "E01990001", "E01995001"),  # LSOA changed in 2021
        "ZZ1 0AB": place("ZZ1 0AB", "E01990002", "E01990002", doterm="201506"),
        "ZZ11 0AA": place("ZZ11 0AA", "W01990001", "W01990001"),
    }
    return DeprivationLookup(
        {"IoD2019": iod2019, "IoD2025": iod2025}, postcodes, default_vintage="IoD2019"
    )


def test_found(lookup: DeprivationLookup) -> None:
    result = lookup.for_postcode("zz10aa")
    assert result.status is DeprivationStatus.FOUND
    assert (result.postcode_normalised, result.lsoa_code) == ("ZZ1 0AA", "E01990001")
    assert (result.imd_decile, result.imd_vintage) == (1, "IoD2019")
    assert (result.imd_quintile, result.core20) == (1, True)


def test_vintage_picks_the_matching_lsoa_boundaries(lookup: DeprivationLookup) -> None:
    result = lookup.for_postcode("ZZ1 0AA", vintage="IoD2025")
    assert (result.lsoa_code, result.imd_decile, result.imd_vintage) == ("E01995001", 3, "IoD2025")


def test_newest_vintage_is_the_default() -> None:
    entry = imd("E01995001", 4, "IoD2025")
    both = DeprivationLookup(
        {"IoD2025": {"E01995001": entry}, "IoD2019": {}},
        {"ZZ1 0AA": place("ZZ1 0AA", "E01990001", "E01995001")},
    )
    assert both.default_vintage == "IoD2025"
    assert both.for_postcode("ZZ1 0AA").imd_decile == 4


def test_terminated_postcode_keeps_its_last_decile(lookup: DeprivationLookup) -> None:
    result = lookup.for_postcode("ZZ1 0AB")
    assert result.status is DeprivationStatus.TERMINATED_POSTCODE
    assert (result.lsoa_code, result.imd_decile) == ("E01990002", 7)
    assert (result.imd_quintile, result.core20) == (4, False)


def test_unknown_postcode(lookup: DeprivationLookup) -> None:
    result = lookup.for_postcode("ZZ12 3AB")
    assert result.status is DeprivationStatus.UNKNOWN_POSTCODE
    assert result.postcode_normalised == "ZZ12 3AB"
    assert (result.lsoa_code, result.imd_decile, result.imd_quintile, result.core20) == (
        None,
        None,
        None,
        None,
    )


def test_no_imd_for_lsoa(lookup: DeprivationLookup) -> None:
    result = lookup.for_postcode("ZZ11 0AA")
    assert result.status is DeprivationStatus.NO_IMD_FOR_LSOA
    assert (result.lsoa_code, result.imd_decile) == ("W01990001", None)


@pytest.mark.parametrize("postcode", [None, "", "not a postcode", "12345"])
def test_invalid_postcode(lookup: DeprivationLookup, postcode: str | None) -> None:
    result = lookup.for_postcode(postcode)
    assert result.status is DeprivationStatus.INVALID_POSTCODE
    assert result.postcode_normalised is None


def test_vintage_errors(lookup: DeprivationLookup) -> None:
    with pytest.raises(UnknownImdVintage):
        DeprivationLookup({"IoD2015": {}}, {})
    with pytest.raises(DeprivationLookupError):
        DeprivationLookup({}, {})
    with pytest.raises(DeprivationLookupError):
        DeprivationLookup({"IoD2019": {}}, {}, default_vintage="IoD2025")
    with pytest.raises(DeprivationLookupError):
        DeprivationLookup({"IoD2019": {}}, {}).for_postcode("ZZ1 0AA", vintage="IoD2025")


def test_default_lookup_over_the_shipped_samples() -> None:
    lookup = default_lookup()
    assert lookup is default_lookup()  # loaded once
    assert lookup.vintages == ("IoD2019",)
    assert lookup.for_postcode("ZZ1 0AA").status is DeprivationStatus.FOUND
    assert lookup.for_postcode("zz100aa").postcode_normalised == "ZZ10 0AA"
    assert lookup.for_postcode("ZZ11 0AA").status is DeprivationStatus.NO_IMD_FOR_LSOA
    assert lookup.for_postcode("ZZ12 3AB").status is DeprivationStatus.UNKNOWN_POSTCODE
    results = [lookup.for_postcode(p) for p in lookup.postcodes]
    deciles = {r.imd_decile for r in results if r.status is DeprivationStatus.FOUND}
    assert deciles == set(range(1, 11))
    assert any(r.status is DeprivationStatus.TERMINATED_POSTCODE for r in results)
