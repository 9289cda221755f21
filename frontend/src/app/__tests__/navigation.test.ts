import { describe, expect, it } from 'vitest';

import { clinicianMe } from '@/testing/staff';

import { navigationFor } from '../navigation';

const labels = (me: Parameters<typeof navigationFor>[0]) => navigationFor(me).map((i) => i.label);

describe('role-aware navigation', () => {
  it('a clinician keeps a caseload', () => {
    expect(labels(clinicianMe())).toEqual(['Caseload', 'Your account']);
  });

  it('a team lead also sees dashboards', () => {
    expect(
      labels(clinicianMe({ teams: [{ code: 'N', name: 'North', role: 'lead' }] })),
    ).toEqual(['Caseload', 'Dashboards', 'Your account']);
  });

  it('an organisation administrator sees admin; an analyst dashboards', () => {
    expect(labels(clinicianMe({ permissions: ['organisation:admin', 'audit:read'], teams: [] }))).toEqual([
      'Admin',
      'Your account',
    ]);
    expect(labels(clinicianMe({ permissions: ['aggregate:read'], teams: [] }))).toEqual([
      'Dashboards',
      'Your account',
    ]);
  });
});
