"""Each rule is stated once (issue 16, item 7; decision 0014): who may see a person and an
age in completed years are database functions both the ORM and the hot path's SQL call,
and every audit entry is built by one function. These read the code; the API tests
(test_break_glass, test_refused_access_audit) show both paths behaving as one."""

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from services.common.auth import Principal
from services.scoring.assessments import record
from services.scoring.people.access import person_visible_to
from services.scoring.people.models import Person

SERVICES = Path(__file__).parents[3]
STAFF = Principal(
    subject="555000000002",
    kind="user",
    client_id="equitas-spa",
    name=None,
    organisation_code="EQA",
    organisation_name=None,
    role_code=None,
    role_name=None,
    scopes=frozenset(),
    permissions=frozenset(),
    token="",
)


def _sources(*excluded: str) -> dict[Path, str]:
    return {
        path: path.read_text()
        for path in SERVICES.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and not any(part in path.as_posix() for part in excluded)
    }


def test_the_access_rule_is_the_database_function_on_both_paths() -> None:
    orm = str(select(Person).where(person_visible_to(STAFF)).compile(dialect=postgresql.dialect()))
    for sql in (orm, record._CARE, record._CARING_TEAMS):
        assert "cared_for_by(" in sql
        assert "membership" not in sql
        assert "caseload_entry" not in sql
    # Nowhere else joins caseloads to memberships: the rule lives in the migration only.
    joined = [p for p, text in _sources().items() if re.search(r"JOIN membership", text, re.I)]
    assert joined == []


def test_ages_are_the_database_function() -> None:
    assert "completed_years($5::date, p.birth_date)" in record._CARE
    # Aggregation holds no date of birth (ages arrive as bands); its extract(year ...) makes
    # financial years.
    ages_by_hand = [
        p.name
        for p, text in _sources("services/aggregation/").items()
        if "extract(year" in text.lower()
    ]
    assert ages_by_hand == []


def test_every_audit_entry_is_built_by_one_function() -> None:
    """``audit.service.audit_event`` builds every entry; nothing else names the model's
    constructor or the table's columns."""
    outside = _sources("services/scoring/audit/", "services/scoring/db/models.py")
    builders = [
        p for p, text in outside.items() if re.search(r"AuditEvent\(|\"audit_event\"", text)
    ]
    assert builders == []
