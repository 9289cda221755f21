"""Who of the demo users is in which demo team: assignments here, subjects and names from
the identity provider's users file (one list of demo users)."""

from pathlib import Path

import pytest

from services.scoring.demo_data.memberships import (
    DemoStaffMember,
    read_demo_staff,
    staff_in_teams,
)
from services.scoring.demo_data.organisations import DemoDataError, default_organisation_tree

REPO = Path(__file__).resolve().parents[5]
IDP_USERS_FILE = REPO / "deploy" / "dev-idp" / "users.yaml"


def test_the_idp_users_file_gives_each_demo_member_a_subject_and_name() -> None:
    staff = read_demo_staff(IDP_USERS_FILE)
    placed = staff_in_teams(default_organisation_tree(), staff)
    assert [(p.subject, p.display_name, p.team_code, p.role) for p in placed] == [
        ("555000000001", "Asha Patel", "EQA-LD-NORTH", "member"),
        ("555000000003", "Carys Evans", "EQA-LD-NORTH", "lead"),
        ("555000000002", "Ben Okafor", "EQA-LD-SOUTH", "member"),
        ("555000000008", "Hana Kowalski", "EQB-LD-NORTH", "member"),
    ]


def test_a_demo_member_missing_from_the_users_file_is_named() -> None:
    staff = [DemoStaffMember("clinician.a", "555000000001", "Asha Patel")]
    with pytest.raises(DemoDataError, match=r"team\.lead is not in the users file"):
        staff_in_teams(default_organisation_tree(), staff)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("users: 3\n", "has no list of users"),
        ("- a list\n", "has no list of users"),
        ("users:\n  - username: x\n    name: X\n", "every user needs username, uid, name"),
        ("users: [\n", "cannot read the demo users file"),
    ],
)
def test_a_users_file_it_cannot_use_is_refused(tmp_path: Path, text: str, message: str) -> None:
    users_file = tmp_path / "users.yaml"
    users_file.write_text(text, encoding="utf-8")
    with pytest.raises(DemoDataError, match=message):
        read_demo_staff(users_file)


def test_a_missing_users_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DemoDataError, match="cannot read the demo users file"):
        read_demo_staff(tmp_path / "nowhere.yaml")
