import { describe, expect, it } from 'vitest';

import type { Engagement, EngagementRow, FieldCompleteness, Figure, Representation } from '../api/types';
import {
  absentGroupNames,
  completenessRows,
  engagementCharts,
  figureDatum,
  hiddenFigures,
  referralData,
  shownText,
  verdictText,
} from '../lib/figures';
import { categoryLabel, quarterLabel, reasonText, words } from '../lib/labels';

const shown = (value: number): Figure => ({ value, lower: value - 0.1, upper: value + 0.1, method: 'Wilson', withheld: null });
const hidden = (reason: string): Figure => ({ value: null, lower: null, upper: null, method: null, withheld: reason });

function row(category: string, referrals: number | null, dna: Figure): EngagementRow {
  return {
    category,
    referrals: referrals === null ? { value: null, reason: 'fewer than 8 people' } : { value: referrals, reason: null },
    figures: {
      dna,
      opt_in: shown(0.5),
      drop_out: shown(0.2),
      length_of_stay: shown(40),
      outcome_change: hidden('withheld: too few outcomes'),
    },
  };
}

const ENGAGEMENT = {
  dataset_id: 1,
  unit_code: 'T-1',
  caveats: [],
  by: 'imd_quintile',
  rows: [row('1', 20, shown(0.25)), row('2', null, hidden('withheld: fewer than 8 people'))],
  total: row('all', 25, shown(0.3)),
  inequality: [],
} as unknown as Engagement;

describe('engagement figures', () => {
  it('gives each measure a chart, groups then everyone, proportions as per cent', () => {
    const charts = engagementCharts(ENGAGEMENT);
    expect(charts.map((c) => c.measure)).toEqual(['dna', 'opt_in', 'drop_out', 'length_of_stay', 'outcome_change']);
    const dna = charts[0]?.data ?? [];
    expect(dna.map((d) => d.label)).toEqual(['1 (most deprived)', '2', 'All referrals']);
    expect(dna[0]?.value).toBe(25);
    expect(dna[0]?.lower).toBeCloseTo(15);
    expect(dna[1]).toEqual({ label: '2', value: null, suppressedReason: 'Fewer than 8 people' });
    expect(charts[3]?.data[0]?.value).toBe(40);
  });

  it('shows suppressed counts as suppressed, with the reason', () => {
    expect(referralData(ENGAGEMENT)[1]).toEqual({ label: '2', value: null, suppressedReason: 'Fewer than 8 people' });
    expect(shownText({ value: null, reason: 'fewer than 8 people' })).toBe('Suppressed: Fewer than 8 people');
    expect(shownText({ value: 1234, reason: null })).toBe('1,234');
  });

  it('counts the figures not shown', () => {
    // Row 2: referrals and DNA and outcome; row 1 and all: outcome.
    expect(hiddenFigures(ENGAGEMENT)).toBe(5);
  });

  it('treats a figure with no value as withheld even without a reason', () => {
    expect(figureDatum('x', undefined)).toEqual({ label: 'x', value: null, suppressedReason: 'Not shown to protect privacy' });
  });
});

describe('completenessRows', () => {
  const field = (name: string, group: string, percent: number): FieldCompleteness => ({
    field: name,
    group,
    records: { value: 20, reason: null },
    recorded: { value: 10, reason: null },
    not_stated: { value: 0, reason: null },
    not_known: { value: 10, reason: null },
    not_recorded_percent: shown(percent),
    least_complete: false,
  });

  it('keeps each field and group once (the service repeats "all" without a breakdown)', () => {
    const rows = completenessRows([field('sex', 'all', 5), field('sex', 'all', 5), field('ethnic_group', 'all', 50)]);
    expect(rows.map((r) => r.field)).toEqual(['sex', 'ethnic_group']);
  });
});

describe('representation', () => {
  it('lists absent groups by name', () => {
    const representation = { by: 'ethnic_group', absent_groups: ['black_or_black_british', 'mixed'], rows: [] } as unknown as Representation;
    expect(absentGroupNames(representation)).toEqual(['Black or Black British', 'Mixed or multiple ethnic groups']);
  });
});

describe('labels', () => {
  it.each([
    ['imd_quintile', '1', '1 (most deprived)'],
    ['imd_quintile', '3', '3'],
    ['imd_decile', '10', '10 (least deprived)'],
    ['core20plus', 'plus', 'PLUS groups'],
    ['sex', 'not_stated', 'Not stated'],
    ['ethnic_category', 'H', 'H: Indian'],
    ['religion', 'no_religion', 'No religion'],
    ['quarter', '2025-04-01', 'April to June 2025'],
    ['age_band', '85+', '85+'],
    [null, 'all', 'All'],
  ])('%s %s is %s', (by, code, label) => {
    expect(categoryLabel(by, code)).toBe(label);
  });

  it('writes codes as words and reasons as sentences', () => {
    expect(words('asian_or_asian_british')).toBe('Asian or Asian British');
    expect(reasonText('withheld: fewer than 8 people')).toBe('Fewer than 8 people');
    expect(reasonText(null)).toBe('Not shown to protect privacy');
    expect(quarterLabel('2025-10-01')).toBe('October to December 2025');
  });
});

describe('verdictText', () => {
  it('prints the verdict as a sentence, and a withheld one with its reason', () => {
    expect(verdictText('The gap narrowed, beyond what chance would explain (p < 0.05)')).toBe(
      'The gap narrowed, beyond what chance would explain (p < 0.05).',
    );
    expect(verdictText('withheld: Hidden so that a number below 8 cannot be worked out from the totals.')).toBe(
      'Whether the gap changed cannot be shown: hidden so that a number below 8 cannot be worked out from the totals.',
    );
  });
});
