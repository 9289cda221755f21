import type { Cell, RollUp, Scorecard } from '../api/scorecards';

/*
 * The at-a-glance scorecard: key lines of enquiry down, national priorities across, each
 * row's roll-up at its end and each priority's roll-up in a last row. The ratings and
 * roll-ups are the service's (decision 0030); this only lays them out.
 */

export type GridRow = {
  code: string;
  label: string;
  /** One per column, in the columns' order; undefined where the card has no such cell. */
  cells: (Cell | undefined)[];
  rollUp: RollUp;
};

export type Grid = { columns: RollUp[]; rows: GridRow[]; overall: RollUp };

export function gridOf(card: Scorecard): Grid {
  const byPlace = new Map(card.cells.map((cell) => [`${cell.row}\u0000${cell.column}`, cell]));
  return {
    columns: card.columns,
    rows: card.rows.map((row) => ({
      code: row.code,
      label: row.label,
      cells: card.columns.map((column) => byPlace.get(`${row.code}\u0000${column.code}`)),
      rollUp: row,
    })),
    overall: card.overall,
  };
}

// The order the counts are told in: the ones that need the board's attention first.
const COUNT_ORDER = ['not_assured', 'partly_assured', 'assured', 'not_assessed'] as const;
const COUNT_WORDS: Record<(typeof COUNT_ORDER)[number], string> = {
  not_assured: 'not assured',
  partly_assured: 'partly assured',
  assured: 'assured',
  not_assessed: 'not assessed',
};

/** '2 not assured, 1 partly assured, 2 assured': the counts of a roll-up, zeros left out. */
export function countsInWords(counts: Readonly<Record<string, number>>): string {
  const said = COUNT_ORDER.filter((code) => (counts[code] ?? 0) > 0).map(
    (code) => `${String(counts[code])} ${COUNT_WORDS[code]}`,
  );
  return said.length === 0 ? 'No cells rated' : said.join(', ');
}

/** "K1" from "K1 Leadership capability ...": the short name a narrow column can carry. */
export function shortLabel(label: string): string {
  const first = label.split(' ')[0] ?? label;
  return /^[A-Z]\d+$/.test(first) ? first : label;
}
