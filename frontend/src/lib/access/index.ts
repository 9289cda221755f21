import type { components } from '@/api/generated/scoring';

/** Who is signed in, as the scoring service sees them (GET /api/scoring/me). */
export type Me = components['schemas']['Me'];

// The permissions the services grant (services/common/permissions.py); the SPA only uses
// them to decide what to offer. Every service still checks every request itself.
export type Permission =
  | 'person:read'
  | 'person:write'
  | 'assessment:read'
  | 'assessment:write'
  | 'organisation:admin'
  | 'audit:read'
  | 'aggregate:read'
  | 'board:assess';

export function can(me: Me, permission: Permission): boolean {
  return me.permissions.includes(permission);
}

export function leadsATeam(me: Me): boolean {
  return me.teams.some((team) => team.role === 'lead');
}

/** Keeps a caseload: clinicians in at least one team. */
export const keepsCaseload = (me: Me) => can(me, 'person:read') && me.teams.length > 0;

/** Team leads (their teams' summaries) and aggregate readers (analysts, commissioners, boards). */
export const seesDashboards = (me: Me) => leadsATeam(me) || can(me, 'aggregate:read');

export const administers = (me: Me) => can(me, 'organisation:admin');

/** Board members and organisation admins keep their organisation's board tools and HEAT. */
export const keepsBoardRecords = (me: Me) => can(me, 'board:assess') || can(me, 'organisation:admin');

/** Who the board pages are for: those who keep the records, and aggregate readers, who read
 * them (a commissioner their trusts', an analyst their organisation's HEAT). */
export const usesBoardTools = (me: Me) => keepsBoardRecords(me) || can(me, 'aggregate:read');

/** Service equity: the dashboards' readers, and organisation admins, who upload their
 * services' activity data (decision 0032; aggregation decides per dataset). */
export const seesServiceEquity = (me: Me) => seesDashboards(me) || administers(me);
