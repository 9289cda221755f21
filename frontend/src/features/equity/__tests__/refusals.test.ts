import { describe, expect, it } from 'vitest';

import { percentSent, rejectReport } from '../lib/refusals';

describe('rejectReport', () => {
  it('reads row problems by spreadsheet row, in row order, and keeps the service’s summary', () => {
    const report = rejectReport({
      status: 422,
      detail: '2 rows refused; nothing was imported (import 7; the first 100 problems are listed)',
      errors: [
        { field: 'row[12].sex', message: 'is not a sex code' },
        { field: 'row[3].referral_date', message: 'is in the future' },
        { field: 'row[12].imd_decile', message: 'must be 1 to 10' },
      ],
    });
    expect(report.summary).toBe('2 rows refused; nothing was imported (import 7; the first 100 problems are listed)');
    expect(report.headerProblems).toEqual([]);
    expect(report.rowProblems).toEqual([
      { row: 3, column: 'referral_date', reason: 'is in the future' },
      { row: 12, column: 'sex', reason: 'is not a sex code' },
      { row: 12, column: 'imd_decile', reason: 'must be 1 to 10' },
    ]);
  });

  it('reads header problems and problems with the whole file', () => {
    const report = rejectReport({
      detail: 'The header is not that of an activity file; nothing was imported',
      errors: [
        { field: 'header.nhs_number', message: 'would identify someone' },
        { field: 'body', message: 'is not UTF-8' },
      ],
    });
    expect(report.rowProblems).toEqual([]);
    expect(report.headerProblems).toEqual([
      { row: null, column: 'nhs_number', reason: 'would identify someone' },
      { row: null, column: 'The file', reason: 'is not UTF-8' },
    ]);
  });

  it('says nothing was imported when the service gave no detail', () => {
    expect(rejectReport(null)).toEqual({
      summary: 'The file was refused; nothing was imported.',
      headerProblems: [],
      rowProblems: [],
    });
  });
});

describe('percentSent', () => {
  it.each([
    [0, 0, 0],
    [0, 100, 0],
    [49, 100, 49],
    [999, 1000, 99],
    [1000, 1000, 100],
    [1200, 1000, 100],
  ])('%d of %d bytes is %d%%', (sent, total, percent) => {
    expect(percentSent(sent, total)).toBe(percent);
  });
});
