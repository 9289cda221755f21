"""Reading the official reference CSVs: open a path or take lines, and find columns by prefix.

Why prefix matching: header wording moves between editions (IoD "Local Authority
District code (2019)" vs "(2024)"; NSPL ``lsoa21`` vs ``lsoa21cd``), so columns are found
by the stable start of their name, case-insensitively, after removing a byte-order mark
and surrounding spaces. Why the ``csv`` module: the IoD files quote fields that contain
commas (for example "Education, Skills and Training Score" and "Bristol, City of").
"""

import csv
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from services.common import imd_file
from services.common.imd_file import clean_header

__all__ = [
    "CsvSource",
    "ReferenceFileError",
    "clean_header",
    "find_column",
    "find_optional_column",
    "open_rows",
]

CsvSource = str | os.PathLike[str] | Iterable[str]
"""A path (``str`` or ``PathLike``) to a UTF-8 CSV file, or the file's lines."""


class ReferenceFileError(ValueError):
    """A reference file does not have the expected shape; says which file and where."""


@contextmanager
def open_rows(source: CsvSource) -> Iterator[Iterator[list[str]]]:
    """Rows of a CSV from a path or from lines (``str`` is always a path, never content)."""
    if isinstance(source, str | os.PathLike):
        # utf-8-sig drops the byte-order mark that Excel-saved copies of these files carry.
        with Path(source).open(encoding="utf-8-sig", newline="") as handle:
            yield csv.reader(handle)
    else:
        yield csv.reader(iter(source))


def find_column(headers: Sequence[str], prefixes: Sequence[str], *, what: str) -> int:
    """Index of the first header starting with one of ``prefixes`` (tried in order)."""
    index = find_optional_column(headers, prefixes)
    if index is None:
        raise ReferenceFileError(
            f"no column for {what}: expected a header starting with one of {list(prefixes)}"
        )
    return index


def find_optional_column(headers: Sequence[str], prefixes: Sequence[str]) -> int | None:
    """Like ``find_column`` but None when no header matches."""
    # The matching the IoD files need, stated once in common: the other files read alike.
    return imd_file.find_column(headers, prefixes)
