import { Link } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { paths } from '@/config/paths';
import { answerLabel } from '@/lib/instruments';

import { useRevisions } from '../api/get-revisions';
import type { Revision } from '../api/types';

import type { LoadedAssessment } from './assessment-loader';
import { formatDate, SubjectBanner } from './subject-banner';

function overallTotal(revision: Revision): string {
  const overall = (revision.scores as { overall?: { scores?: Record<string, unknown> } }).overall;
  const first = Object.values(overall?.scores ?? {})[0];
  return typeof first === 'number' ? String(first) : '–';
}

/** Every submitted revision, oldest first, with what changed and why. */
export function RevisionsList({ assessment, definition, subject }: LoadedAssessment) {
  const revisions = useRevisions(assessment.id);
  const overallLabel = definition.scoring?.overall_scores[0]?.label ?? 'Overall score';
  return (
    <>
      <PageTitle title="Revisions of this assessment" />
      <SubjectBanner subject={subject} />
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-l">{definition.title}</span>
        Revisions of this assessment
      </h1>
      {revisions.isPending && <Loading label="Loading the revisions…" />}
      {revisions.isError && <ProblemSummary error={revisions.error} />}
      {revisions.isSuccess && revisions.data.length === 0 && (
        <p className="nhsuk-body">
          This assessment has not been submitted yet, so it has no revisions.
        </p>
      )}
      {revisions.isSuccess && revisions.data.length > 0 && (
        <>
          <ResponsiveTable
            caption="Submitted revisions, oldest first"
            columns={[
              { header: 'Revision', cell: (r: Revision) => String(r.revision) },
              { header: 'Submitted', cell: (r: Revision) => formatDate(r.submitted_at) },
              { header: 'Date of assessment', cell: (r: Revision) => formatDate(r.assessed_on) },
              { header: overallLabel, cell: overallTotal, numeric: true },
              {
                header: 'Reason for amending',
                cell: (r: Revision) => r.amend_reason ?? 'First submission',
              },
            ]}
            rows={revisions.data}
            rowKey={(r) => String(r.revision)}
            testId="revisions-table"
          />
          {revisions.data.slice(1).map((revision, index) => {
            const before = revisions.data[index];
            if (before === undefined) return null;
            const changed = Object.keys({ ...before.responses, ...revision.responses }).filter(
              (itemId) => before.responses[itemId] !== revision.responses[itemId],
            );
            return (
              <details className="nhsuk-details" key={revision.revision}>
                <summary className="nhsuk-details__summary">
                  <span className="nhsuk-details__summary-text">
                    What changed in revision {revision.revision}
                  </span>
                </summary>
                <div className="nhsuk-details__text">
                  {changed.length === 0 ? (
                    <p>No answers changed.</p>
                  ) : (
                    <ul>
                      {changed.map((itemId) => (
                        <li key={itemId}>
                          {definition.sections
                            .flatMap((s) => s.items)
                            .find((item) => item.id === itemId)?.text ?? itemId}
                          : {answerLabel(definition, itemId, before.responses[itemId])} to{' '}
                          {answerLabel(definition, itemId, revision.responses[itemId])}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              </details>
            );
          })}
        </>
      )}
      <p className="nhsuk-body">
        <Link to={paths.assessments.detail.getHref(assessment.id)}>Back to the assessment</Link>
      </p>
    </>
  );
}
