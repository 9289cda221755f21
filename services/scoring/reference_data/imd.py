"""English Indices of Deprivation: load the LSOA-level IMD score, rank and decile.

The file's format (vintages, columns, how its header and rows are read) is stated in
``services.common.imd_file``, which aggregation reads the same files with. Here: scoring's
entries (name, local authority, score, rank and decile of each LSOA, with its vintage) and
its errors, which stop the load at the first problem and name its line. Columns are matched
by prefix through ``csv_source``; every column other than the seven read is ignored.
"""

from dataclasses import dataclass

from services.common.imd_file import (
    DECILES,
    FIRST_ROW,
    IMD_DECILE,
    IMD_RANK,
    IMD_SCORE,
    IMD_VINTAGES,
    IOD2019,
    IOD2025,
    LAD_CODE,
    LAD_NAME,
    LSOA_CODE,
    LSOA_NAME,
    ImdVintage,
    UnknownImdVintage,
    has_cells_for,
    imd_vintage,
    is_blank,
    other_lsoa_year,
)
from services.scoring.reference_data.csv_source import (
    CsvSource,
    ReferenceFileError,
    clean_header,
    find_column,
    open_rows,
)

# The vintages are the format's (services.common.imd_file); named here too for scoring's
# callers, which read them beside the loader.
__all__ = [
    "IMD_VINTAGES",
    "IOD2019",
    "IOD2025",
    "ImdEntry",
    "ImdVintage",
    "UnknownImdVintage",
    "imd_vintage",
    "load_imd_file",
]


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
        code_col = find_column(headers, [LSOA_CODE], what="LSOA code")
        _check_lsoa_year(headers[code_col], spec)
        columns = (
            code_col,
            find_column(headers, [LSOA_NAME], what="LSOA name"),
            find_column(headers, [LAD_CODE], what="LAD code"),
            find_column(headers, [LAD_NAME], what="LAD name"),
            find_column(headers, [IMD_SCORE], what="IMD score"),
            find_column(headers, [IMD_RANK], what="IMD rank"),
            find_column(headers, [IMD_DECILE], what="IMD decile"),
        )
        for line_number, row in enumerate(rows, start=FIRST_ROW):
            if is_blank(row):
                continue
            if not has_cells_for(row, columns):
                raise ReferenceFileError(f"IMD file line {line_number}: too few columns")
            code, name, lad_code, lad_name, score, rank, decile = (row[i].strip() for i in columns)
            entry = _entry(line_number, spec, code, name, lad_code, lad_name, score, rank, decile)
            if code in entries:
                raise ReferenceFileError(f"IMD file line {line_number}: LSOA {code} repeated")
            entries[code] = entry
    return entries


def _check_lsoa_year(header: str, spec: ImdVintage) -> None:
    year = other_lsoa_year(header, spec)
    if year is not None:
        raise ReferenceFileError(
            f"the file's LSOAs are {year} boundaries but {spec.name} uses "
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
    if parsed_decile not in DECILES:
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
