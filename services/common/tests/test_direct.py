"""The one-statement INSERT built for the hot path (pure: no database)."""

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm.exc import DetachedInstanceError

from services.common.direct import FromSource, detached, insert_from, insert_statement, row_from
from services.scoring.audit.models import AuditEvent
from services.scoring.feed.models import FeedEvent

REPO = Path(__file__).resolve().parents[3]


def audit(**overrides: object) -> AuditEvent:
    values: dict[str, object] = {
        "actor_subject": "s1",
        "actor_kind": "user",
        "client_id": "spa",
        "action": "submit",
        "entity_type": "assessment",
        "entity_id": uuid.uuid4(),
        "endpoint": "POST /x",
        "detail": {"person_id": "p1"},
        **overrides,
    }
    return detached(AuditEvent, **values)


def test_rows_chain_into_one_statement_with_numbered_parameters() -> None:
    sql, args = insert_statement([detached(FeedEvent, event_type="e", payload={"a": 1}), audit()])
    assert sql.startswith('WITH w0 AS (INSERT INTO "feed_event" ')
    assert sql.count("INSERT INTO") == 2
    assert f"${len(args)})" in sql
    assert f"${len(args) + 1}" not in sql
    # The serial key is the database's to fill; JSON goes as text for the engine's codec.
    assert '"seq"' not in sql
    assert '"id"' not in sql.split("audit_event")[1].split(")")[0]
    assert '{"a":1}' in args


def test_one_row_is_a_plain_insert_and_the_same_shape_is_the_same_text() -> None:
    first, _ = insert_statement([audit()])
    assert first.startswith('INSERT INTO "audit_event"')
    assert first == insert_statement([audit(request_id="r2")])[0]  # NULL or not: one text
    with_key, _ = insert_statement([audit(id=5)])
    assert with_key != first
    assert '"id"' in with_key


def test_detached_rows_get_their_defaults_and_fresh_ones_each_time() -> None:
    a, b = audit(), audit()
    assert a.at is not None
    assert a.detail == {"person_id": "p1"}
    assert a.id is None  # serial
    assert a.at <= b.at


def test_detached_rows_get_plain_defaults_too() -> None:
    row = audit()
    assert row.organisation_code is None  # a plain default, not a factory
    assert row.request_id is None
    assert set(vars(row)) >= set(AuditEvent.model_fields)


def test_a_row_read_holds_what_was_selected_and_refuses_the_rest() -> None:
    entity = uuid.uuid4()
    row = row_from(AuditEvent, {"a__entity_id": entity, "a__action": "read", "b__action": "x"}, "a")
    assert (row.entity_id, row.action) == (entity, "read")
    with pytest.raises(DetachedInstanceError):
        _ = row.actor_subject  # not selected: an error, never a silent None


def test_rows_read_first_thing_in_a_fresh_process_are_usable() -> None:
    # Found under load: a new worker whose first request was a submit read person.id before
    # anything had configured the ORM's mappers, and failed with AttributeError (500).
    script = (
        "import uuid\n"
        "from services.common.direct import row_from\n"
        "from services.scoring.people.models import Person\n"
        "key = uuid.uuid4()\n"
        "person = row_from(Person, {'p__id': key, 'p__sex': 'female'}, 'p')\n"
        "assert person.id == key and person.sex == 'female'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_rows_guarded_by_a_source_query_take_its_values_and_number_after_it() -> None:
    source = "SELECT 1 AS one, $1::text AS who, $2::int AS n"
    event = detached(FeedEvent, event_type="e", payload={"a": 1}, context=FromSource("src.n"))
    sql, args = insert_from(source, ["x", 2], [event, audit()], "src.who")
    assert sql.startswith(f'WITH src AS ({source}), w0 AS (INSERT INTO "feed_event" ')
    assert sql.endswith("SELECT src.who FROM src")
    assert "SELECT $3, $4, $5, $6, src.n FROM src" in sql  # type, time, payload, person
    assert args[:2] == ["x", 2]
    assert f"${len(args)}" in sql
    assert f"${len(args) + 1}" not in sql
    assert "src.n" not in args
