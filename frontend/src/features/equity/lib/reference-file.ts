import type { Problem } from '@/lib/api';

import type { ReferenceCount } from '../api/types';

import type { Refusal } from './refusals';

/** The columns of a reference population's file, in any order (docs/equity.md). */
export const REFERENCE_COLUMNS = ['area_code', 'category', 'people'] as const;
/** The most rows the service takes in one reference population. */
export const MAX_REFERENCE_ROWS = 40_000;

type Column = (typeof REFERENCE_COLUMNS)[number];

/** CSV text as rows of cells (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
export function csvCells(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let at = 0; at < body.length; at += 1) {
    const char = body.charAt(at);
    if (quoted) {
      if (char === '"' && body.charAt(at + 1) === '"') {
        cell += '"';
        at += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && body.charAt(at + 1) === '\n') at += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export type ReferenceFile = {
  counts: ReferenceCount[];
  /** The spreadsheet row (the header is row 1) of each count, to place the service's refusals. */
  rows: number[];
  /** What stops the file being sent: the header's columns, a count that is not a whole number. */
  problems: Refusal[];
};

const heading = (cell: string) => cell.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * A reference population's file (a header row naming area_code, category and people, then a
 * row per area and group) as the counts the service takes. Only what must be read to send it
 * is checked here; the service checks the codes, and `placeRefusals` shows what it refused
 * against these rows.
 */
export function readReferenceFile(text: string): ReferenceFile {
  const [header = [], ...lines] = csvCells(text);
  const found = header.map(heading);
  const at = {} as Record<Column, number>;
  const problems: Refusal[] = [];
  for (const column of REFERENCE_COLUMNS) {
    at[column] = found.indexOf(column);
    if (at[column] < 0) problems.push({ row: null, column, reason: 'is missing from the header row' });
  }
  if (problems.length > 0) return { counts: [], rows: [], problems };
  const counts: ReferenceCount[] = [];
  const rows: number[] = [];
  lines.forEach((cells, index) => {
    if (cells.every((c) => c.trim() === '')) return; // a blank line (spreadsheets leave them) is no row
    const row = index + 2;
    const people = (cells[at.people] ?? '').trim().replace(/,/g, '');
    if (!/^\d+$/.test(people)) {
      problems.push({ row, column: 'people', reason: 'is not a whole number of people' });
      return;
    }
    counts.push({
      area_code: (cells[at.area_code] ?? '').trim().toUpperCase(),
      category: (cells[at.category] ?? '').trim(),
      people: Number(people),
    });
    rows.push(row);
  });
  if (counts.length === 0 && problems.length === 0) {
    problems.push({ row: 2, column: '*', reason: 'the file has no rows under its header' });
  }
  if (counts.length > MAX_REFERENCE_ROWS) {
    problems.push({
      row: null,
      column: 'The file',
      reason: `has ${counts.length.toLocaleString('en-GB')} rows: a reference population holds at most ${MAX_REFERENCE_ROWS.toLocaleString('en-GB')}`,
    });
  }
  return { counts, rows, problems };
}

/** Problems found in the file before sending, in the shape the service's refusals take. */
export function problemOfRefusals(refusals: readonly Refusal[]): Problem {
  const rows = refusals.filter((r) => r.row !== null).length;
  return {
    detail:
      rows > 0
        ? `${rows.toLocaleString('en-GB')} row${rows === 1 ? '' : 's'} cannot be read.`
        : 'The header row is not that of a reference population.',
    errors: refusals.map((r) => ({
      field: r.row === null ? `header.${r.column}` : `row[${String(r.row)}].${r.column}`,
      message: r.reason,
    })),
  };
}

const COUNT = /^body\.counts\[(\d+)\](?:\.(.+))?$/;

/**
 * The service's refusal of the counts as a file's problems: `body.counts[3].people` is the
 * fourth count, shown as its spreadsheet row; other fields (the title, the groups) are left
 * for the form.
 */
export function placeRefusals(problem: Problem | null, rows: readonly number[]): Problem | null {
  if (problem === null) return null;
  const errors = (problem.errors ?? []).map(({ field, message }) => {
    const count = COUNT.exec(field);
    if (count === null) return { field, message };
    const row = rows[Number(count[1])] ?? Number(count[1]) + 2;
    return { field: `row[${String(row)}].${count[2] ?? 'area_code and category'}`, message };
  });
  return { ...problem, errors };
}
