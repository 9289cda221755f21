"""IMD deciles from LSOA codes (pure: no I/O): reading the published lookup file, and
finding each activity row's decile from its LSOA code (decision 0046).

The lookup is the English Indices of Deprivation's File 7 (or File 1) CSV, one row per LSOA,
whose format (vintages, columns found by the start of their header, the census year the
LSOA header must share with the vintage) is ``services.common.imd_file``'s, as scoring reads
the same files. Of its many columns only the LSOA code and the IMD decile are read, and each
is checked as an activity row's would be (``values``); every problem is listed, each naming
its row and column.

An activity row with an LSOA code and no decile gets the decile of its vintage: the row's
``imd_vintage``, else the dataset's, else the file's codes say: the newest vintage that
knows every code of the file (most codes are the same in 2011 and 2021 LSOAs; the split and
merged ones tell the boundaries apart). A code no vintage in play knows refuses the row.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from services.aggregation.equity.header import HeaderProblem
from services.aggregation.equity.records import RowProblem
from services.aggregation.equity.values import Refused, imd_decile, lsoa
from services.common.imd_file import (
    IMD_DECILE,
    IMD_VINTAGES,
    LSOA_CODE,
    clean_header,
    find_column,
    has_cells_for,
    is_blank,
    other_lsoa_year,
)

# England has 32,844 (2011) and 33,755 (2021) LSOAs: a longer file is not a lookup.
MAX_LSOAS: Final = 40_000


@dataclass(frozen=True)
class LookupColumns:
    lsoa_at: int
    decile_at: int
    lsoa_label: str
    decile_label: str


def read_lookup_header(raw: Sequence[str], vintage: str) -> LookupColumns | list[HeaderProblem]:
    """The two columns read from an IoD file's header, or what is wrong with it."""
    headers = clean_header(raw)
    lsoa_at, decile_at = find_column(headers, [LSOA_CODE]), find_column(headers, [IMD_DECILE])
    problems = []
    if lsoa_at is None:
        problems.append(
            HeaderProblem(LSOA_CODE, f"is required and missing (e.g. {LSOA_CODE} (2011))")
        )
    else:
        ranks = IMD_VINTAGES[vintage]
        year = other_lsoa_year(headers[lsoa_at], ranks)
        if year is not None:
            problems.append(
                HeaderProblem(
                    headers[lsoa_at],
                    f"names {year} LSOAs, but {vintage} ranks {ranks.lsoa_year} LSOAs: "
                    "load the file as the vintage it is",
                )
            )
    if decile_at is None:
        problems.append(HeaderProblem(IMD_DECILE, "is required and missing"))
    if problems or lsoa_at is None or decile_at is None:
        return problems
    return LookupColumns(lsoa_at, decile_at, headers[lsoa_at], headers[decile_at])


class LookupReader:
    """Reads a lookup file's rows one by one: (code, decile) pairs kept, problems listed
    (row numbers as a spreadsheet shows them: the header is row 1)."""

    def __init__(self, columns: LookupColumns) -> None:
        self.columns = columns
        self.deciles: dict[str, int] = {}
        self.first_seen: dict[str, int] = {}
        self.problems: list[RowProblem] = []
        self.rejected = 0

    def read(self, cells: Sequence[str], row: int) -> None:
        c = self.columns
        if is_blank(cells):
            return
        if not has_cells_for(cells, (c.lsoa_at, c.decile_at)):
            self._refuse(row, "*", f"has {len(cells)} cells: too few for the columns read")
            return
        problems = []
        try:
            code = lsoa(cells[c.lsoa_at].strip())
        except Refused as refused:
            problems.append(RowProblem(row, c.lsoa_label, str(refused)))
        else:
            if code in self.deciles:
                problems.append(
                    RowProblem(row, c.lsoa_label, f"repeats row {self.first_seen[code]}'s code")
                )
        try:
            decile = imd_decile(cells[c.decile_at].strip())
        except Refused as refused:
            problems.append(RowProblem(row, c.decile_label, str(refused)))
        if problems:
            self.rejected += 1
            self.problems.extend(problems)
        else:
            self.deciles[code] = decile
            self.first_seen[code] = row
        if len(self.deciles) + self.rejected > MAX_LSOAS:
            self._refuse(row, "*", f"the file has more than {MAX_LSOAS} LSOAs")
            raise OverflowError

    def _refuse(self, row: int, column: str, message: str) -> None:
        self.rejected += 1
        self.problems.append(RowProblem(row, column, message))


class DecileFinder:
    """Gives each activity row with an LSOA code and no decile the decile of its vintage,
    or refuses the row; rows whose vintage the file's codes say are counted here and given
    their decile once the whole file has been read (``vintage``)."""

    def __init__(self, lookup: Mapping[str, Mapping[str, int]], dataset_vintage: str | None):
        self.lookup = lookup  # vintage -> LSOA code -> decile
        self.dataset_vintage = dataset_vintage
        self.possible = [v for v in IMD_VINTAGES if v in lookup]
        self.pending = 0  # rows waiting for the file's vintage

    def find(self, values: dict[str, object], row: int) -> RowProblem | None:
        code = values["lsoa"]
        if not isinstance(code, str) or values["imd_decile"] is not None:
            return None  # a decile given stands; the LSOA is then kept as given
        said = values["imd_vintage"] or self.dataset_vintage
        if isinstance(said, str):
            decile = self.lookup.get(said, {}).get(code)
            if decile is None:
                return RowProblem(row, "lsoa", self._unknown(said))
            values["imd_decile"], values["imd_vintage"] = decile, said
            return None
        knowing = [v for v in self.possible if code in self.lookup[v]]
        if not knowing:
            return RowProblem(row, "lsoa", self._unknown(None, code))
        self.possible = knowing
        self.pending += 1
        return None

    def vintage(self) -> str | None:
        """The vintage for the rows the codes decide: the newest that knows them all."""
        return self.possible[-1] if self.pending else None

    def _unknown(self, vintage: str | None, code: str = "") -> str:
        if not self.lookup:
            return (
                "cannot be given an IMD decile: no IMD lookup is loaded (an administrator "
                "loads one); give imd_decile instead"
            )
        if vintage is not None and vintage not in self.lookup:
            return f"cannot be given an IMD decile: the {vintage} IMD lookup is not loaded"
        if vintage is not None:
            return f"is not an LSOA code of {_named(vintage)}"
        elsewhere = [v for v in self.lookup if code in self.lookup[v]]
        if elsewhere:
            return (
                f"is an LSOA code of {' and '.join(map(_named, elsewhere))} only, unlike the "
                "file's other LSOA codes: give imd_vintage"
            )
        return "is not an LSOA code of " + " or ".join(map(_named, self.lookup))


def _named(vintage: str) -> str:
    return f"{vintage} ({IMD_VINTAGES[vintage].lsoa_year} LSOAs)"
