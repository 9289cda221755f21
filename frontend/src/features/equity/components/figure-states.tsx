import { ProblemSummary } from '@/components/errors';
import { isApiError } from '@/lib/api';

import type { Dataset } from '../api/types';

/** A failed analysis: no access (403), or the problem in plain words. */
export function AnalysisProblem({ error }: { error: unknown }) {
  return isApiError(error, 403) ? (
    <ProblemSummary error={error} title="You do not have access to these figures" />
  ) : (
    <ProblemSummary error={error} />
  );
}

/** Whether any records have been imported (the dataset knows its first referral then). */
export function hasRecords(dataset: Dataset): boolean {
  return dataset.first_referral !== null;
}

/** A dataset with no records yet: nothing to analyse, and where to start. */
export function NoRecordsYet({ mayUpload }: { mayUpload: boolean }) {
  return (
    <p className="nhsuk-body" data-testid="analysis-empty">
      There are no activity records in this dataset yet.
      {mayUpload ? ' Upload the service’s activity file on the “Dataset and upload” page first.' : ''}
    </p>
  );
}
