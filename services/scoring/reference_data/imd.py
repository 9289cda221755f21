"""English Indices of Deprivation: load the LSOA-level IMD score, rank and decile.

Source: Ministry of Housing, Communities and Local Government, "English indices of
deprivation 2019", File 7 "All IoD2019 Scores, Ranks, Deciles and Population Denominators"
(CSV, one row per 2011 LSOA, 32,844 rows), and the equivalent IoD2025 file on 2021 LSOAs
(33,755 rows). Rank 1 is the most deprived LSOA; decile 1 is the most deprived 10% of
LSOAs in England.

Columns read (matched by prefix, see ``csv_source``):
``LSOA code (2011|2021)``, ``LSOA name``, ``Local Authority District code``,
``Local Authority District name``, ``Index of Multiple Deprivation (IMD) Score``,
``... Rank (where 1 is most deprived)``, ``... Decile (where 1 is most deprived 10% of
LSOAs)``. Every other column is ignored. Each entry records its vintage, because deciles
from different vintages are on different LSOA boundaries and must never be mixed silently.
"""

import re
from dataclasses import dataclass

from services.scoring.reference_data.csv_source import (
    CsvSource,
    ReferenceFileError,
    clean_header,
    find_column,
    open_rows,
)


@dataclass(frozen=True, slots=True)
class ImdVintage:
    """One release of the indices: which LSOA boundaries it uses and how many LSOAs."""

    name: str
    lsoa_year: int
    lsoa_count: int


IOD2019 = ImdVintage(name="IoD2019", lsoa_year=2011, lsoa_count=32_844)
IOD2025 = ImdVintage(name="IoD2025", lsoa_year=2021, lsoa_count=33_755)
IMD_VINTAGES: dict[str, ImdVintage] = {v.name: v for v in (IOD2019, IOD2025)}
"""Known vintages, oldest first (a later entry is a newer release)."""


class UnknownImdVintage(ValueError):
    def __init__(self, vintage: str) -> None:
        self.vintage = vintage
        super().__init__(f"unknown IMD vintage {vintage!r}; known: {sorted(IMD_VINTAGES)}")


def imd_vintage(name: str) -> ImdVintage:
    try:
        return IMD_VINTAGES[name]
    except KeyError:
        raise UnknownImdVintage(name) from None


@dataclass(frozen=True, slots=True)
class ImdEntry:
    lsoa_code: str
    lsoa_name: str
    lad_code: str
    lad_name: str
    score: float
    rank: int  # 1 = most deprived in England
    decile: int  # 1 = most deprived 10% of LSOAs
    vintage: str


_YEAR_IN_HEADER = re.compile(r"\((\d{4})\)")

_IMD = "Index of Multiple Deprivation (IMD)"


def load_imd_file(path_or_lines: CsvSource, *, vintage: str) -> dict[str, ImdEntry]:
    """IMD entries by LSOA code from an IoD File 7 CSV (or any file with those columns).

    ``vintage`` is ``"IoD2019"`` or ``"IoD2025"``; if the LSOA code header names a census
    year, it must be that vintage's LSOA year (2011 or 2021), so a file is never loaded as
    the wrong vintage. Raises ``ReferenceFileError`` naming the line of any bad row.
    """
    spec = imd_vintage(vintage)
    entries: dict[str, ImdEntry] = {}
    with open_rows(path_or_lines) as rows:
        header_row = next(rows, None)
        if header_row is None:
            raise ReferenceFileError("IMD file is empty")
        headers = clean_header(header_row)
        code_col = find_column(headers, ["LSOA code"], what="LSOA code")
        _check_lsoa_year(headers[code_col], spec)
        columns = (
            code_col,
            find_column(headers, ["LSOA name"], what="LSOA name"),
            find_column(headers, ["Local Authority District code"], what="LAD code"),
            find_column(headers, ["Local Authority District name"], what="LAD name"),
            find_column(headers, [f"{_IMD} Score"], what="IMD score"),
            find_column(headers, [f"{_IMD} Rank"], what="IMD rank"),
            find_column(headers, [f"{_IMD} Decile"], what="IMD decile"),
        )
        width = max(columns) + 1
        for line_number, row in enumerate(rows, start=2):
            if not row or not any(cell.strip() for cell in row):
                continue  # trailing blank lines in exported files
            if len(row) < width:
                raise ReferenceFileError(f"IMD file line {line_number}: too few columns")
            code, name, lad_code, lad_name, score, rank, decile = (row[i].strip() for i in columns)
            entry = _entry(line_number, spec, code, name, lad_code, lad_name, score, rank, decile)
            if code in entries:
                raise ReferenceFileError(f"IMD file line {line_number}: LSOA {code} repeated")
            entries[code] = entry
    return entries


def _check_lsoa_year(header: str, spec: ImdVintage) -> None:
    year = _YEAR_IN_HEADER.search(header)
    if year is not None and int(year.group(1)) != spec.lsoa_year:
        raise ReferenceFileError(
            f"the file's LSOAs are {year.group(1)} boundaries but {spec.name} uses "
            f"{spec.lsoa_year} LSOAs: check the vintage"
        )


def _entry(
    line_number: int,
    spec: ImdVintage,
    code: str,
    name: str,
    lad_code: str,
    lad_name: str,
    score: str,
    rank: str,
    decile: str,
) -> ImdEntry:
    where = f"IMD file line {line_number}"
    if not code:
        raise ReferenceFileError(f"{where}: empty LSOA code")
    try:
        parsed_score = float(score)
        parsed_rank = int(rank)
        parsed_decile = int(decile)
    except ValueError:
        raise ReferenceFileError(f"{where}: score, rank or decile is not a number") from None
    if not 1 <= parsed_decile <= 10:
        raise ReferenceFileError(f"{where}: decile {parsed_decile} is not 1-10")
    if not 1 <= parsed_rank <= spec.lsoa_count:
        raise ReferenceFileError(f"{where}: rank {parsed_rank} is not 1-{spec.lsoa_count}")
    return ImdEntry(
        lsoa_code=code,
        lsoa_name=name,
        lad_code=lad_code,
        lad_name=lad_name,
        score=parsed_score,
        rank=parsed_rank,
        decile=parsed_decile,
        vintage=spec.name,
    )
