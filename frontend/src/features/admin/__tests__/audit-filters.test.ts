import { describe, expect, it } from 'vitest';

import { startOfDayInEngland } from '../api/audit';
import { checkSearch, NO_FILTERS, onOrBefore, readSearch, toFilters, writeSearch } from '../lib/audit-filters';

const PERSON = '2b0c1a52-9f43-4a8e-9c1e-1d1f0f6a7b11';

describe('audit log filters', () => {
  it('round-trip through the page address, dropping empty ones', () => {
    const search = { ...NO_FILTERS, person: PERSON, outcome: 'refused' as const };
    const params = new URLSearchParams(writeSearch(search));
    expect(params.toString()).toBe(`person=${PERSON}&outcome=refused`);
    expect(readSearch(params)).toEqual(search);
    expect(readSearch(new URLSearchParams('outcome=maybe')).outcome).toBe('');
  });

  it('say what is wrong with a record ID or dates', () => {
    expect(checkSearch({ ...NO_FILTERS, person: 'abc' }).map((p) => p.field)).toEqual(['person']);
    expect(checkSearch({ ...NO_FILTERS, from: '2026-03-02', to: '2026-03-01' })).toEqual([
      { field: 'to', text: '“To” must be the same as or after “from”' },
    ]);
    expect(checkSearch({ ...NO_FILTERS, person: PERSON, from: '2026-03-01' })).toEqual([]);
  });

  it('send the service what it filters on', () => {
    expect(toFilters({ ...NO_FILTERS, actor: ' 555000000002 ', from: '2026-03-01' })).toEqual({
      entityId: undefined,
      actor: '555000000002',
      action: undefined,
      outcome: undefined,
      from: '2026-03-01',
    });
  });

  it('read days as days in England', () => {
    expect(startOfDayInEngland('2026-01-15')).toBe('2026-01-15T00:00:00.000Z');
    expect(startOfDayInEngland('2026-07-15')).toBe('2026-07-14T23:00:00.000Z');
    // 23:30 UTC on 14 July is already 15 July in England.
    expect(onOrBefore('2026-07-14T23:30:00Z', '2026-07-14')).toBe(false);
    expect(onOrBefore('2026-07-14T22:30:00Z', '2026-07-14')).toBe(true);
  });
});
