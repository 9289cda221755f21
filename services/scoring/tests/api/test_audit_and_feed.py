"""Every read of identifiable data is audited; the audit log has no update or delete path;
the change feed carries pseudonymised fields only."""

import json
import uuid
from dataclasses import fields
from typing import Any

import asyncpg
import httpx
import pytest
from equitas_stack.stack import Stack

from services.common.database import service_database_url
from services.scoring.feed.payload import FeedContext
from services.scoring.tests.api.feed_helpers import read_feed, stored_whole_event
from services.scoring.tests.api.fhir_helpers import scoring_db
from services.scoring.tests.api.hef import NewTeam, all_rated, create_person, submit_complete
from tests.support.fixtures import Tokens


async def test_reads_are_audited_and_admins_can_query(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any,
    demo_users: Any,
) -> None:  # fmt: skip
    team = await new_team({"clinician.a": "member", "team.lead": "lead"})
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, team, nhs_number())
    lead = await tokens.headers("team.lead")
    await gateway.get(f"/api/scoring/people/{person['id']}", headers=lead)
    admin = await tokens.headers("org.admin")
    audit = await gateway.get(
        "/api/scoring/audit", params={"entity_id": person["id"]}, headers=admin
    )
    assert audit.status_code == 200, audit.text
    entries = audit.json()["items"]
    actions = {(e["actor_subject"], e["action"]) for e in entries}
    assert (demo_users["clinician.a"].uid, "create") in actions
    assert (demo_users["team.lead"].uid, "read") in actions
    read = next(e for e in entries if e["action"] == "read")
    assert read["endpoint"] == "GET /api/scoring/people/{person_id}"
    assert read["request_id"]
    clinician = await gateway.get("/api/scoring/audit", headers=headers)
    assert clinician.status_code == 403


async def test_audit_log_refuses_update_and_delete(stack: Stack) -> None:
    url = service_database_url(stack.database_url, f"{stack.config.database_prefix}scoring")
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await conn.execute(statement)
    finally:
        await conn.close()


IDENTIFYING_KEYS = {"nhs_number", "given_name", "family_name", "birth_date", "postcode", "notes",
                    "name", "local_id", "person_id", "lsoa_code"}  # fmt: skip


async def test_feed_is_pseudonymised(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any, stack: Stack
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    number = nhs_number()
    person = await create_person(
        gateway, headers, team, number, family_name="Featherstonehaugh", postcode="ZZ1 1AB"
    )
    created = await submit_complete(
        gateway, headers, person["id"], "moderate", assessed_on="2026-04-01",
        notes="Met Featherstonehaugh at home; phone 07700 900456.",
    )  # fmt: skip
    assert created.status_code == 201, created.text
    refused = await gateway.get("/api/scoring/feed", headers=headers)
    assert refused.status_code == 403
    feed_token = await tokens.system("aggregation-service", "feed:read")
    auth = {"Authorization": f"Bearer {feed_token}"}
    events, _ = await read_feed(gateway, auth, "0")
    mine = [e for e in events if e["payload"]["team_code"] == team]
    assert len(mine) == 1
    payload = mine[0]["payload"]
    assert payload["person_key"].startswith("pk_")
    assert payload["age_band"] == "35-44"
    assert payload["ethnic_group"] == "white"
    assert payload["organisation_code"] == "EQA"
    assert payload["answers"]["housing"] == {"code": "moderate", "value": 2}
    text = json.dumps(mine)
    for secret in (number, "Featherstonehaugh", "1990-05-17", "ZZ1 1AB", "07700", person["id"]):
        assert secret not in text
    assert not IDENTIFYING_KEYS & _all_keys(payload)
    # What the outbox stores holds no identifier either: the person key is made when read.
    async with scoring_db(stack) as conn:
        stored = await conn.fetchrow(
            "SELECT payload::text AS payload, context::text AS context FROM feed_event "
            "WHERE person_id = $1",
            uuid.UUID(person["id"]),
        )
    assert stored is not None
    assert set(json.loads(stored["context"])) == {f.name for f in fields(FeedContext)}
    for secret in (number, "Featherstonehaugh", "1990-05-17", "ZZ1 1AB", "07700"):
        assert secret not in stored["payload"] + stored["context"]


async def test_every_change_of_an_assessment_reaches_the_feed_in_one_shape(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    """Recording writes its event in one statement, amend, delete and restore through the
    ORM: the feed publishes them alike, keyed to the same person and assessment."""
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, team, nhs_number())
    created = await submit_complete(
        gateway, headers, person["id"], "high", assessed_on="2026-04-01"
    )
    url = f"/api/scoring/assessments/{created.json()['id']}"
    amended = await gateway.post(
        f"{url}/amend",
        json={"reason": "Re-rated at the review meeting", "responses": all_rated("low")},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    assert amended.status_code == 200, amended.text
    deleted = await gateway.delete(
        url,
        params={"reason": "Entered twice"},
        headers={**headers, "If-Match": amended.headers["etag"]},
    )
    assert deleted.status_code == 204, deleted.text
    restored = await gateway.post(f"{url}/restore", headers=await tokens.headers("org.admin"))
    assert restored.status_code == 200, restored.text
    feed_token = await tokens.system("aggregation-service", "feed:read")
    events, _ = await read_feed(gateway, {"Authorization": f"Bearer {feed_token}"}, "0")
    mine = [e["payload"] for e in events if e["payload"]["team_code"] == team]
    assert [p["event"] for p in mine] == [
        "assessment.submitted", "assessment.amended", "assessment.deleted", "assessment.restored",
    ]  # fmt: skip
    assert all(list(p) == list(mine[0]) for p in mine)  # the same fields, in the same order
    assert len({p["person_key"] for p in mine}) == len({p["assessment_key"] for p in mine}) == 1
    assert [p["revision"] for p in mine] == [1, 2, 2, 2]
    assert [p["answers"]["housing"]["code"] for p in mine] == ["high", "low", "low", "low"]
    assert {(p["age_band"], p["sex"], p["ethnic_group"]) for p in mine} == {
        ("35-44", "female", "white")
    }


def _all_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _all_keys(v)}
    return set()


async def test_the_feed_never_passes_an_event_still_being_written(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any, stack: Stack
) -> None:
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, team, nhs_number())
    auth = {"Authorization": f"Bearer {await tokens.system('aggregation-service', 'feed:read')}"}
    _, cursor = await read_feed(gateway, auth, "0")
    async with scoring_db(stack) as slow:
        writing = slow.transaction()
        await writing.start()
        await slow.execute(
            "INSERT INTO feed_event (event_type, occurred_at, payload) "
            "VALUES ('assessment.submitted', now(), $1::jsonb)",
            json.dumps({**stored_whole_event(team), "episode_type": "in-flight"}),
        )
        # A submit that commits while the first transaction is still open...
        submitted = await submit_complete(gateway, headers, person["id"], "low")
        assert submitted.status_code == 201, submitted.text
        events, waiting_cursor = await read_feed(gateway, auth, cursor)
        # ...is held back: serving it would move readers past the open one's event.
        assert [e for e in events if e["payload"].get("team_code") == team] == []
        await writing.commit()
    events, _ = await read_feed(gateway, auth, waiting_cursor)
    mine = [e["payload"]["episode_type"] for e in events if e["payload"]["team_code"] == team]
    assert mine == ["in-flight", "referral"]


async def test_a_cursor_that_is_not_ours_is_refused(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    auth = {"Authorization": f"Bearer {await tokens.system('aggregation-service', 'feed:read')}"}
    too_big = (f"{2**64}.1", f"1.{2**63}", "١٢.3")  # beyond xid8 / bigint; Arabic digits
    for bad in ("abc", "12", "1.x", "-1.2", *too_big):
        page = await gateway.get("/api/scoring/feed", params={"after": bad}, headers=auth)
        assert page.status_code == 422, bad
        assert [e["field"] for e in page.json()["errors"]] == ["query.after"]


async def test_the_feed_orders_transaction_ids_as_numbers(
    gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack
) -> None:
    """Transaction 99 comes before transaction 100 (as text it would not)."""
    marker = f"ORDER-{uuid.uuid4().hex[:8]}"
    async with scoring_db(stack) as conn:
        for txid in ("100", "99"):
            await conn.execute(
                "INSERT INTO feed_event (event_type, occurred_at, payload, txid) "
                "VALUES ('assessment.submitted', now(), $1::jsonb, $2::text::xid8)",
                json.dumps({**stored_whole_event(marker), "episode_type": f"txid-{txid}"}),
                txid,
            )
    auth = {"Authorization": f"Bearer {await tokens.system('aggregation-service', 'feed:read')}"}
    events, _ = await read_feed(gateway, auth, "0")
    mine = [e for e in events if e["payload"]["team_code"] == marker]
    assert [e["payload"]["episode_type"] for e in mine] == ["txid-99", "txid-100"]
    assert mine[0]["cursor"].startswith("99.")


async def test_an_assessment_overtaken_by_a_corrected_birth_date_can_still_change(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any
) -> None:
    """The person's date of birth, corrected after an assessment, now falls after it: the
    assessment can still be deleted, and the feed says the age is not known."""
    team = await new_team({"clinician.a": "member"})
    headers = await tokens.headers("clinician.a")
    person = await create_person(gateway, headers, team, nhs_number())
    created = await submit_complete(gateway, headers, person["id"], "low", assessed_on="2026-01-10")
    assert created.status_code == 201, created.text
    people_url = f"/api/scoring/people/{person['id']}"
    current = await gateway.get(people_url, headers=headers)
    corrected = await gateway.patch(
        people_url,
        json={"birth_date": "2026-02-01"},
        headers={**headers, "If-Match": current.headers["etag"]},
    )
    assert corrected.status_code == 200, corrected.text
    deleted = await gateway.delete(
        f"/api/scoring/assessments/{created.json()['id']}",
        params={"reason": "Recorded against the wrong person"},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    assert deleted.status_code == 204, deleted.text
    feed_token = await tokens.system("aggregation-service", "feed:read")
    events, _ = await read_feed(gateway, {"Authorization": f"Bearer {feed_token}"}, "0")
    mine = [e["payload"] for e in events if e["payload"]["team_code"] == team]
    assert [(p["event"], p["age_band"]) for p in mine] == [
        ("assessment.submitted", "35-44"),
        ("assessment.deleted", None),
    ]
