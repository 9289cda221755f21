"""Who may read aggregates, and of what (decision 0021). Pure: no I/O.

- Organisation roles (``aggregate:read``: analyst, commissioner, board member; and the
  organisation administrator) read their organisation and every unit under it: a trust's
  teams; an ICB's trusts and their teams; a region's ICBs and below.
- System clients with ``aggregate:read`` read the organisation their token names
  (``org_code``: a trust, an ICB or a region), in the same way.
- Staff with any other role read the teams they lead, which only scoring knows
  (``access.teams``); a member who leads no team reads nothing (403).
- Nobody else: no role, no organisation, or a system client bound to no single
  organisation (``org_code`` ``*``: Equitas's own services).

Whether a unit is under an organisation is judged on the current structure; an assessment
is also in scope when its own recorded trust or commissioner is the caller's (what they
were responsible for at the time stays theirs).
"""

from dataclasses import dataclass
from enum import StrEnum

from services.aggregation.hierarchy.rules import LEVEL_ORDER, Level
from services.common.auth import Principal
from services.common.permissions import Permission

ANY_ORGANISATION = "*"


class Basis(StrEnum):
    organisation = "organisation"
    teams = "teams"


class NotAReader(Exception):
    """The caller may read no aggregates; the message says why, in their words."""


def reader_basis(principal: Principal) -> Basis:
    """How the caller's scope is found, or ``NotAReader``."""
    org = principal.organisation_code
    if principal.kind == "system":
        if not principal.has(Permission.aggregate_read):
            raise NotAReader("This client's scopes do not include aggregate:read")
        if org is None or org == ANY_ORGANISATION:
            raise NotAReader("This client is bound to no single organisation")
        return Basis.organisation
    if org is None:
        raise NotAReader("Your selected role names no organisation")
    if principal.has(Permission.aggregate_read) or principal.has(Permission.organisation_admin):
        return Basis.organisation
    if not principal.permissions:
        raise NotAReader("Your role does not allow this (needs aggregate:read)")
    return Basis.teams


@dataclass(frozen=True)
class ReaderScope:
    """What one caller may read. ``units``: the codes of every organisation unit whose
    assessments they may read (their organisation and everything under it), for the
    organisation basis; ``teams``: the teams they lead, for the teams basis."""

    basis: Basis
    organisation_code: str
    level: Level
    """The level of the caller's organisation (``team`` for team leads): figures are
    rolled up to it or below, never above (a higher unit would hold only their part)."""
    units: frozenset[str]
    teams: frozenset[str]

    def may_roll_up_to(self, level: Level) -> bool:
        return LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(self.level)

    def may_read_unit(self, code: str) -> bool:
        return code in (self.teams if self.basis is Basis.teams else self.units)

    @property
    def unit_codes(self) -> list[str]:
        """The codes a fact's team, trust or commissioner code is matched against."""
        return sorted(self.units if self.basis is Basis.organisation else ())

    @property
    def team_codes(self) -> list[str]:
        return sorted(self.teams if self.basis is Basis.teams else ())
