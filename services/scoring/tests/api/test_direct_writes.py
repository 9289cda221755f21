"""One-statement writes on the real scoring database: all rows or none, JSON round trips
through the engine's codec, and a broken reference is a 409 problem, not a 500."""

import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest
from equitas_stack.stack import Stack
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.database import make_engine, service_database_url
from services.common.direct import detached, direct_connection, insert_rows
from services.common.errors import Conflict
from services.scoring.assessments.models import AssessmentRevision
from services.scoring.audit.models import AuditEvent
from services.scoring.feed.models import FeedEvent


@pytest.fixture
async def engine(stack: Stack) -> AsyncIterator[AsyncEngine]:
    url = service_database_url(stack.database_url, f"{stack.config.database_prefix}scoring")
    engine = make_engine(url, pool_size=2)
    yield engine
    await engine.dispose()


def audit(marker: str) -> AuditEvent:
    return detached(
        AuditEvent,
        actor_subject="direct-writes-test",
        actor_kind="system",
        client_id="test",
        action="test",
        entity_type="assessment",
        entity_id=uuid.uuid4(),
        endpoint="TEST",
        request_id=marker,
        detail={"nested": {"list": [1, "two"]}},
    )


async def test_rows_land_together_and_json_round_trips(engine: AsyncEngine) -> None:
    marker = uuid.uuid4().hex
    feed = detached(FeedEvent, event_type="test.direct", payload={"marker": marker})
    async with direct_connection(engine) as connection:
        # Rolled back: an event that is not an assessment's would stop the feed every later
        # test and the aggregation service read from this database (it serves only valid
        # events).
        written = connection.transaction()
        await written.start()
        try:
            await insert_rows(connection, [feed, audit(marker), audit(marker)])
            details = await connection.fetch(
                "SELECT detail FROM audit_event WHERE request_id = $1", marker
            )
            payload = await connection.fetchval(
                "SELECT payload FROM feed_event WHERE payload->>'marker' = $1", marker
            )
        finally:
            await written.rollback()
    assert [row["detail"] for row in details] == [{"nested": {"list": [1, "two"]}}] * 2
    assert payload == {"marker": marker}


async def test_a_broken_reference_writes_nothing(engine: AsyncEngine) -> None:
    marker = uuid.uuid4().hex
    orphan = detached(
        AssessmentRevision,
        assessment_id=uuid.uuid4(),  # no such assessment
        revision=1,
        instrument_version="1",
        episode_type="review",
        assessed_on=date(2026, 1, 1),
        responses={},
        scores={},
        submitted_by="x",
        submitted_at=audit(marker).at,
    )
    async with direct_connection(engine) as connection:
        with pytest.raises(Conflict):
            await insert_rows(connection, [audit(marker), orphan])
        written = await connection.fetchval(
            "SELECT count(*) FROM audit_event WHERE request_id = $1", marker
        )
        # The connection is still usable: no transaction was left open.
        assert await connection.fetchval("SELECT 1") == 1
    assert written == 0
