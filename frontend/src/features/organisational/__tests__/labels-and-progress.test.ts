import { describe, expect, it } from 'vitest';

import type { InstrumentSummary } from '@/lib/instruments';

import type { DomainResult, YearLevels } from '../api/board';
import { maturityColour, percent, roleLabel, tagColour } from '../lib/labels';
import { progressRows } from '../lib/progress';
import { latestStandard } from '../lib/versions';

describe('labels', () => {
  it.each([
    ['non_executive_director', 'Non-executive director'],
    ['chief_executive', 'Chief executive'],
    [null, 'Not assigned'],
  ])('reads the board role %j as %j', (code, label) => {
    expect(roleLabel(code)).toBe(label);
  });

  it('rounds a score to a whole percentage, and says when nothing was answered', () => {
    expect(percent(62.5)).toBe('63%');
    expect(percent(0)).toBe('0%');
    expect(percent(null)).toBe('Not answered');
  });

  it('maps the definitions’ colours and maturity levels to NHS.UK tags', () => {
    expect(tagColour('amber')).toBe('orange');
    expect(tagColour(null)).toBe('grey');
    expect(maturityColour('thriving')).toBe('green');
    expect(maturityColour('unknown')).toBe('grey');
  });
});

const domain = (id: string, code: string, score: number): DomainResult => ({
  domain: id,
  title: id.toUpperCase(),
  score,
  maturity_level: { code, label: code },
  answered: 6,
  total: 6,
});

describe('progress over the years', () => {
  it('puts each domain in a row and each year in a column, overall last', () => {
    const years: YearLevels[] = [
      { assessment_id: 'x', assessed_on: '2025-03-01', year: 2025, instrument_version: '1', domains: { capacity: domain('capacity', 'emerging', 20) }, overall: domain('overall', 'emerging', 20) },
      { assessment_id: 'y', assessed_on: '2026-03-01', year: 2026, instrument_version: '2', domains: { capacity: domain('capacity', 'developing', 40), data: domain('data', 'maturing', 70) }, overall: domain('overall', 'developing', 55) },
    ];
    const rows = progressRows(years);
    expect(rows.map((row) => row.domain)).toEqual(['capacity', 'data', 'overall']);
    expect(rows[0]?.byYear.map((r) => r?.maturity_level?.code)).toEqual(['emerging', 'developing']);
    // A domain the earlier year's version did not have is left empty, not guessed.
    expect(rows[1]?.byYear[0]).toBeUndefined();
    expect(rows[2]?.byYear.map((r) => r?.score)).toEqual([20, 55]);
  });
});

describe('the version the private mode answers', () => {
  it('is the last standard version the service lists (its own order of precedence)', () => {
    const summary = (instrument: string, variant: string, version: string) =>
      ({ instrument, variant, version, title: '', status: '', subject_type: 'organisation' }) as InstrumentSummary;
    const listed = [
      summary('board-self-assessment', 'standard', '1.0.0-provisional'),
      summary('board-self-assessment', 'standard', '1.0.0'),
      summary('board-self-assessment', 'easy-read', '2.0.0'),
      summary('heat', 'standard', '3.0.0'),
    ];
    expect(latestStandard(listed, 'board-self-assessment')?.version).toBe('1.0.0');
    expect(latestStandard(listed, 'board-assurance')).toBeUndefined();
  });
});
