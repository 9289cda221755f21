"""An activity row's rules, identifier refusal and pseudonyms, and who may write (pure)."""

import hashlib
import hmac
from datetime import date

import pytest

from services.aggregation.access.scope import Basis, ReaderScope
from services.aggregation.equity.access import may_read, may_write
from services.aggregation.equity.header import HeaderProblem, Layout, read_header
from services.aggregation.equity.records import check_row
from services.aggregation.equity.values import looks_like_nhs_number
from services.aggregation.hierarchy.rules import Level
from services.common.auth import Principal
from services.common.permissions import Permission

KEY = b"k" * 32


def layout(*columns: str, pseudonymise: bool = False) -> Layout:
    found = read_header(list(columns), may_pseudonymise=pseudonymise)
    assert isinstance(found, Layout), found
    return found


def test_headers_are_matched_loosely_and_identifiers_refused() -> None:
    assert layout("Referral Date", "Ethnic category", "IMD decile").columns == (
        "referral_date",
        "ethnic_category",
        "imd_decile",
    )
    problems = read_header(["referral_date", "DOB", "Postcode", "NHS No."], may_pseudonymise=False)
    assert problems == [
        HeaderProblem("DOB", problems[0].message),  # type: ignore[index]
        HeaderProblem("Postcode", problems[1].message),  # type: ignore[index]
        HeaderProblem("NHS No.", problems[2].message),  # type: ignore[index]
    ]
    assert isinstance(problems, list)
    assert "a date of birth" in problems[0].message
    # With a key, an NHS number column is accepted and replaced by its pseudonym.
    with_key = layout("referral_date", "nhs_number", pseudonymise=True)
    row = check_row(with_key, ["2025-01-02", "943 476 5919"], 2, KEY)
    assert isinstance(row, dict)
    expected = "pk_" + hmac.new(KEY, b"9434765919", hashlib.sha256).hexdigest()
    assert row["person_key"] == expected
    assert "nhs_number" not in row


def test_a_good_row_becomes_stored_values() -> None:
    cols = layout(
        "referral_date", "discharge_date", "age", "sex", "ethnic_category", "clinical_areas",
        "appointments_offered", "appointments_dna",
    )  # fmt: skip
    row = check_row(
        cols, ["01/04/2025", "2025-04-11", "67", "2", "H1", "smi;maternity", "3", "1"], 2
    )
    assert isinstance(row, list)  # "smi" is not a tag
    row = check_row(
        cols,
        ["01/04/2025", "2025-04-11", "67", "2", "H1", "severe_mental_illness;maternity", "3", "1"],
        2,
    )
    assert isinstance(row, dict)
    assert row["referral_date"] == date(2025, 4, 1)
    assert row["length_of_stay_days"] == 10
    assert (row["age_band"], row["sex"]) == ("65-74", "female")
    assert (row["ethnic_category"], row["ethnic_group"]) == ("H", "asian_or_asian_british")
    assert row["clinical_areas"] == ["maternity", "severe_mental_illness"]
    assert row["religion"] == "not_known"


def test_inconsistent_rows_are_refused_with_reasons() -> None:
    cols = layout("referral_date", "discharge_date", "appointments_offered", "appointments_dna")
    problems = check_row(cols, ["2025-04-10", "2025-04-01", "1", "2"], 7)
    assert isinstance(problems, list)
    assert [(p.row, p.column) for p in problems] == [
        (7, "discharge_date"),
        (7, "appointments_offered"),
    ]
    short = check_row(cols, ["2025-04-10"], 8)
    assert isinstance(short, list)
    assert short[0].message == "has 1 cells; the header has 4"


@pytest.mark.parametrize(
    ("text", "nhs"),
    [("9434765919", True), ("943 476 5919", True), ("9434765918", False), ("abc", False)],
)
def test_nhs_numbers_are_recognised_by_their_check_digit(text: str, nhs: bool) -> None:
    assert looks_like_nhs_number(text) is nhs


def _user(*permissions: Permission) -> Principal:
    return Principal(
        subject="u", kind="user", client_id="spa", name=None, organisation_code="EQA",
        organisation_name=None, role_code=None, role_name=None, scopes=frozenset(),
        permissions=frozenset(permissions), token="t",
    )  # fmt: skip


def test_who_may_write() -> None:
    trust = ReaderScope(
        Basis.organisation, "EQA", Level.trust, frozenset({"EQA", "T1"}), frozenset()
    )
    icb = ReaderScope(Basis.organisation, "QZZ", Level.icb, frozenset({"QZZ", "EQA"}), frozenset())
    lead = ReaderScope(Basis.teams, "EQA", Level.team, frozenset(), frozenset({"T1"}))
    assert may_write(_user(Permission.aggregate_read), trust, "T1")  # analyst
    assert may_write(_user(Permission.organisation_admin), trust, "EQA")
    assert not may_write(_user(Permission.aggregate_read, Permission.board_assess), trust, "EQA")
    assert not may_write(_user(Permission.aggregate_read), icb, "EQA")  # commissioner
    assert may_write(_user(*[]), lead, "T1")
    assert not may_write(_user(), lead, "EQA")
    assert not may_read(lead, "EQA")
    assert may_read(icb, "EQA")
