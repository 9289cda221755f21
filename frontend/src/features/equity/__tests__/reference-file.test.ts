import { describe, expect, it } from 'vitest';

import { everyPage } from '@/lib/api';

import { newUpload } from '../api/upload-file';
import { csvCells, placeRefusals, problemOfRefusals, readReferenceFile } from '../lib/reference-file';
import { checkingText, rejectReport } from '../lib/refusals';

describe('csvCells', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks, and a byte order mark', () => {
    expect(csvCells('\uFEFFa,"b, c","say ""hi"""\r\n"two\nlines",x\n')).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['two\nlines', 'x'],
    ]);
    expect(csvCells('a,b')).toEqual([['a', 'b']]);
    expect(csvCells('')).toEqual([]);
  });
});

describe('readReferenceFile', () => {
  it('reads counts under a loosely named header, in any column order, skipping blank lines', () => {
    const read = readReferenceFile('People,Area code,Category\n700,e01000001, white \n\n"1,200",E01000002,mixed\n');
    expect(read.problems).toEqual([]);
    expect(read.counts).toEqual([
      { area_code: 'E01000001', category: 'white', people: 700 },
      { area_code: 'E01000002', category: 'mixed', people: 1200 },
    ]);
    expect(read.rows).toEqual([2, 4]);
  });

  it('names missing columns, and rows whose people are not a whole number', () => {
    expect(readReferenceFile('area,people\nE01000001,3\n').problems).toEqual([
      { row: null, column: 'area_code', reason: 'is missing from the header row' },
      { row: null, column: 'category', reason: 'is missing from the header row' },
    ]);
    expect(readReferenceFile('area_code,category,people\nE01000001,white,lots\nE01000001,mixed,-3\n').problems).toEqual([
      { row: 2, column: 'people', reason: 'is not a whole number of people' },
      { row: 3, column: 'people', reason: 'is not a whole number of people' },
    ]);
    expect(readReferenceFile('area_code,category,people\n').problems).toEqual([
      { row: 2, column: '*', reason: 'the file has no rows under its header' },
    ]);
  });

  it('refuses more rows than a reference population holds', () => {
    const lines = Array.from({ length: 40_001 }, (_, i) => `E0${String(i).padStart(7, '0')},white,1`);
    const read = readReferenceFile(['area_code,category,people', ...lines].join('\n'));
    expect(read.problems).toEqual([
      { row: null, column: 'The file', reason: 'has 40,001 rows: a reference population holds at most 40,000' },
    ]);
  });
});

describe('placeRefusals and problemOfRefusals', () => {
  it('shows the service’s refusal of a count against the file’s row, other fields as they are', () => {
    const placed = placeRefusals(
      {
        status: 422,
        detail: 'Check these fields',
        errors: [
          { field: 'body.counts[1].area_code', message: 'bad code' },
          { field: 'body.counts[0]', message: 'repeats an area and group' },
          { field: 'body.title', message: 'too long' },
        ],
      },
      [2, 5],
    );
    expect(placed?.errors).toEqual([
      { field: 'row[5].area_code', message: 'bad code' },
      { field: 'row[2].area_code and category', message: 'repeats an area and group' },
      { field: 'body.title', message: 'too long' },
    ]);
    expect(placeRefusals(null, [])).toBeNull();
  });

  it('puts problems found before sending in the same report', () => {
    const report = rejectReport(
      problemOfRefusals([
        { row: 3, column: 'people', reason: 'is not a whole number of people' },
        { row: null, column: 'category', reason: 'is missing from the header row' },
      ]),
    );
    expect(report.summary).toBe('1 row cannot be read.');
    expect(report.rowProblems).toEqual([{ row: 3, column: 'people', reason: 'is not a whole number of people' }]);
    expect(report.headerProblems).toEqual([{ row: null, column: 'category', reason: 'is missing from the header row' }]);
  });
});

describe('checkingText', () => {
  it('says what the service has checked of the upload so far', () => {
    expect(checkingText(null)).toMatch(/^The file has been sent\./);
    expect(checkingText({ status: 'reading', rows_read: 0, rows_rejected: 0 })).toMatch(/^The file has been sent\./);
    expect(checkingText({ status: 'reading', rows_read: 20_000, rows_rejected: 0 })).toBe(
      '20,000 rows checked so far. Nothing is kept unless every row is right.',
    );
    expect(checkingText({ status: 'reading', rows_read: 1, rows_rejected: 0 })).toMatch(/^1 row checked so far\./);
    expect(checkingText({ status: 'reading', rows_read: 30_000, rows_rejected: 2 })).toBe(
      '30,000 rows checked so far. 2 refused so far: nothing from this file will be imported, and every problem will be listed.',
    );
  });
});

describe('everyPage', () => {
  it('follows next_cursor until the last page', async () => {
    const asked: (string | undefined)[] = [];
    const pages: Record<string, { items: number[]; next_cursor: string | null }> = {
      first: { items: [1, 2], next_cursor: 'b' },
      b: { items: [3], next_cursor: 'c' },
      c: { items: [], next_cursor: null },
    };
    const items = await everyPage((cursor) => {
      asked.push(cursor);
      return Promise.resolve(pages[cursor ?? 'first'] ?? { items: [], next_cursor: null });
    });
    expect(items).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });
});

describe('newUpload', () => {
  it('gives each upload a key of its own (a UUID)', () => {
    const file = new File(['x'], 'a.csv');
    const first = newUpload(file, 'text/csv');
    const second = newUpload(file, 'text/csv');
    expect(first.importKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.importKey).not.toBe(first.importKey);
  });
});
