"""The demo organisations, their teams and the demo users' memberships, upserted: run on
every start of ``make run``, whatever else the database holds, so each demo user is in
their team even when people arrived first (an EPR's push, earlier test data).

An organisation the API registered earlier (e.g. ``EQA`` after an administrator's first
call) is kept and completed; a team code another organisation uses is an error.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from services.scoring.demo_data.memberships import StaffInTeam
from services.scoring.demo_data.organisations import (
    DemoDataError,
    OrganisationKind,
    OrganisationTree,
)
from services.scoring.demo_data.rows import ID_NAMESPACE, hef_definition, json_text

TEAM_SERVICE = "Community learning disability service"
REVIEW_INTERVAL_MONTHS = 6


@dataclass(frozen=True)
class DemoStructure:
    """Database ids by ODS code (organisations) and team code."""

    organisation_ids: dict[str, uuid.UUID]
    team_ids: dict[str, uuid.UUID]
    memberships: int

    def line(self) -> str:
        return (
            f"Demo data: {len(self.organisation_ids)} organisations, {len(self.team_ids)} "
            f"teams and {self.memberships} team memberships in place"
        )


async def upsert_structure(
    conn: asyncpg.Connection,
    tree: OrganisationTree,
    staff: list[StaffInTeam],
    now: datetime,
) -> DemoStructure:
    organisation_ids = await _upsert_organisations(conn, tree, now)
    team_ids = await _upsert_teams(conn, tree, organisation_ids, now)
    await _upsert_memberships(conn, team_ids, staff, now)
    return DemoStructure(organisation_ids, team_ids, len(staff))


async def _upsert_organisations(
    conn: asyncpg.Connection, tree: OrganisationTree, now: datetime
) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    for org in (*tree.of_kind(OrganisationKind.ICB), *tree.trusts):
        ids[org.code] = await conn.fetchval(
            """
            INSERT INTO organisation (id, ods_code, name, kind, parent_ods_code, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (ods_code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
                parent_ods_code = EXCLUDED.parent_ods_code
            RETURNING id
            """,
            uuid.uuid5(ID_NAMESPACE, f"organisation:{org.code}"),
            org.code,
            org.name,
            org.kind.value,
            org.parent_code,
            now,
        )
    return ids


async def _upsert_teams(
    conn: asyncpg.Connection,
    tree: OrganisationTree,
    organisation_ids: dict[str, uuid.UUID],
    now: datetime,
) -> dict[str, uuid.UUID]:
    settings = json_text(
        {
            "episode_types": [e.code for e in hef_definition().episode_types],
            "review_interval_months": REVIEW_INTERVAL_MONTHS,
        }
    )
    ids: dict[str, uuid.UUID] = {}
    for team in tree.teams:
        if team.parent_code is None:
            raise DemoDataError(f"team {team.code} has no trust")
        team_id = await conn.fetchval(
            """
            INSERT INTO team (id, organisation_id, code, name, service, settings, created_at)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, service = EXCLUDED.service,
                settings = EXCLUDED.settings
            WHERE team.organisation_id = EXCLUDED.organisation_id
            RETURNING id
            """,
            uuid.uuid5(ID_NAMESPACE, f"team:{team.code}"),
            organisation_ids[team.parent_code],
            team.code,
            team.name,
            TEAM_SERVICE,
            settings,
            now,
        )
        if team_id is None:
            raise DemoDataError(f"team code {team.code} is already used by another organisation")
        ids[team.code] = team_id
    return ids


async def _upsert_memberships(
    conn: asyncpg.Connection,
    team_ids: dict[str, uuid.UUID],
    staff: list[StaffInTeam],
    now: datetime,
) -> None:
    for member in staff:
        await conn.execute(
            """
            INSERT INTO membership (id, team_id, subject, display_name, role, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (team_id, subject) DO UPDATE SET display_name = EXCLUDED.display_name,
                role = EXCLUDED.role
            """,
            uuid.uuid5(ID_NAMESPACE, f"membership:{member.team_code}:{member.subject}"),
            team_ids[member.team_code],
            member.subject,
            member.display_name,
            member.role,
            now,
        )
