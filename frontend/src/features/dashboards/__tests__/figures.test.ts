import { describe, expect, it } from 'vitest';

import type { Summary, SummaryRow } from '../api/get-summary';
import { panels } from '../lib/figures';

function row(
  period: string,
  quintile: string,
  people: number | null,
  mean: number | null,
  unit = 'Equitas Demo Trust A',
): SummaryRow {
  return {
    unit: { code: unit.slice(0, 3), name: unit, level: 'trust' },
    period: { start: period, label: period === '2026-04-01' ? '2026/27' : '2025/26' },
    breakdown: { imd_quintile: quintile },
    people:
      people === null
        ? { value: null, suppressed: true, reason: 'Fewer than 10 people' }
        : { value: people, suppressed: false },
    assessments: { value: people, suppressed: people === null },
    mean_score: mean === null ? { value: null, withheld: 'Too few to estimate' } : { value: mean, lower: mean - 1, upper: mean + 1 },
    bands: [],
  };
}

const SUMMARY: Summary = {
  instrument: 'hef',
  score: 'total',
  structure: 'as_at',
  method: { counts: 'rounded to 5', confidence: 0.95, other: [] },
  caveats: ['Counts are rounded to the nearest 5.'],
  suppression: { rule: 'fewer than 10', threshold: 10, rounding: '5', primary: 1, secondary: 0, withheld: 1 },
  rows: [
    row('2025-04-01', '1', 50, 12),
    row('2026-04-01', '1', 40, 11.5),
    row('2026-04-01', '2', null, null),
  ],
};

describe('dashboard panels', () => {
  it('show the latest period, with suppressed groups and their reasons', () => {
    expect(panels(SUMMARY, 'imd_quintile')).toEqual([
      {
        unit: 'Equitas Demo Trust A',
        period: '2026/27',
        people: [
          { label: '1 (most deprived)', value: 40, suppressedReason: undefined },
          { label: '2', value: null, suppressedReason: 'Fewer than 10 people' },
        ],
        meanScore: [
          { label: '1 (most deprived)', value: 11.5, lower: 10.5, upper: 12.5, suppressedReason: undefined },
          { label: '2', value: null, lower: null, upper: null, suppressedReason: 'Too few to estimate' },
        ],
      },
    ]);
  });

  it("show each unit's own latest period, so a unit with nothing this year is not hidden", () => {
    const older = { ...SUMMARY, rows: [...SUMMARY.rows, row('2025-04-01', '3', 20, 9, 'Quiet Team')] };
    const shown = panels(older, 'imd_quintile').map((p) => [p.unit, p.period]);
    expect(shown).toEqual([
      ['Equitas Demo Trust A', '2026/27'],
      ['Quiet Team', '2025/26'],
    ]);
  });
});
