"""The demo organisation hierarchy: region -> ICB -> trust -> community LD teams.

Shape: NHS England's commissioning hierarchy (trust -> integrated care board -> NHS
England region) with ODS-style codes: trusts 3 characters, GP practices a letter and five
digits (NHS ODS code formats). Teams inside a trust are local, not in ODS, so their codes
are Equitas's own (``EQA-LD-NORTH``). Every code here is fictional: ``QZZ``/``QZY`` and
``EQA``-``EQC`` are not issued ODS codes, region ``YZZ`` follows no real region pattern
(those are Y + digits), and practices ``Z99001``... are made up.
"""

from dataclasses import dataclass
from enum import StrEnum


class DemoDataError(ValueError):
    """Demo data cannot be generated as asked."""


class OrganisationKind(StrEnum):
    REGION = "region"
    ICB = "icb"
    TRUST = "trust"
    TEAM = "team"
    PRACTICE = "practice"


@dataclass(frozen=True, slots=True)
class Organisation:
    code: str
    name: str
    kind: OrganisationKind
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class OrganisationTree:
    """Organisations in order (parents before children); codes are unique."""

    organisations: tuple[Organisation, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for org in self.organisations:
            if org.code in seen:
                raise DemoDataError(f"organisation code {org.code} appears twice")
            if org.parent_code is not None and org.parent_code not in seen:
                raise DemoDataError(f"{org.code}: parent {org.parent_code} must come first")
            seen.add(org.code)

    def get(self, code: str) -> Organisation:
        for org in self.organisations:
            if org.code == code:
                return org
        raise DemoDataError(f"no organisation {code} in the tree")

    def of_kind(self, kind: OrganisationKind) -> tuple[Organisation, ...]:
        return tuple(org for org in self.organisations if org.kind is kind)

    def children(self, code: str, kind: OrganisationKind | None = None) -> tuple[Organisation, ...]:
        return tuple(
            org
            for org in self.organisations
            if org.parent_code == code and (kind is None or org.kind is kind)
        )

    def ancestors(self, code: str) -> tuple[Organisation, ...]:
        """Parent, grandparent, ... up to the root."""
        chain: list[Organisation] = []
        parent = self.get(code).parent_code
        while parent is not None:
            org = self.get(parent)
            chain.append(org)
            parent = org.parent_code
        return tuple(chain)

    @property
    def trusts(self) -> tuple[Organisation, ...]:
        return self.of_kind(OrganisationKind.TRUST)

    @property
    def teams(self) -> tuple[Organisation, ...]:
        return self.of_kind(OrganisationKind.TEAM)

    @property
    def practices(self) -> tuple[Organisation, ...]:
        return self.of_kind(OrganisationKind.PRACTICE)

    @classmethod
    def default(cls) -> "OrganisationTree":
        return default_organisation_tree()


_TEAM_AREAS = {
    "EQA": ("NORTH", "SOUTH", "EAST", "WEST"),
    "EQB": ("NORTH", "SOUTH", "CENTRAL"),
    "EQC": ("NORTH", "SOUTH", "EAST"),
}


def default_organisation_tree() -> OrganisationTree:
    """Region YZZ; ICB QZZ (trusts EQA, EQB) and QZY (trust EQC); 3-4 LD teams a trust.

    The first two teams of EQA are ``EQA-LD-NORTH`` and ``EQA-LD-SOUTH`` (demo users and
    tests rely on them). Practices ``Z99001``-``Z99012`` are in QZZ, ``Z99013``-``Z99018``
    in QZY.
    """
    orgs = [
        Organisation("YZZ", "Equitas Demo Region", OrganisationKind.REGION, None),
        Organisation("QZZ", "Equitas Demo ICB", OrganisationKind.ICB, "YZZ"),
        Organisation("QZY", "Equitas Second Demo ICB", OrganisationKind.ICB, "YZZ"),
        Organisation("EQA", "Equitas Demo Trust A", OrganisationKind.TRUST, "QZZ"),
        Organisation("EQB", "Equitas Demo Trust B", OrganisationKind.TRUST, "QZZ"),
        Organisation("EQC", "Equitas Demo Trust C", OrganisationKind.TRUST, "QZY"),
    ]
    for trust, areas in _TEAM_AREAS.items():
        for area in areas:
            name = f"{area.title()} Community Learning Disability Team"
            orgs.append(Organisation(f"{trust}-LD-{area}", name, OrganisationKind.TEAM, trust))
    for number in range(1, 19):
        icb = "QZZ" if number <= 12 else "QZY"
        name = f"Demo Medical Practice {number:02d}"
        orgs.append(Organisation(f"Z99{number:03d}", name, OrganisationKind.PRACTICE, icb))
    return OrganisationTree(tuple(orgs))
