import type { Problem } from '@/lib/api';

/** One reason a file was refused: a row and column of the spreadsheet, or its header. */
export type Refusal = {
  /** The spreadsheet's row number (the header is row 1); null for the header or the file. */
  row: number | null;
  column: string;
  reason: string;
};

export type RejectReport = {
  /** What the service said: how many rows were refused, and that nothing was imported. */
  summary: string;
  headerProblems: Refusal[];
  rowProblems: Refusal[];
};

const ROW = /^row\[(\d+)\]\.(.+)$/;
const HEADER = /^header\.(.+)$/;

/**
 * A 422 from an import, as a report: `row[12].sex` is row 12's column "sex";
 * `header.nhs_number` a column of the header; `body` the file as a whole.
 */
export function rejectReport(problem: Problem | null): RejectReport {
  const headerProblems: Refusal[] = [];
  const rowProblems: Refusal[] = [];
  for (const { field, message } of problem?.errors ?? []) {
    const row = ROW.exec(field);
    if (row !== null) {
      rowProblems.push({ row: Number(row[1]), column: row[2] ?? '', reason: message });
      continue;
    }
    const header = HEADER.exec(field);
    headerProblems.push({ row: null, column: header === null ? 'The file' : (header[1] ?? ''), reason: message });
  }
  rowProblems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return {
    summary: problem?.detail ?? 'The file was refused; nothing was imported.',
    headerProblems,
    rowProblems,
  };
}

/** "Sending the file: 42%" from bytes sent of the total. */
export function percentSent(sent: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((sent / total) * 100));
}

/** What the service has checked of an upload so far (`rows_read`, `rows_rejected`), or why there is nothing to say yet. */
export function checkingText(record: { status: string; rows_read: number; rows_rejected: number } | null): string {
  if (record === null || (record.status === 'reading' && record.rows_read === 0)) {
    return 'The file has been sent. Every row is being checked: nothing is kept unless every row is right.';
  }
  const rows = record.rows_read.toLocaleString('en-GB');
  const checked = `${rows} row${record.rows_read === 1 ? '' : 's'} checked so far.`;
  if (record.rows_rejected === 0) return `${checked} Nothing is kept unless every row is right.`;
  const refused = record.rows_rejected.toLocaleString('en-GB');
  return `${checked} ${refused} refused so far: nothing from this file will be imported, and every problem will be listed.`;
}
