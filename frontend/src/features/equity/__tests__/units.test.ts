import { describe, expect, it } from 'vitest';

import type { Me } from '@/lib/access';
import { clinicianMe } from '@/testing/staff';

import { unitName, writableUnits } from '../lib/units';

const me = (permissions: string[], teams: Me['teams'] = []): Me => clinicianMe({ permissions, teams });

const TEAMS: Me['teams'] = [
  { code: 'T-LEAD', name: 'Team led', role: 'lead' },
  { code: 'T-MEMBER', name: 'Team joined', role: 'member' },
];

describe('writableUnits', () => {
  it('gives a team lead the teams they lead, not those they are a member of', () => {
    expect(writableUnits(me(['person:read'], TEAMS), [])).toEqual([{ code: 'T-LEAD', name: 'Team led' }]);
  });

  it('gives an analyst the organisation and its teams', () => {
    expect(writableUnits(me(['aggregate:read']), [{ code: 'T-X', name: null }])).toEqual([
      { code: 'EQA', name: 'Equitas Demo Trust A (the whole organisation)' },
      { code: 'T-X', name: 'T-X' },
    ]);
  });

  it('gives an administrator the organisation', () => {
    expect(writableUnits(me(['organisation:admin', 'audit:read']), [])[0]?.code).toBe('EQA');
  });

  it('gives a board member and a system nothing to write', () => {
    expect(writableUnits(me(['aggregate:read', 'board:assess'], TEAMS), [])).toEqual([]);
    expect(writableUnits({ ...me(['aggregate:read']), kind: 'system' }, [])).toEqual([]);
  });
});

describe('unitName', () => {
  it('names the organisation and the user’s teams, else shows the code', () => {
    const lead = me(['person:read'], TEAMS);
    expect(unitName(lead, 'EQA')).toBe('Equitas Demo Trust A');
    expect(unitName(lead, 'T-MEMBER')).toBe('Team joined');
    expect(unitName(lead, 'T-OTHER', [{ code: 'T-OTHER', name: 'Other team' }])).toBe('Other team');
    expect(unitName(lead, 'T-UNKNOWN')).toBe('T-UNKNOWN');
  });
});
