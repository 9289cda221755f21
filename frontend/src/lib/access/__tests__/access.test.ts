import { describe, expect, it } from 'vitest';

import { administers, keepsCaseload, seesDashboards, type Me } from '..';

const person = (overrides: Partial<Me>): Me => ({
  subject: 's',
  kind: 'user',
  name: 'N',
  organisation: { ods_code: 'EQA', name: 'Trust A' },
  role: { code: 'R', name: 'Role' },
  permissions: [],
  scopes: [],
  teams: [],
  ...overrides,
});

describe('who is offered what', () => {
  it('a clinician in a team keeps a caseload, and sees no dashboards or admin', () => {
    const me = person({
      permissions: ['person:read', 'person:write'],
      teams: [{ code: 'A', name: 'Team A', role: 'member' }],
    });
    expect([keepsCaseload(me), seesDashboards(me), administers(me)]).toEqual([true, false, false]);
  });

  it('a clinician in no team has no caseload to keep', () => {
    expect(keepsCaseload(person({ permissions: ['person:read'] }))).toBe(false);
  });

  it('a team lead sees dashboards as well as the caseload', () => {
    const me = person({
      permissions: ['person:read'],
      teams: [{ code: 'A', name: 'Team A', role: 'lead' }],
    });
    expect([keepsCaseload(me), seesDashboards(me)]).toEqual([true, true]);
  });

  it('analysts see dashboards; organisation admins the admin pages', () => {
    expect(seesDashboards(person({ permissions: ['aggregate:read'] }))).toBe(true);
    expect(administers(person({ permissions: ['organisation:admin', 'audit:read'] }))).toBe(true);
  });
});
