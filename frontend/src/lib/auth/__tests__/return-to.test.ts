import { describe, expect, it } from 'vitest';

import { safeReturnTo } from '../return-to';

describe('safeReturnTo', () => {
  it.each([
    [{ returnTo: '/' }, '/'],
    [{ returnTo: '/teams/abc?tab=people' }, '/teams/abc?tab=people'],
  ])('keeps a path on this origin: %o', (state, expected) => {
    expect(safeReturnTo(state)).toBe(expected);
  });

  it.each([
    [undefined],
    [null],
    ['/'],
    [{}],
    [{ returnTo: 42 }],
    [{ returnTo: 'https://evil.example/' }],
    [{ returnTo: '//evil.example/' }],
    [{ returnTo: '/\\evil.example/' }],
    [{ returnTo: 'javascript:alert(1)' }],
  ])('falls back to the home page for %o', (state) => {
    expect(safeReturnTo(state)).toBe('/');
  });
});
