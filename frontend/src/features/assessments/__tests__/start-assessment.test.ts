import { describe, expect, it } from 'vitest';

import { latestForPeople, newer } from '../components/start-assessment';

const summary = (instrument: string, variant: string, version: string, subject_type = 'person') => ({
  instrument,
  variant,
  version,
  title: `${instrument} ${variant}`,
  status: 'published',
  subject_type,
});

describe('choosing what to start', () => {
  it.each([
    ['1.0.0', '1.0.0-provisional', true],
    ['1.0.0-provisional', '1.0.0', false],
    ['1.10.0', '1.9.0', true],
    ['2.0.0-beta.2', '2.0.0-beta.10', false],
    ['1.0.0', '1.0.0', false],
  ])('%s is newer than %s: %s', (a, b, expected) => {
    expect(newer(a, b)).toBe(expected);
  });

  it('offers the newest version of each variant for people, standard first', () => {
    const offered = latestForPeople([
      summary('hef', 'easy-read', '1.0.0-provisional'),
      summary('hef', 'standard', '1.0.0-provisional'),
      summary('hef', 'standard', '1.1.0'),
      summary('board', 'standard', '1.0.0', 'organisation'),
    ]);
    expect(offered.map((s) => `${s.instrument}/${s.variant}@${s.version}`)).toEqual([
      'hef/standard@1.1.0',
      'hef/easy-read@1.0.0-provisional',
    ]);
  });
});
