import type { ChartDatum } from '@/components/charts';

import type { Breakdown, Summary, SummaryRow } from '../api/get-summary';

export const BREAKDOWNS: readonly { value: Breakdown; label: string; phrase: string }[] = [
  { value: 'imd_quintile', label: 'Deprivation (IMD quintile)', phrase: 'deprivation (IMD quintile)' },
  { value: 'ethnic_group', label: 'Ethnic group', phrase: 'ethnic group' },
  { value: 'age_band', label: 'Age band', phrase: 'age band' },
  { value: 'sex', label: 'Sex', phrase: 'sex' },
];

// Quintile 1 is the most deprived fifth of areas in England.
const QUINTILES: Record<string, string> = { '1': '1 (most deprived)', '5': '5 (least deprived)', unknown: 'Not known' };

function groupLabel(by: Breakdown, value: string | undefined): string {
  if (value === undefined) return 'Not known';
  if (by === 'imd_quintile') return QUINTILES[value] ?? value;
  return value === 'unknown' ? 'Not known' : value;
}

export type Panel = {
  unit: string;
  period: string;
  people: ChartDatum[];
  meanScore: ChartDatum[];
};

/**
 * One panel per unit (team or organisation) for that unit's own latest period: people
 * assessed and the mean score, each group a figure, suppressed ones with the service's
 * reason. Each unit's latest year, not the latest year of all, so a team with nothing yet
 * this year still shows its last year rather than vanishing.
 */
export function panels(summary: Summary, by: Breakdown): Panel[] {
  const byUnit = new Map<string, SummaryRow[]>();
  for (const row of summary.rows) {
    const unit = row.unit.name ?? row.unit.code ?? 'Not placed in a team';
    byUnit.set(unit, [...(byUnit.get(unit) ?? []), row]);
  }
  const units = new Map<string, SummaryRow[]>();
  for (const [unit, all] of byUnit) {
    const latest = all.reduce((max, row) => (row.period.start > max ? row.period.start : max), '');
    units.set(
      unit,
      all.filter((row) => row.period.start === latest),
    );
  }
  return [...units.entries()].map(([unit, unitRows]) => ({
    unit,
    period: unitRows[0]?.period.label ?? '',
    people: unitRows.map((row) => ({
      label: groupLabel(by, row.breakdown[by]),
      value: row.people.suppressed ? null : row.people.value,
      suppressedReason: row.people.suppressed ? (row.people.reason ?? 'Suppressed') : undefined,
    })),
    meanScore: unitRows.map((row) => {
      const withheld = row.mean_score.withheld ?? (row.mean_score.value === null ? 'Not enough assessments' : undefined);
      return {
        label: groupLabel(by, row.breakdown[by]),
        value: withheld === undefined ? row.mean_score.value : null,
        lower: row.mean_score.lower ?? null,
        upper: row.mean_score.upper ?? null,
        suppressedReason: withheld ?? undefined,
      };
    }),
  }));
}
