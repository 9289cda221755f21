"""Who may read aggregates, without I/O (decision 0021)."""

import pytest

from services.aggregation.access.scope import Basis, NotAReader, ReaderScope, reader_basis
from services.aggregation.hierarchy.rules import Level
from services.common.auth import Principal
from services.common.permissions import Permission


def principal(
    kind: str = "user", org: str | None = "EQA", permissions: frozenset[Permission] = frozenset()
) -> Principal:
    return Principal(
        subject="s", kind=kind, client_id="c", name=None, organisation_code=org,  # type: ignore[arg-type]
        organisation_name=None, role_code=None, role_name=None, scopes=frozenset(),
        permissions=permissions, token="t",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("who", "basis"),
    [
        (principal(permissions=frozenset({Permission.aggregate_read})), Basis.organisation),
        (principal(permissions=frozenset({Permission.organisation_admin})), Basis.organisation),
        (principal(permissions=frozenset({Permission.person_read})), Basis.teams),
        (principal("system", "QZZ", frozenset({Permission.aggregate_read})), Basis.organisation),
    ],
)
def test_readers(who: Principal, basis: Basis) -> None:
    assert reader_basis(who) is basis


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (principal(), "needs aggregate:read"),
        (
            principal(org=None, permissions=frozenset({Permission.aggregate_read})),
            "no organisation",
        ),
        (principal("system", "*", frozenset({Permission.aggregate_read})), "no single"),
        (principal("system", "EQA", frozenset({Permission.feed_read})), "aggregate:read"),
    ],
)
def test_not_readers(who: Principal, message: str) -> None:
    with pytest.raises(NotAReader, match=message):
        reader_basis(who)


def test_roll_up_no_higher_than_your_own_level() -> None:
    trust = ReaderScope(Basis.organisation, "EQA", Level.trust, frozenset({"EQA"}), frozenset())
    assert trust.may_roll_up_to(Level.team)
    assert trust.may_roll_up_to(Level.trust)
    assert not trust.may_roll_up_to(Level.icb)
    lead = ReaderScope(Basis.teams, "EQA", Level.team, frozenset(), frozenset({"T1"}))
    assert lead.may_read_unit("T1")
    assert not lead.may_read_unit("EQA")
    assert lead.unit_codes == []
