"""The demo organisation tree."""

import re

import pytest

from services.scoring.demo_data.organisations import (
    DemoDataError,
    Organisation,
    OrganisationKind,
    OrganisationTree,
    default_organisation_tree,
)


def test_default_hierarchy() -> None:
    tree = default_organisation_tree()
    assert tree.get("QZZ").name == "Equitas Demo ICB"
    assert tree.get("QZZ").kind is OrganisationKind.ICB
    assert tree.get("QZY").kind is OrganisationKind.ICB
    assert [t.code for t in tree.trusts] == ["EQA", "EQB", "EQC"]
    assert tree.get("EQA").name == "Equitas Demo Trust A"
    assert tree.get("EQB").name == "Equitas Demo Trust B"
    assert tree.get("EQC").parent_code == "QZY"
    assert [o.code for o in tree.ancestors("EQA-LD-NORTH")] == ["EQA", "QZZ", "YZZ"]


def test_first_two_teams_of_trust_a() -> None:
    teams = default_organisation_tree().children("EQA", OrganisationKind.TEAM)
    assert [t.code for t in teams[:2]] == ["EQA-LD-NORTH", "EQA-LD-SOUTH"]


def test_every_trust_has_three_or_four_ld_teams() -> None:
    tree = default_organisation_tree()
    for trust in tree.trusts:
        teams = tree.children(trust.code, OrganisationKind.TEAM)
        assert 3 <= len(teams) <= 4
        assert all(t.code.startswith(f"{trust.code}-LD-") for t in teams)


def test_practices_are_letter_and_five_digits_in_an_icb() -> None:
    tree = default_organisation_tree()
    assert tree.practices
    for practice in tree.practices:
        assert re.fullmatch(r"[A-Z]\d{5}", practice.code)
        assert tree.get(practice.parent_code or "").kind is OrganisationKind.ICB


def test_tree_validation() -> None:
    region = Organisation("R", "Region", OrganisationKind.REGION, None)
    with pytest.raises(DemoDataError):
        OrganisationTree((region, region))
    with pytest.raises(DemoDataError):
        OrganisationTree((Organisation("T", "Trust", OrganisationKind.TRUST, "R"), region))
    with pytest.raises(DemoDataError):
        default_organisation_tree().get("NOPE")


def test_default_classmethod() -> None:
    assert OrganisationTree.default() == default_organisation_tree()
