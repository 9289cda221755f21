"""The IoD files' format: vintages, columns found by the start of their header in the
published files' own headers, the census year an LSOA header names, and the rows read."""

import pytest

from services.common import imd_file
from services.common.imd_file import IOD2019, IOD2025, ImdVintage

# The first columns of File 7 as MHCLG publishes them (IoD2019; IoD2025 on 2021 LSOAs).
FILE7_2019 = [
    "\ufeffLSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
    "Local Authority District name (2019)", "Index of Multiple Deprivation (IMD) Score",
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    "Income Score (rate)", "Income Rank (where 1 is most deprived)",
    "Income Decile (where 1 is most deprived 10% of LSOAs)",
]  # fmt: skip
FILE7_2025 = [
    "LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)",
    "Local Authority District name (2024)", "Index of Multiple Deprivation (IMD) Score",
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
]  # fmt: skip
COLUMNS = [
    imd_file.LSOA_CODE,
    imd_file.LSOA_NAME,
    imd_file.LAD_CODE,
    imd_file.LAD_NAME,
    imd_file.IMD_SCORE,
    imd_file.IMD_RANK,
    imd_file.IMD_DECILE,
]


def test_each_vintage_ranks_its_census_lsoas_oldest_first() -> None:
    assert list(imd_file.IMD_VINTAGES.values()) == [IOD2019, IOD2025]
    assert (IOD2019.name, IOD2019.lsoa_year, IOD2019.lsoa_count) == ("IoD2019", 2011, 32_844)
    assert (IOD2025.name, IOD2025.lsoa_year, IOD2025.lsoa_count) == ("IoD2025", 2021, 33_755)
    assert imd_file.imd_vintage("IoD2025") is IOD2025


@pytest.mark.parametrize("name", ["IoD2015", "iod2019", ""])
def test_an_unknown_vintage_is_refused_with_the_known_ones(name: str) -> None:
    with pytest.raises(imd_file.UnknownImdVintage) as error:
        imd_file.imd_vintage(name)
    assert error.value.vintage == name
    assert str(error.value) == f"unknown IMD vintage {name!r}; known: ['IoD2019', 'IoD2025']"


@pytest.mark.parametrize("published", [FILE7_2019, FILE7_2025])
def test_every_column_is_found_in_the_published_headers(published: list[str]) -> None:
    headers = imd_file.clean_header(published)
    assert [imd_file.find_column(headers, [c]) for c in COLUMNS] == [0, 1, 2, 3, 4, 5, 6]


def test_the_byte_order_mark_and_spaces_are_not_part_of_a_name() -> None:
    cleaned = imd_file.clean_header(["\ufeff LSOA code (2011) ", " x", ""])
    assert cleaned == ["LSOA code (2011)", "x", ""]


def test_a_column_is_found_by_its_start_in_any_case_and_place() -> None:
    headers = ["Extra", "index of multiple deprivation (imd) decile", "LSOA CODE (2021)"]
    assert imd_file.find_column(headers, [imd_file.IMD_DECILE]) == 1
    assert imd_file.find_column(headers, [imd_file.LSOA_CODE]) == 2
    # The IMD decile is not another domain's decile, nor a code a name.
    income = ["Income Decile (where 1 is most deprived 10% of LSOAs)"]
    assert imd_file.find_column(income, [imd_file.IMD_DECILE]) is None
    assert imd_file.find_column(["LSOA name (2011)"], [imd_file.LSOA_CODE]) is None
    assert imd_file.find_column([], [imd_file.LSOA_CODE]) is None


def test_the_prefixes_are_tried_in_order_and_the_first_match_wins() -> None:
    headers = ["lsoa21cd", "lsoa11cd", "lsoa11nm"]
    assert imd_file.find_column(headers, ["lsoa11", "lsoa21"]) == 1
    assert imd_file.find_column(headers, ["lsoa01", "lsoa21"]) == 0


@pytest.mark.parametrize(
    ("header", "vintage", "other"),
    [
        ("LSOA code (2011)", IOD2019, None),
        ("LSOA code (2021)", IOD2025, None),
        ("LSOA code (2021)", IOD2019, "2021"),
        ("LSOA code (2011)", IOD2025, "2011"),
        ("lsoa code (0211)", IOD2019, "0211"),  # as the header writes it
        ("LSOA code", IOD2019, None),  # names no year: the vintage chosen stands
        ("LSOA code (2011 boundaries)", IOD2025, None),  # not the published form
    ],
)
def test_an_lsoa_header_naming_other_boundaries_says_which(
    header: str, vintage: ImdVintage, other: str | None
) -> None:
    assert imd_file.other_lsoa_year(header, vintage) == other


def test_blank_rows_and_rows_cut_short() -> None:
    assert imd_file.is_blank([])
    assert imd_file.is_blank(["", " ", "\t"])
    assert not imd_file.is_blank(["", "E01000001"])
    assert imd_file.has_cells_for(["E01000001", "1"], (0, 1))
    assert not imd_file.has_cells_for(["E01000001"], (0, 1))
    assert not imd_file.has_cells_for(["a", "b", "c"], (5, 0))


def test_rows_and_deciles_are_numbered_as_published() -> None:
    assert imd_file.FIRST_ROW == 2  # the header is row 1, as a spreadsheet shows it
    assert list(imd_file.DECILES) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert 0 not in imd_file.DECILES
    assert 11 not in imd_file.DECILES
