import { describe, expect, it } from 'vitest';

import { clinicianMe } from '@/testing/staff';

import { navigationFor } from '../navigation';

const labels = (me: Parameters<typeof navigationFor>[0]) => navigationFor(me).map((i) => i.label);

describe('role-aware navigation', () => {
  it('a clinician keeps a caseload', () => {
    expect(labels(clinicianMe())).toEqual(['Caseload', 'Your account']);
  });

  it('a team lead also sees dashboards and service equity', () => {
    expect(
      labels(clinicianMe({ teams: [{ code: 'N', name: 'North', role: 'lead' }] })),
    ).toEqual(['Caseload', 'Dashboards', 'Service equity', 'Your account']);
  });

  it('an organisation administrator sees the board tools and admin; an analyst dashboards', () => {
    expect(labels(clinicianMe({ permissions: ['organisation:admin', 'audit:read'], teams: [] }))).toEqual([
      'Service equity',
      'Board and HEAT',
      'Admin',
      'Your account',
    ]);
    expect(labels(clinicianMe({ permissions: ['aggregate:read'], teams: [] }))).toEqual([
      'Dashboards',
      'Service equity',
      'Board and HEAT',
      'Your account',
    ]);
    expect(labels(clinicianMe({ permissions: ['board:assess', 'aggregate:read'], teams: [] }))).toEqual([
      'Dashboards',
      'Service equity',
      'Board and HEAT',
      'Your account',
    ]);
  });
});
