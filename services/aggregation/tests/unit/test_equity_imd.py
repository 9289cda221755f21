"""IMD deciles from LSOA codes (pure): reading the published IoD file by its headers, and
each activity row's decile from its LSOA code, by the row's, the dataset's or the codes'
vintage (decision 0046)."""

from typing import get_args

from services.aggregation.equity.codes import IMD_VINTAGES
from services.aggregation.equity.header import HeaderProblem, Layout, read_header
from services.aggregation.equity.imd import DecileFinder, LookupColumns, read_lookup_header
from services.aggregation.equity.imd_lookup import LookupRefused, read_lookup
from services.aggregation.equity.records import RowProblem, check_row
from services.aggregation.equity.schemas import ImdVintage
from services.common import imd_file

DECILE = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
IOD_HEADER = [
    "\ufeffLSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
    "Index of Multiple Deprivation (IMD) Score",
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)", DECILE,
    "Income Decile (where 1 is most deprived 10% of LSOAs)",
]  # fmt: skip
# IoD2019 and IoD2025 share most codes (with different deciles); E01000003 was split in 2021
# (2011 only), E01000004 is one of its parts (2021 only).
LOOKUP = {
    "IoD2019": {"E01000001": 1, "E01000002": 10, "E01000003": 5},
    "IoD2025": {"E01000001": 2, "E01000002": 9, "E01000004": 3},
}


def test_the_contract_lists_every_vintage() -> None:
    assert set(get_args(ImdVintage)) == set(IMD_VINTAGES)


def test_the_activity_codes_vintages_are_the_published_ones() -> None:
    published = [(v.name, v.lsoa_year) for v in imd_file.IMD_VINTAGES.values()]
    assert list(IMD_VINTAGES.items()) == published


def test_the_published_files_columns_are_found_by_their_start() -> None:
    columns = read_lookup_header(IOD_HEADER, "IoD2019")
    assert columns == LookupColumns(0, 5, "LSOA code (2011)", DECILE)
    wrong_year = read_lookup_header(["LSOA code (2021)", DECILE], "IoD2019")
    assert wrong_year == [
        HeaderProblem(
            "LSOA code (2021)",
            "names 2021 LSOAs, but IoD2019 ranks 2011 LSOAs: load the file as the vintage it is",
        )
    ]
    assert read_lookup_header(["lsoa11cd", "Income Decile"], "IoD2025") == [
        HeaderProblem("LSOA code", "is required and missing (e.g. LSOA code (2011))"),
        HeaderProblem("Index of Multiple Deprivation (IMD) Decile", "is required and missing"),
    ]


def test_a_lookup_file_is_read_whole_or_its_bad_rows_listed() -> None:
    good = read_lookup(
        iter([IOD_HEADER, ["E01000001", "A", "E06", "1.5", "30000", "1", "2"], [], ["", ""]]),
        "IoD2019",
    )
    assert not isinstance(good, LookupRefused)
    assert good.deciles == {"E01000001": 1}
    bad = read_lookup(
        iter(
            [
                ["LSOA code (2011)", DECILE],
                ["E01000001", "1"],
                ["E01000001", "2"],  # row 3: repeated
                ["Demo 001A", "11"],  # row 4: neither a code nor a decile
                ["E01000005"],  # row 5: too short
            ]
        ),
        "IoD2019",
    )
    assert isinstance(bad, LookupRefused)
    assert bad.rejected == 3
    assert bad.rows == [
        RowProblem(3, "LSOA code (2011)", "repeats row 2's code"),
        RowProblem(4, "LSOA code (2011)", "is not an LSOA code (E01 or W01 and six digits)"),
        RowProblem(4, DECILE, "is not an IMD decile (1 most deprived to 10)"),
        RowProblem(5, "*", "has 1 cells: too few for the columns read"),
    ]
    empty = read_lookup(iter([["LSOA code (2011)", DECILE]]), "IoD2019")
    assert isinstance(empty, LookupRefused)
    assert empty.rows == [RowProblem(2, "*", "the file has no rows under its header")]


def _layout(*columns: str) -> Layout:
    found = read_header(["referral_date", *columns], may_pseudonymise=False)
    assert isinstance(found, Layout), found
    return found


def _rows(finder: DecileFinder, *cells: list[str]) -> list[dict[str, object] | RowProblem]:
    layout = _layout("lsoa", "imd_decile", "imd_vintage")
    out: list[dict[str, object] | RowProblem] = []
    for at, row in enumerate(cells, start=2):
        values = check_row(layout, ["2025-05-01", *row], at)
        assert isinstance(values, dict), values
        problem = finder.find(values, at)
        out.append(values if problem is None else problem)
    return out


def _deciles(rows: list[dict[str, object] | RowProblem]) -> list[object]:
    return [r if isinstance(r, RowProblem) else (r["imd_decile"], r["imd_vintage"]) for r in rows]


def test_the_rows_or_the_datasets_vintage_gives_the_decile() -> None:
    finder = DecileFinder(LOOKUP, dataset_vintage="IoD2019")
    rows = _rows(
        finder,
        ["E01000001", "", ""],  # the dataset's vintage
        ["e01000001", "", "iod2025"],  # the row's own
        ["E01000002", "4", ""],  # a decile given stands
        ["E01000004", "", ""],  # a 2021 code read as IoD2019
    )
    assert _deciles(rows) == [
        (1, "IoD2019"),
        (2, "IoD2025"),
        (4, None),
        RowProblem(5, "lsoa", "is not an LSOA code of IoD2019 (2011 LSOAs)"),
    ]
    assert finder.pending == 0
    assert finder.vintage() is None


def test_the_files_codes_say_which_vintage_the_newest_when_they_fit_both() -> None:
    both = DecileFinder(LOOKUP, None)
    assert _deciles(_rows(both, ["E01000001", "", ""], ["E01000002", "", ""])) == [
        (None, None),
        (None, None),
    ]
    assert (both.pending, both.vintage()) == (2, "IoD2025")
    older = DecileFinder(LOOKUP, None)
    _rows(older, ["E01000001", "", ""], ["E01000003", "", ""], ["E01000002", "", ""])
    assert (older.pending, older.vintage()) == (3, "IoD2019")


def test_unknown_and_mixed_codes_refuse_their_rows() -> None:
    finder = DecileFinder(LOOKUP, None)
    rows = _rows(
        finder,
        ["E01000003", "", ""],
        ["E01000004", "", ""],  # 2021 only, after a 2011-only code
        ["E01999999", "", ""],
    )
    assert rows[1:] == [
        RowProblem(
            3,
            "lsoa",
            "is an LSOA code of IoD2025 (2021 LSOAs) only, unlike the file's other LSOA codes: "
            "give imd_vintage",
        ),
        RowProblem(
            4, "lsoa", "is not an LSOA code of IoD2019 (2011 LSOAs) or IoD2025 (2021 LSOAs)"
        ),
    ]
    assert finder.vintage() == "IoD2019"
    only_2019 = DecileFinder({"IoD2019": LOOKUP["IoD2019"]}, None)
    assert _rows(only_2019, ["E01000001", "", "IoD2025"]) == [
        RowProblem(2, "lsoa", "cannot be given an IMD decile: the IoD2025 IMD lookup is not loaded")
    ]
    nothing = DecileFinder({}, None)
    assert _rows(nothing, ["E01000001", "", ""]) == [
        RowProblem(
            2,
            "lsoa",
            "cannot be given an IMD decile: no IMD lookup is loaded (an administrator loads "
            "one); give imd_decile instead",
        )
    ]


def test_a_row_without_an_lsoa_is_left_alone() -> None:
    finder = DecileFinder({}, None)
    assert _deciles(_rows(finder, ["", "3", ""], ["", "", ""])) == [(3, None), (None, None)]
