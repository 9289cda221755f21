import { describe, expect, it } from 'vitest';

import { EVERY_RECORD } from '../api/analyses';
import { coverageText } from '../components/coverage-filter';

describe('coverageText', () => {
  it.each([
    [EVERY_RECORD, 'all referrals'],
    [{ ...EVERY_RECORD, from: '2025-07-01' }, 'referrals from 1 July 2025'],
    [{ ...EVERY_RECORD, to: '2025-12-31' }, 'referrals up to 31 December 2025'],
    [
      { from: '2025-04-01', to: '2026-03-31', clinicalArea: 'hypertension' as const },
      'referrals from 1 April 2025 to 31 March 2026, tagged hypertension',
    ],
  ])('%o is %s', (coverage, text) => {
    expect(coverageText(coverage)).toBe(text);
  });
});
