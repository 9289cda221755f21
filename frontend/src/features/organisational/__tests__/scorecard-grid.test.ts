import { describe, expect, it } from 'vitest';

import { ScorecardSchema } from '../api/scorecards';
import { countsInWords, gridOf, shortLabel } from '../lib/scorecard-grid';

const green = { code: 'assured', label: 'Assured', colour: 'green' };
const red = { code: 'not_assured', label: 'Not assured', colour: 'red' };

// A hand-built 2 x 2 card, as the service would send it (its roll-up: the lowest rating).
const card = ScorecardSchema.parse({
  instrument_version: '1.0.0-provisional',
  grouping: 'priority',
  rows: [
    { code: 'k1', label: 'K1 Leadership', rating: red, counts: { assured: 1, not_assured: 1 } },
    { code: 'k2', label: 'K2 Strategy', rating: green, counts: { assured: 1, not_assessed: 1 } },
  ],
  columns: [
    { code: 'p1', label: 'P1 Restore', rating: green, counts: { assured: 2 } },
    { code: 'p2', label: 'P2 Digital', rating: red, counts: { not_assured: 1, not_assessed: 1 } },
  ],
  overall: { code: 'overall', label: 'Overall', rating: red, counts: { assured: 2, not_assured: 1, not_assessed: 1 } },
  cells: [
    { item_id: 'k1_p1', row: 'k1', column: 'p1', prompt: 'One', rating: green, evidence: 'Paper', action: null },
    { item_id: 'k1_p2', row: 'k1', column: 'p2', prompt: 'Two', rating: red, evidence: null, action: 'Fix' },
    // The cells may come in any order; k2_p2 was left unanswered (no rating).
    { item_id: 'k2_p2', row: 'k2', column: 'p2', prompt: 'Four', rating: null, evidence: null, action: null },
    { item_id: 'k2_p1', row: 'k2', column: 'p1', prompt: 'Three', rating: green, evidence: null, action: null },
  ],
});

describe('the at-a-glance scorecard', () => {
  it('lays the cells out by key line of enquiry and priority, with each row’s roll-up', () => {
    const grid = gridOf(card);
    expect(grid.columns.map((c) => c.code)).toEqual(['p1', 'p2']);
    expect(grid.rows.map((row) => [row.code, row.cells.map((cell) => cell?.item_id), row.rollUp.rating?.code])).toEqual([
      ['k1', ['k1_p1', 'k1_p2'], 'not_assured'],
      ['k2', ['k2_p1', 'k2_p2'], 'assured'],
    ]);
    expect(grid.overall.rating?.code).toBe('not_assured');
  });

  it('leaves a place empty where the card has no cell', () => {
    const grid = gridOf({ ...card, cells: card.cells.filter((cell) => cell.item_id !== 'k1_p2') });
    expect(grid.rows[0]?.cells[1]).toBeUndefined();
  });

  it('tells the counts in words, those needing attention first, zeros left out', () => {
    expect(countsInWords(card.overall.counts)).toBe('1 not assured, 2 assured, 1 not assessed');
    expect(countsInWords({ assured: 0 })).toBe('No cells rated');
  });

  it('shortens a key line of enquiry to its code for narrow columns', () => {
    expect(shortLabel('K1 Leadership capability')).toBe('K1');
    expect(shortLabel('Leadership')).toBe('Leadership');
  });
});
