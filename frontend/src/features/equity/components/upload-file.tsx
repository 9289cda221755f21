import './equity.scss';

import { useRef, useState, type SyntheticEvent } from 'react';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { isApiError } from '@/lib/api';

import { mediaTypeOf, useUploadActivityFile, type SendProgress } from '../api/upload-file';
import { percentSent, rejectReport, type Refusal } from '../lib/refusals';

const WHOLE_OR_NOTHING =
  'A file is imported whole or not at all: if any row is wrong, nothing from the file is imported, and every problem is listed with its row number.';

function RejectReport({ error, fileName }: { error: unknown; fileName: string }) {
  const report = rejectReport(isApiError(error) ? error.problem : null);
  return (
    <section aria-labelledby="reject-report-heading" data-testid="reject-report">
      <ErrorSummary title={`${fileName} was not imported`}>
        <p>
          <strong>Nothing from this file was imported.</strong> {report.summary}
        </p>
        <p>Correct the rows listed, then upload the whole file again.</p>
      </ErrorSummary>
      <h2 className="nhsuk-heading-m" id="reject-report-heading">
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
          testId="reject-header"
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
          testId="reject-rows"
        />
      )}
    </section>
  );
}

/**
 * Upload a CSV or XLSX activity file, with its progress: the bytes sent, then the service
 * checking every row (it answers once the whole file is checked and imported, or refused).
 */
export function UploadFile({ datasetId }: { datasetId: number }) {
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [progress, setProgress] = useState<SendProgress | null>(null);
  const [fileName, setFileName] = useState('');
  const upload = useUploadActivityFile(datasetId, setProgress);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (file === undefined) {
      setProblem('Choose the activity file to upload');
      return;
    }
    const mediaType = mediaTypeOf(file);
    if (mediaType === null) {
      setProblem('The file must be a CSV or an Excel workbook (.xlsx)');
      return;
    }
    setProblem(null);
    setFileName(file.name);
    setProgress({ sent: 0, total: file.size });
    upload.mutate({ file, mediaType });
  };

  const percent = progress === null ? 0 : percentSent(progress.sent, progress.total);
  const checking = upload.isPending && progress !== null && percent >= 100;

  return (
    <form onSubmit={submit} noValidate aria-labelledby="upload-heading">
      <h2 className="nhsuk-heading-m" id="upload-heading">
        Upload activity records
      </h2>
      <div className="nhsuk-warning-callout">
        <h3 className="nhsuk-warning-callout__label">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          Whole file or nothing
        </h3>
        <p>{WHOLE_OR_NOTHING}</p>
        <p>
          Never include names, NHS numbers, dates of birth, postcodes or addresses: a file with a
          column like that is refused.
        </p>
      </div>
      <details className="nhsuk-details">
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">What the file must contain</span>
        </summary>
        <div className="nhsuk-details__text">
          <p>
            One row per referral, with a header row. Only <code>referral_date</code> is required.
            Other columns: <code>person_key</code> (a pseudonym), <code>opted_in</code>,{' '}
            <code>appointments_offered</code>, <code>appointments_attended</code>,{' '}
            <code>appointments_dna</code>, <code>appointments_cancelled</code>,{' '}
            <code>discharge_date</code>, <code>discharge_reason</code>, <code>length_of_stay_days</code>,{' '}
            <code>outcome_before</code>, <code>outcome_after</code>, <code>age</code> or{' '}
            <code>age_band</code>, <code>sex</code>, <code>ethnic_category</code>,{' '}
            <code>imd_decile</code>, <code>lsoa</code> and the other characteristics.
          </p>
          <p>Dates as 2025-04-30 or 30/04/2025. A CSV must be UTF-8; in a workbook, the first sheet is read.</p>
        </div>
      </details>
      {problem !== null && <ErrorSummary errors={[{ text: problem, href: '#activity-file' }]} />}
      <div className={`nhsuk-form-group${problem === null ? '' : ' nhsuk-form-group--error'}`}>
        <label className="nhsuk-label" htmlFor="activity-file">
          Activity file (CSV or Excel .xlsx)
        </label>
        {problem !== null && (
          <span className="nhsuk-error-message" id="activity-file-error">
            <span className="nhsuk-u-visually-hidden">Error:</span> {problem}
          </span>
        )}
        <input
          ref={input}
          className="nhsuk-file-upload__input"
          id="activity-file"
          name="activity-file"
          type="file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-describedby={problem === null ? undefined : 'activity-file-error'}
          disabled={upload.isPending}
        />
      </div>
      {upload.isPending && progress !== null && (
        <div className="nhsuk-form-group" data-testid="upload-progress">
          <label className="nhsuk-label" htmlFor="upload-progress-bar">
            {checking ? 'Checking every row' : `Sending ${fileName}`}
          </label>
          <progress
            id="upload-progress-bar"
            className="equitas-upload-progress"
            max={100}
            value={checking ? undefined : percent}
          >
            {checking ? 'Checking' : `${String(percent)}%`}
          </progress>
          <p className="nhsuk-body" role="status">
            {checking
              ? 'The file has been sent. Every row is being checked and imported: this can take a minute for a large file. Nothing is kept unless every row is right.'
              : // In steps of 10%, so a screen reader is not told every byte.
                `Sending the file: ${String(Math.floor(percent / 10) * 10)}%`}
          </p>
        </div>
      )}
      {upload.isSuccess && (
        <div className="nhsuk-inset-text" role="status" data-testid="upload-done">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>
            {fileName} was imported: {upload.data.rows_imported.toLocaleString('en-GB')} row
            {upload.data.rows_imported === 1 ? '' : 's'}. The figures on every page now include them.
          </p>
        </div>
      )}
      {upload.isError &&
        (isApiError(upload.error, 422) ? (
          <RejectReport error={upload.error} fileName={fileName} />
        ) : (
          <ProblemSummary
            error={upload.error}
            title={isApiError(upload.error, 413) ? 'The file is too large' : undefined}
          />
        ))}
      <Button type="submit" disabled={upload.isPending}>
        {upload.isPending ? 'Uploading…' : 'Upload file'}
      </Button>
    </form>
  );
}
