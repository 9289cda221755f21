"""Which demo user works in which demo team, and as what.

Team membership is Equitas data (identity providers know roles, not teams), so the
assignments are here. Who the demo users are (their subject and name) is the identity
provider's: the seed reads them from the users file it is given (``--users-file``; for
``make run``, the development IdP's ``users.yaml``), so there is one list of them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from services.scoring.demo_data.organisations import (
    DemoDataError,
    OrganisationKind,
    OrganisationTree,
)


@dataclass(frozen=True)
class DemoStaffMember:
    username: str
    subject: str  # the token's ``sub``: CIS2's user id
    display_name: str


@dataclass(frozen=True)
class DemoMembership:
    username: str
    team_code: str
    role: str  # member | lead


def demo_memberships(tree: OrganisationTree) -> list[DemoMembership]:
    """clinician.a and team.lead (its lead) in EQA-LD-NORTH, clinician.b in EQA-LD-SOUTH,
    clinician.trustb in trust EQB's first team (the README's table of demo users)."""
    trust_b_teams = tree.children("EQB", OrganisationKind.TEAM)
    if not trust_b_teams:
        raise DemoDataError("trust EQB has no team in the organisation tree")
    return [
        DemoMembership("clinician.a", "EQA-LD-NORTH", "member"),
        DemoMembership("team.lead", "EQA-LD-NORTH", "lead"),
        DemoMembership("clinician.b", "EQA-LD-SOUTH", "member"),
        DemoMembership("clinician.trustb", trust_b_teams[0].code, "member"),
    ]


_FIELDS = ("username", "uid", "name")


def read_demo_staff(users_file: Path) -> list[DemoStaffMember]:
    """The demo users of an identity provider's users file: a ``users`` list whose items
    have ``username``, ``uid`` (the subject) and ``name``; everything else is ignored."""
    try:
        data = yaml.safe_load(users_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"cannot read the demo users file {users_file}: {exc}") from exc
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, list):
        raise DemoDataError(f"{users_file} has no list of users")
    return [_staff_member(users_file, user) for user in users]


def _staff_member(users_file: Path, user: Any) -> DemoStaffMember:
    fields = [user.get(name) if isinstance(user, dict) else None for name in _FIELDS]
    if not all(isinstance(value, str) and value for value in fields):
        raise DemoDataError(f"{users_file}: every user needs {', '.join(_FIELDS)}: {user!r}")
    username, subject, display_name = fields
    return DemoStaffMember(str(username), str(subject), str(display_name))


@dataclass(frozen=True)
class StaffInTeam:
    subject: str
    display_name: str
    team_code: str
    role: str


def staff_in_teams(tree: OrganisationTree, staff: Sequence[DemoStaffMember]) -> list[StaffInTeam]:
    """Each demo membership with the member's subject and name."""
    by_username = {member.username: member for member in staff}
    placed = []
    for membership in demo_memberships(tree):
        member = by_username.get(membership.username)
        if member is None:
            raise DemoDataError(f"demo user {membership.username} is not in the users file")
        placed.append(
            StaffInTeam(member.subject, member.display_name, membership.team_code, membership.role)
        )
    return placed
