import { Link } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';

import { useBoardProgress } from '../api/board';
import { percent } from '../lib/labels';
import { progressRows } from '../lib/progress';
import { boardPaths } from '../paths';

import { MaturityTag } from './board-results-view';

/** Each year's maturity per domain side by side (the latest submitted one of each year). */
export function ProgressByYear({ ods, current }: { ods: string; current?: string }) {
  const progress = useBoardProgress(ods);
  return (
    <section aria-labelledby="progress-heading">
      <h2 className="nhsuk-heading-m" id="progress-heading">
        Progress over the years
      </h2>
      {progress.isPending && <Loading label="Loading earlier years…" />}
      {progress.isError && <ProblemSummary error={progress.error} />}
      {progress.isSuccess && progress.data.length === 0 && (
        <p className="nhsuk-body">No self-assessment has been submitted yet.</p>
      )}
      {progress.isSuccess && progress.data.length > 0 && (
        <>
          <ResponsiveTable
            caption="Maturity level and score by domain, one column per year"
            testId="progress-table"
            firstCellIsHeader
            rows={progressRows(progress.data)}
            rowKey={(row) => row.domain}
            columns={[
              { header: 'Domain', cell: (row) => row.title },
              ...progress.data.map((year, index) => ({
                header: String(year.year),
                cell: (row: ReturnType<typeof progressRows>[number]) => {
                  const result = row.byYear[index];
                  return result ? (
                    <>
                      <MaturityTag result={result} /> {percent(result.score)}
                    </>
                  ) : (
                    'Not in that year’s version'
                  );
                },
              })),
            ]}
          />
          <ul className="nhsuk-list">
            {progress.data
              .filter((year) => year.assessment_id !== current)
              .map((year) => (
                <li key={year.assessment_id}>
                  <Link to={boardPaths.assessment.href(year.assessment_id)}>
                    The {year.year} self-assessment
                  </Link>
                </li>
              ))}
          </ul>
        </>
      )}
    </section>
  );
}
