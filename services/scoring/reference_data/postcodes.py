"""Postcode -> LSOA from the ONS postcode directories (NSPL / ONSPD).

Source: Office for National Statistics, "National Statistics Postcode Lookup" (NSPL) and
"ONS Postcode Directory" (ONSPD), CSV editions (one row per postcode, live and
terminated). Column names change between editions, so they are resolved by prefix,
case-insensitively:

- postcode: ``pcds`` (one space before the inward code) preferred, else ``pcd`` /
  ``pcd7`` / ``pcd8`` / ``pcd2`` (fixed-width forms; normalised here);
- 2011 LSOA: ``lsoa11`` (ONSPD and NSPL editions before the 2021 boundaries);
- 2021 LSOA: ``lsoa21`` or ``lsoa21cd`` (current NSPL carries only 2021 LSOAs);
- termination: ``doterm`` (year and month a postcode was terminated; empty when live).

At least one LSOA column must be present. All other columns are ignored.
"""

import re
import sys
from dataclasses import dataclass

from services.scoring.reference_data.csv_source import (
    CsvSource,
    ReferenceFileError,
    clean_header,
    find_column,
    find_optional_column,
    open_rows,
)

# UK postcode shape (outward: A9, A99, AA9, AA99, A9A, AA9A; inward: 9AA) plus the one
# historic exception GIR 0AA. Shape only: whether a postcode exists is the directory's job.
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?|GIR)([0-9][A-Z]{2})")
_WHITESPACE = re.compile(r"\s+")


class InvalidPostcode(ValueError):
    def __init__(self, raw: str) -> None:
        self.raw = raw
        super().__init__("not a UK postcode in shape (for example 'LS1 4AP')")


def normalise_postcode(raw: str) -> str:
    """Upper case, one space before the 3-character inward code: ``ls14ap`` -> ``LS1 4AP``.

    Raises ``InvalidPostcode`` for anything not shaped like a UK postcode.
    """
    compact = _WHITESPACE.sub("", raw).upper()
    match = _POSTCODE.fullmatch(compact)
    if match is None or (match.group(1) == "GIR" and match.group(2) != "0AA"):
        raise InvalidPostcode(raw)
    return f"{match.group(1)} {match.group(2)}"


@dataclass(frozen=True, slots=True)
class PostcodeEntry:
    postcode: str  # normalised
    lsoa11: str | None  # 2011 LSOA code (IoD2019 boundaries)
    lsoa21: str | None  # 2021 LSOA code (IoD2025 boundaries)
    terminated: bool
    terminated_on: str | None  # "YYYYMM" as the directory gives it

    def lsoa_for_year(self, lsoa_year: int) -> str | None:
        if lsoa_year == 2011:
            return self.lsoa11
        if lsoa_year == 2021:
            return self.lsoa21
        return None


def load_postcode_directory(path_or_lines: CsvSource) -> dict[str, PostcodeEntry]:
    """Entries by normalised postcode from an NSPL or ONSPD CSV (or lines of one).

    Raises ``ReferenceFileError`` naming the line of a malformed or repeated postcode.
    """
    entries: dict[str, PostcodeEntry] = {}
    with open_rows(path_or_lines) as rows:
        header_row = next(rows, None)
        if header_row is None:
            raise ReferenceFileError("postcode directory is empty")
        headers = clean_header(header_row)
        postcode_col = find_column(headers, ["pcds", "pcd"], what="postcode")
        lsoa11_col = find_optional_column(headers, ["lsoa11"])
        lsoa21_col = find_optional_column(headers, ["lsoa21"])
        doterm_col = find_optional_column(headers, ["doterm"])
        if lsoa11_col is None and lsoa21_col is None:
            raise ReferenceFileError("no LSOA column: expected lsoa11, lsoa21 or lsoa21cd")
        used = [c for c in (postcode_col, lsoa11_col, lsoa21_col, doterm_col) if c is not None]
        width = max(used) + 1
        for line_number, row in enumerate(rows, start=2):
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < width:
                raise ReferenceFileError(f"postcode file line {line_number}: too few columns")
            try:
                postcode = normalise_postcode(row[postcode_col])
            except InvalidPostcode:
                raise ReferenceFileError(
                    f"postcode file line {line_number}: {row[postcode_col]!r} is not a postcode"
                ) from None
            if postcode in entries:
                raise ReferenceFileError(f"postcode file line {line_number}: {postcode} repeated")
            doterm = row[doterm_col].strip() if doterm_col is not None else ""
            entries[postcode] = PostcodeEntry(
                postcode=postcode,
                lsoa11=_code(row, lsoa11_col),
                lsoa21=_code(row, lsoa21_col),
                terminated=bool(doterm),
                terminated_on=doterm or None,
            )
    return entries


def _code(row: list[str], column: int | None) -> str | None:
    if column is None:
        return None
    value = row[column].strip()
    # Interned: a full directory repeats each LSOA code ~50 times across 2.7m rows.
    return sys.intern(value) if value else None
