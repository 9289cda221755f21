import { describe, expect, it } from 'vitest';

import { parseInstrumentDefinition } from '@/lib/instruments';

import { describeChange, itemChanges, overallFigures, sectionFigures } from '../lib/figures';

const definition = parseInstrumentDefinition({
  instrument: 'check',
  variant: 'standard',
  version: '1.0.0',
  title: 'Check',
  status: 'published',
  subject_type: 'person',
  response_scales: [
    {
      id: 'impact',
      label: 'Impact',
      options: [
        { code: 'none', label: 'None', value: 0 },
        { code: 'high', label: 'High', value: 3 },
        { code: 'na', label: 'Not assessed', counts_as_missing: true },
      ],
    },
  ],
  sections: [
    { id: 'a', title: 'Section A', items: [{ id: 'a1', text: 'A one', scale: 'impact' }, { id: 'a2', text: 'A two', scale: 'impact' }] },
    { id: 'b', title: 'Section B', items: [{ id: 'b1', text: 'B one', scale: 'impact' }] },
  ],
  scoring: {
    direction: 'lower_is_better',
    section_scores: [
      { id: 'total', label: 'Total', rule: 'sum' },
      { id: 'highest', label: 'Highest', rule: 'max' },
    ],
    overall_scores: [{ id: 'total', label: 'Overall total', rule: 'sum' }],
  },
  bands: [{ id: 'impact', label: 'Level', applies_to: 'section', score: 'highest', levels: [{ code: 'none', label: 'None' }] }],
});

// As services/scoring/instruments/results.py writes them.
const scores = {
  sections: {
    a: { scores: { total: 3, highest: 3 }, bands: { impact: { code: 'high', label: 'High' } }, completeness: { not_assessed: 0 } },
    b: { scores: { total: null, highest: null }, bands: { impact: null }, completeness: { not_assessed: 1 } },
  },
  overall: { scores: { total: 3 } },
};
const sinceFirst = {
  sections: { a: { scores: { total: { baseline: 6, current: 3, delta: -3, change: 'improved' } } } },
  items: { a1: { change: 'improved' }, a2: { change: 'same' }, b1: { change: 'not_comparable' } },
};

describe('profile figures', () => {
  it('reads each section score the definition names, its band and the chart scale', () => {
    const [a, b] = sectionFigures(definition, scores, sinceFirst, null);
    expect(a).toMatchObject({ scores: { total: 3, highest: 3 }, band: { code: 'high', label: 'High' }, headlineMax: 6 });
    expect(a?.sinceFirst).toEqual({ baseline: 6, current: 3, delta: -3, change: 'improved' });
    expect(a?.sincePrevious).toBeNull();
    expect(b).toMatchObject({ scores: { total: null, highest: null }, band: null, headlineMax: 3, notAssessed: 1 });
  });

  it('ignores what is not there or not the expected shape', () => {
    const [a] = sectionFigures(definition, { sections: { a: 'nonsense' } }, { sections: 1 }, undefined);
    expect(a).toMatchObject({ scores: { total: null, highest: null }, band: null, sincePrevious: null });
    expect(a?.sinceFirst?.change).toBe('not_comparable');
  });

  it('labels the overall scores from the definition', () => {
    expect(overallFigures(definition, scores)).toEqual([{ id: 'total', label: 'Overall total', value: 3 }]);
  });

  it('lists the items that improved or got worse against either baseline', () => {
    const sincePrevious = { items: { a1: { change: 'same' }, b1: { change: 'worse' } } };
    expect(itemChanges(definition, sinceFirst, sincePrevious)).toEqual([
      { itemId: 'a1', text: 'A one', sectionTitle: 'Section A', sinceFirst: 'improved', sincePrevious: 'same' },
      { itemId: 'b1', text: 'B one', sectionTitle: 'Section B', sinceFirst: 'not_comparable', sincePrevious: 'worse' },
    ]);
    expect(itemChanges(definition, null, null)).toEqual([]);
  });

  it.each([
    [null, 'No earlier assessment'],
    [{ baseline: 2, current: 2, delta: 0, change: 'same' as const }, 'No change'],
    [{ baseline: 6, current: 3, delta: -3, change: 'improved' as const }, '3 lower (improved)'],
    [{ baseline: 1, current: 3, delta: 2, change: 'worse' as const }, '2 higher (worse)'],
    [{ baseline: null, current: 3, delta: null, change: 'not_comparable' as const }, 'Cannot be compared'],
  ])('describes change %j in words: %s', (change, words) => {
    expect(describeChange(change)).toBe(words);
  });
});
