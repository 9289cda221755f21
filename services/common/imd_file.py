"""The English Indices of Deprivation (IoD) as published: its editions ("vintages"), the
columns of its LSOA-level files and how their headers and rows are read (pure: no I/O).

Source: Ministry of Housing, Communities and Local Government, "English indices of
deprivation 2019", File 7 "All IoD2019 Scores, Ranks, Deciles and Population Denominators"
and File 1 (ranks and deciles only): CSV, one row per 2011 LSOA (32,844); the IoD2025 files
rank the 33,755 2021 LSOAs. Rank 1 is the most deprived LSOA; decile 1 is the most deprived
10% of LSOAs in England.

Scoring reads these files for postcode -> decile, aggregation for LSOA code -> decile
(decision 0046). Services do not import each other, so the format is stated here once;
what a service does with a bad file (scoring stops at the first problem, aggregation lists
them all), its words for each problem and where it keeps the deciles stay in the service.
This module holds no rule of Equitas's own, only what the publisher's files are.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class ImdVintage:
    """One release of the indices: which LSOA boundaries it uses and how many LSOAs."""

    name: str
    lsoa_year: int
    lsoa_count: int


IOD2019: Final = ImdVintage(name="IoD2019", lsoa_year=2011, lsoa_count=32_844)
IOD2025: Final = ImdVintage(name="IoD2025", lsoa_year=2021, lsoa_count=33_755)
IMD_VINTAGES: Final[dict[str, ImdVintage]] = {v.name: v for v in (IOD2019, IOD2025)}
"""Known vintages, oldest first (a later entry is a newer release). Deciles of different
vintages are on different LSOA boundaries, so a decile always goes with its vintage."""


class UnknownImdVintage(ValueError):
    def __init__(self, vintage: str) -> None:
        self.vintage = vintage
        super().__init__(f"unknown IMD vintage {vintage!r}; known: {sorted(IMD_VINTAGES)}")


def imd_vintage(name: str) -> ImdVintage:
    try:
        return IMD_VINTAGES[name]
    except KeyError:
        raise UnknownImdVintage(name) from None


# The columns, by the start of their header: the wording after it moves between editions
# ("Local Authority District code (2019)", "(2024)"; "... Decile (where 1 is most deprived
# 10% of LSOAs)"). Every other column of the files is ignored.
_IMD = "Index of Multiple Deprivation (IMD)"
LSOA_CODE: Final = "LSOA code"  # "LSOA code (2011)" in IoD2019, "(2021)" in IoD2025
LSOA_NAME: Final = "LSOA name"
LAD_CODE: Final = "Local Authority District code"
LAD_NAME: Final = "Local Authority District name"
IMD_SCORE: Final = f"{_IMD} Score"
IMD_RANK: Final = f"{_IMD} Rank"
IMD_DECILE: Final = f"{_IMD} Decile"

DECILES: Final = range(1, 11)
"""1 is the most deprived 10% of LSOAs in England, 10 the least."""

_CENSUS_YEAR: Final = re.compile(r"\((\d{4})\)")


def clean_header(raw: Sequence[str]) -> list[str]:
    """The header's names without the byte-order mark Excel-saved copies carry, or spaces."""
    return [h.lstrip("\ufeff").strip() for h in raw]


def find_column(headers: Sequence[str], prefixes: Sequence[str]) -> int | None:
    """Where the first header starting with one of ``prefixes`` (tried in order, any case)
    is, or None."""
    folded = [h.casefold() for h in headers]
    for prefix in prefixes:
        wanted = prefix.casefold()
        for at, header in enumerate(folded):
            if header.startswith(wanted):
                return at
    return None


def other_lsoa_year(lsoa_header: str, vintage: ImdVintage) -> str | None:
    """The census year an LSOA code header names, as written, when it is not the vintage's
    (a file of other boundaries, which would give wrong deciles); None when it fits or the
    header names no year."""
    named = _CENSUS_YEAR.search(lsoa_header)
    if named is None or int(named.group(1)) == vintage.lsoa_year:
        return None
    return named.group(1)


FIRST_ROW: Final = 2
"""The number of the first row under the header, as a spreadsheet numbers rows (the header
is row 1): every problem with a row names its row so."""


def is_blank(cells: Sequence[str]) -> bool:
    """A row with nothing in it: exported files end with blank lines, which are skipped."""
    return not any(cell.strip() for cell in cells)


def has_cells_for(cells: Sequence[str], columns: Sequence[int]) -> bool:
    """Whether a row reaches every column read (a cut-off row does not)."""
    return len(cells) > max(columns)
