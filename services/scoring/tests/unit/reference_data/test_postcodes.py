"""Postcode normalisation and the NSPL/ONSPD loader."""

import pytest

from services.scoring.reference_data.csv_source import ReferenceFileError
from services.scoring.reference_data.lookup import SAMPLE_POSTCODE_FILE
from services.scoring.reference_data.postcodes import (
    InvalidPostcode,
    load_postcode_directory,
    normalise_postcode,
)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("ls14ap", "LS1 4AP"),
        ("  sw1a 1aa ", "SW1A 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
        ("M1 1AE", "M1 1AE"),
        ("B33   8TH", "B33 8TH"),
        ("DN55 1PT", "DN55 1PT"),
        ("ZZ100AA", "ZZ10 0AA"),
        ("ZZ1  0AA", "ZZ1 0AA"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_normalise_postcode(raw: str, normalised: str) -> None:
    assert normalise_postcode(raw) == normalised


@pytest.mark.parametrize("raw", ["", "12345", "LS1", "LS1 4A", "ABCD 1AA", "GIR 1AA", "L$1 4AP"])
def test_invalid_postcodes(raw: str) -> None:
    with pytest.raises(InvalidPostcode):
        normalise_postcode(raw)


def test_columns_resolved_by_prefix_case_insensitively() -> None:
    lines = [
        "PCD7,PCD8,PCDS,DOINTR,DOTERM,LSOA21CD,MSOA21CD",
        "LS1 4AP,LS1  4AP,LS1 4AP,198001,,E01011365,E02002330",
        "LS2 7AA,LS2  7AA,LS2 7AA,198001,200012,E01033010,E02006875",
    ]
    entries = load_postcode_directory(lines)
    assert entries["LS1 4AP"].lsoa21 == "E01011365"
    assert entries["LS1 4AP"].lsoa11 is None
    assert not entries["LS1 4AP"].terminated
    assert entries["LS2 7AA"].terminated
    assert entries["LS2 7AA"].terminated_on == "200012"


def test_pcd_alone_is_normalised() -> None:
    entries = load_postcode_directory(["pcd,lsoa11", "ZZ100AA,E01990001", "ZZ1 0AB,E01990002"])
    assert sorted(entries) == ["ZZ1 0AB", "ZZ10 0AA"]


def test_pcds_is_preferred_over_pcd() -> None:
    entries = load_postcode_directory(["pcd,pcds,lsoa11", "XX99XXX,ZZ1 0AA,E01990001"])
    assert list(entries) == ["ZZ1 0AA"]


def test_no_lsoa_column_is_refused() -> None:
    with pytest.raises(ReferenceFileError) as error:
        load_postcode_directory(["pcds,oa21", "ZZ1 0AA,E00000001"])
    assert str(error.value) == "no LSOA column: expected lsoa11, lsoa21 or lsoa21cd"


def test_no_postcode_column_is_refused() -> None:
    with pytest.raises(ReferenceFileError) as error:
        load_postcode_directory(["postcode,lsoa11", "ZZ1 0AA,E01990001"])
    assert "no column for postcode" in str(error.value)


def test_bad_and_repeated_postcodes_name_the_line() -> None:
    with pytest.raises(ReferenceFileError) as error:
        load_postcode_directory(["pcds,lsoa11", "NOT A POSTCODE,E01990001"])
    assert str(error.value) == "postcode file line 2: 'NOT A POSTCODE' is not a postcode"
    with pytest.raises(ReferenceFileError) as error:
        load_postcode_directory(["pcds,lsoa11", "ZZ1 0AA,E1", "zz1 0aa,E2"])
    assert str(error.value) == "postcode file line 3: ZZ1 0AA repeated"


def test_shipped_sample() -> None:
    entries = load_postcode_directory(SAMPLE_POSTCODE_FILE)
    assert len(entries) == 3010
    terminated = sum(e.terminated for e in entries.values())
    assert 30 <= terminated <= 150  # about 3%
    assert all(p.startswith("ZZ") for p in entries)
    assert entries["ZZ11 0AA"].lsoa11 == "W01990001"
    changed = [e for e in entries.values() if e.lsoa11 != e.lsoa21]
    assert changed
    assert all(e.lsoa21 and e.lsoa21.startswith("E01995") for e in changed)
