"""IoD File 7 loader: prefix-matched headers, quoted commas, vintages, bad rows."""

from collections import Counter
from pathlib import Path

import pytest

from services.scoring.reference_data.csv_source import ReferenceFileError
from services.scoring.reference_data.imd import UnknownImdVintage, load_imd_file
from services.scoring.reference_data.lookup import SAMPLE_IMD_FILE

HEADER_2019 = (
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Score,"
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
)


def test_shipped_sample_loads_with_deciles_spread_evenly() -> None:
    entries = load_imd_file(SAMPLE_IMD_FILE, vintage="IoD2019")
    assert len(entries) == 300
    assert Counter(e.decile for e in entries.values()) == {d: 30 for d in range(1, 11)}
    assert all(e.vintage == "IoD2019" for e in entries.values())


def test_shipped_sample_loads_from_str_path_too() -> None:
    assert len(load_imd_file(str(SAMPLE_IMD_FILE), vintage="IoD2019")) == 300


def test_quoted_commas_in_names_are_parsed() -> None:
    entry = load_imd_file(SAMPLE_IMD_FILE, vintage="IoD2019")["E01990051"]
    assert entry.lsoa_name == "Demo City, City of 001A"
    assert entry.lad_name == "Demo City, City of"
    assert entry.lad_code == "E06999002"


def test_headers_match_by_prefix_in_any_order_with_bom_and_extra_columns() -> None:
    lines = [
        "\ufeff LSOA code (2011) ,Extra,Index of Multiple Deprivation (IMD) Decile,"
        "Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Score,"
        '"Local Authority District name (2013)",Local Authority District code (2013),'
        "LSOA name (2011)",
        'E01990001,x,1,12,55.5,"Bristol, City of",E06999999,"Bristol, City of 001A"',
        "",
    ]
    entry = load_imd_file(lines, vintage="IoD2019")["E01990001"]
    assert (entry.decile, entry.rank, entry.score) == (1, 12, 55.5)
    assert entry.lad_name == "Bristol, City of"
    assert entry.lsoa_name == "Bristol, City of 001A"


def test_iod2025_uses_2021_lsoas() -> None:
    lines = [
        "LSOA code (2021),LSOA name (2021),Local Authority District code (2024),"
        "Local Authority District name (2024),Index of Multiple Deprivation (IMD) Score,"
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
        "E01995019,Demo 001A,E06999001,Demo,40.1,33755,10",
    ]
    entry = load_imd_file(lines, vintage="IoD2025")["E01995019"]
    assert (entry.vintage, entry.rank, entry.decile) == ("IoD2025", 33755, 10)


def test_a_file_on_other_lsoa_boundaries_is_refused() -> None:
    lines = [HEADER_2019.replace("(2011)", "(2021)"), "E01990001,a,b,c,1.0,1,1"]
    with pytest.raises(ReferenceFileError) as error:
        load_imd_file(lines, vintage="IoD2019")
    assert str(error.value) == (
        "the file's LSOAs are 2021 boundaries but IoD2019 uses 2011 LSOAs: check the vintage"
    )


def test_unknown_vintage() -> None:
    with pytest.raises(UnknownImdVintage):
        load_imd_file([HEADER_2019], vintage="IoD2015")


def test_missing_column_is_named() -> None:
    with pytest.raises(ReferenceFileError) as error:
        load_imd_file([HEADER_2019.replace("Decile", "Quintile")], vintage="IoD2019")
    assert str(error.value) == (
        "no column for IMD decile: expected a header starting with one of "
        "['Index of Multiple Deprivation (IMD) Decile']"
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("E01990001,a,b,c,1.0,1,11", "IMD file line 2: decile 11 is not 1-10"),
        ("E01990001,a,b,c,1.0,0,1", "IMD file line 2: rank 0 is not 1-32844"),
        ("E01990001,a,b,c,high,1,1", "IMD file line 2: score, rank or decile is not a number"),
        (",a,b,c,1.0,1,1", "IMD file line 2: empty LSOA code"),
        ("E01990001,a,b", "IMD file line 2: too few columns"),
    ],
)
def test_bad_rows_name_the_line(row: str, message: str) -> None:
    with pytest.raises(ReferenceFileError) as error:
        load_imd_file([HEADER_2019, row], vintage="IoD2019")
    assert str(error.value) == message


def test_repeated_lsoa_is_refused() -> None:
    row = "E01990001,a,b,c,1.0,1,1"
    with pytest.raises(ReferenceFileError) as error:
        load_imd_file([HEADER_2019, row, row], vintage="IoD2019")
    assert str(error.value) == "IMD file line 3: LSOA E01990001 repeated"


def test_empty_file() -> None:
    with pytest.raises(ReferenceFileError):
        load_imd_file([], vintage="IoD2019")


def test_path_object(tmp_path: Path) -> None:
    path = tmp_path / "imd.csv"
    path.write_text(HEADER_2019 + "\nE01990001,a,b,c,1.0,1,1\n", encoding="utf-8-sig")
    assert list(load_imd_file(path, vintage="IoD2019")) == ["E01990001"]
