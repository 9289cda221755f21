import './equity.scss';

import type { ReactNode, Ref } from 'react';

import { ErrorSummary } from '@/components/ui/error-summary';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import type { Problem } from '@/lib/api';

import { percentSent, rejectReport, type Refusal } from '../lib/refusals';

// What the equity pages that send a file share: the file field, the progress of sending it,
// the note that it was taken, and the report of a file refused whole.

type FileFieldProps = {
  id: string;
  label: string;
  accept: string;
  error: string | null;
  disabled: boolean;
  inputRef: Ref<HTMLInputElement>;
};

/** An NHS.UK file upload field with its error message. */
export function FileField({ id, label, accept, error, disabled, inputRef }: FileFieldProps) {
  return (
    <div className={`nhsuk-form-group${error === null ? '' : ' nhsuk-form-group--error'}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {error !== null && (
        <span className="nhsuk-error-message" id={`${id}-error`}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      )}
      <input
        ref={inputRef}
        className="nhsuk-file-upload__input"
        id={id}
        name={id}
        type="file"
        accept={accept}
        aria-describedby={error === null ? undefined : `${id}-error`}
        disabled={disabled}
      />
    </div>
  );
}

type SendingProgressProps = {
  id: string;
  fileName: string;
  sent: number;
  total: number;
  /** Once every byte is sent: what the service is doing, and how far it has got. */
  afterSending: { label: string; status: string };
  testId: string;
};

/** The bytes sent as a per cent, then (indeterminate) what the service says it is doing. */
export function SendingProgress({ id, fileName, sent, total, afterSending, testId }: SendingProgressProps) {
  const percent = percentSent(sent, total);
  const sending = percent < 100;
  return (
    <div className="nhsuk-form-group" data-testid={testId}>
      <label className="nhsuk-label" htmlFor={id}>
        {sending ? `Sending ${fileName}` : afterSending.label}
      </label>
      <progress id={id} className="equitas-upload-progress" max={100} value={sending ? percent : undefined}>
        {sending ? `${String(percent)}%` : afterSending.label}
      </progress>
      <p className="nhsuk-body" role="status">
        {sending
          ? // In steps of 10%, so a screen reader is not told every byte.
            `Sending the file: ${String(Math.floor(percent / 10) * 10)}%`
          : afterSending.status}
      </p>
    </div>
  );
}

type RejectReportProps = {
  problem: Problem | null;
  title: string;
  /** What happened to the file as a whole, said first and plainly. */
  outcome: string;
  nextStep: string;
  /** "reject": the report is "reject-report", its tables "reject-header" and "reject-rows". */
  testId: string;
};

/** A file refused whole: its header problems and refused rows, by spreadsheet row. */
export function RejectReport({ problem, title, outcome, nextStep, testId }: RejectReportProps) {
  const report = rejectReport(problem);
  const headingId = `${testId}-report-heading`;
  return (
    <section aria-labelledby={headingId} data-testid={`${testId}-report`}>
      <ErrorSummary title={title}>
        <p>
          <strong>{outcome}</strong> {report.summary}
        </p>
        <p>{nextStep}</p>
      </ErrorSummary>
      <h2 className="nhsuk-heading-m" id={headingId}>
        Why the file was refused
      </h2>
      {report.headerProblems.length > 0 && (
        <ResponsiveTable
          caption="Problems with the file or its header row (row 1)"
          columns={[
            { header: 'Column', cell: (r: Refusal) => r.column },
            { header: 'Reason', cell: (r: Refusal) => r.reason },
          ]}
          rows={report.headerProblems}
          rowKey={(r) => `${r.column} ${r.reason}`}
          firstCellIsHeader
          testId={`${testId}-header`}
        />
      )}
      {report.rowProblems.length > 0 && (
        <ResponsiveTable
          caption="Rows refused (row numbers as a spreadsheet shows them: the header is row 1; up to the first 100 problems)"
          columns={[
            { header: 'Row', cell: (r: Refusal) => String(r.row) },
            { header: 'Column', cell: (r: Refusal) => r.column },
            { header: 'Reason', cell: (r: Refusal) => r.reason },
          ]}
          rows={report.rowProblems}
          rowKey={(r) => `${String(r.row)} ${r.column} ${r.reason}`}
          firstCellIsHeader
          testId={`${testId}-rows`}
        />
      )}
    </section>
  );
}

/** The note that a file was taken, announced to screen readers as a status. */
export function Done({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <div className="nhsuk-inset-text" role="status" data-testid={testId}>
      <span className="nhsuk-u-visually-hidden">Information: </span>
      <p>{children}</p>
    </div>
  );
}
