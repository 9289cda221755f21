"""Summaries from the rollups equal summaries from the facts (decision 0034): HEFs
submitted, amended, deleted and restored through the gateway reach the service's store by
its own consumer; then the same summaries are computed with the rollups and from the facts
alone, and the analyst's answer through the gateway is the facts' answer."""

from datetime import date
from typing import Any

import httpx
from equitas_stack.stack import Stack

from services.aggregation.access.scope import Basis, ReaderScope
from services.aggregation.hierarchy import repository
from services.aggregation.hierarchy.rules import Level
from services.aggregation.metrics import Breakdown, MetricQuery, Period, compute_summary
from services.aggregation.metrics.common import check_query
from services.aggregation.metrics.query import Structure
from services.aggregation.metrics.rollup import rollup_cells
from services.aggregation.tests.api.feed_support import eventually, service_db
from services.aggregation.tests.api.test_feed_crash import _record_changes
from tests.support.fixtures import Tokens

NewTeam = Any
ORGANISATION = "EQA"  # the demo trust clinician.a's teams are under


async def _recorded(gateway: httpx.AsyncClient, tokens: Tokens, stack: Stack, team: str) -> None:
    """Wait until the service's consumer has applied the team's 18 assessments."""
    admin = await tokens.headers("org.admin")

    async def facts() -> int:
        synced = await gateway.post("/api/aggregation/feed/sync", headers=admin)
        assert synced.status_code == 200, synced.text
        async with service_db(stack, "aggregation") as conn:
            count: int = await conn.fetchval(
                "SELECT count(*) FROM assessment_fact WHERE team_code = $1", team
            )
        return count

    assert await eventually(facts, lambda n: n == 18, timeout_s=60) == 18


async def test_summaries_from_rollups_equal_summaries_from_the_facts(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any, stack: Stack
) -> None:
    team = await new_team({"clinician.a": "member"})
    await _record_changes(gateway, tokens, team, nhs_number)
    await _recorded(gateway, tokens, stack, team)

    queries = [
        MetricQuery(level=Level.team, organisation=team, period=Period.quarter),
        MetricQuery(
            level=Level.team, organisation=team, period=Period.month, by=(Breakdown.imd_quintile,)
        ),
        MetricQuery(
            level=Level.team,
            organisation=team,
            period=Period.financial_year,
            start=date(2026, 4, 1),
            end=date(2027, 3, 31),
        ),
        MetricQuery(level=Level.trust, period=Period.quarter, by=(Breakdown.imd_quintile,)),
        MetricQuery(level=Level.trust, period=Period.month),
    ]
    async with service_db(stack, "aggregation") as conn:
        units = await repository.units_under(conn, [ORGANISATION], date.today())
        scope = ReaderScope(Basis.organisation, ORGANISATION, Level.trust, units, frozenset())
        for query in queries:
            # The rollup answers these (not a silent fall back to the facts)...
            checked = await check_query(conn, scope, query)
            assert await rollup_cells(conn, scope, checked) is not None, query
        # Today's structure: from a rollup where the team links allow, else the facts;
        # the same figures either way.
        current = MetricQuery(
            level=Level.trust, structure=Structure.current, by=(Breakdown.imd_quintile,)
        )
        queries.append(current)
        for query in queries:
            # Every figure the facts give, suppression included. (Another test's
            # consumer may add facts between the two reads: read again if so.)
            for _ in range(5):
                rolled = await compute_summary(conn, scope, query)
                counted = await compute_summary(conn, scope, query, rollups=False)
                if rolled == counted:
                    break
            assert rolled.model_dump() == counted.model_dump(), query
        team_rows = (await compute_summary(conn, scope, queries[0], rollups=False)).rows
        # Referrals (May) and reviews (September): two quarters with people in them.
        assert [r.people.value for r in team_rows] == [10, 10]

    # And the analyst's answer through the gateway is the facts' answer.
    answer = await gateway.get(
        "/api/aggregation/summary",
        params={"level": "team", "organisation": team, "period": "month", "by": "imd_quintile"},
        headers=await tokens.headers("analyst"),
    )
    assert answer.status_code == 200, answer.text
    async with service_db(stack, "aggregation") as conn:
        counted = await compute_summary(conn, scope, queries[1], rollups=False)
    assert answer.json()["rows"] == counted.model_dump(mode="json")["rows"]


async def test_the_team_rollup_cells_are_what_the_facts_count(
    gateway: httpx.AsyncClient, tokens: Tokens, new_team: NewTeam, nhs_number: Any, stack: Stack
) -> None:
    team = await new_team({"clinician.a": "member"})
    await _record_changes(gateway, tokens, team, nhs_number)
    await _recorded(gateway, tokens, stack, team)
    async with service_db(stack, "aggregation") as conn:
        stored = sorted(
            tuple(r)
            for r in await conn.fetch(
                "SELECT period, period_start, breakdown, category, people, assessments, scored, "
                "score_sum, score_squares FROM rollup_cell "
                "WHERE grain = 'team' AND unit_code = $1",
                team,
            )
        )
        counted = sorted(
            tuple(r)
            for r in await conn.fetch(
                """
                SELECT p.period, p.start, b.breakdown, b.category,
                       count(DISTINCT f.person_key)::int, count(*)::int,
                       count(f.overall_score)::int,
                       COALESCE(sum(f.overall_score::numeric), 0),
                       COALESCE(sum(f.overall_score::numeric * f.overall_score::numeric), 0)
                FROM assessment_fact f
                CROSS JOIN LATERAL (VALUES ('month', f.month_start), ('quarter', f.quarter_start),
                    ('financial_year', make_date(f.financial_year::int, 4, 1))) p(period, start)
                CROSS JOIN LATERAL (VALUES ('none', ''),
                    ('imd_quintile', COALESCE(f.imd_quintile::text, 'unknown')))
                    b(breakdown, category)
                WHERE f.team_code = $1
                GROUP BY 1, 2, 3, 4
                """,
                team,
            )
        )
    assert len(stored) > 0
    assert stored == counted
