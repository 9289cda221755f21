import { useRef, useState, type SyntheticEvent } from 'react';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { isApiError } from '@/lib/api';

import {
  mediaTypeOf,
  newUpload,
  useImportProgress,
  useUploadActivityFile,
  type SendProgress,
  type Upload,
} from '../api/upload-file';
import { checkingText } from '../lib/refusals';

import { Done, FileField, RejectReport, SendingProgress } from './file-parts';

const WHOLE_OR_NOTHING =
  'A file is imported whole or not at all: if any row is wrong, nothing from the file is imported, and every problem is listed with its row number.';

/**
 * Upload a CSV or XLSX activity file, with its progress: the bytes sent, then the rows the
 * service has checked so far (asked by the upload's own key while it is open: decision 0050).
 */
export function UploadFile({ datasetId }: { datasetId: number }) {
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [progress, setProgress] = useState<SendProgress | null>(null);
  const [sending, setSending] = useState<Upload | null>(null);
  const upload = useUploadActivityFile(datasetId, setProgress);
  const checked = useImportProgress(datasetId, sending?.importKey ?? null, upload.isPending);
  const fileName = sending?.file.name ?? '';

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
    const next = newUpload(file, mediaType);
    setProblem(null);
    setSending(next);
    setProgress({ sent: 0, total: file.size });
    upload.mutate(next);
  };

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
      <FileField
        id="activity-file"
        label="Activity file (CSV or Excel .xlsx)"
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        error={problem}
        disabled={upload.isPending}
        inputRef={input}
      />
      {upload.isPending && progress !== null && (
        <SendingProgress
          id="upload-progress-bar"
          fileName={fileName}
          sent={progress.sent}
          total={progress.total}
          afterSending={{ label: 'Checking every row', status: checkingText(checked.data ?? null) }}
          testId="upload-progress"
        />
      )}
      {upload.isSuccess && (
        <Done testId="upload-done">
          {fileName} was imported: {upload.data.rows_imported.toLocaleString('en-GB')} row
          {upload.data.rows_imported === 1 ? '' : 's'}. The figures on every page now include them.
        </Done>
      )}
      {upload.isError &&
        (isApiError(upload.error, 422) ? (
          <RejectReport
            problem={upload.error.problem}
            title={`${fileName} was not imported`}
            outcome="Nothing from this file was imported."
            nextStep="Correct the rows listed, then upload the whole file again."
            testId="reject"
          />
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
