import { Link } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { Loading } from '@/components/ui/loading';
import { Tag } from '@/components/ui/tag';
import { paths } from '@/config/paths';
import { episodeLabel, formatDate } from '@/lib/format';

import { usePersonAssessments, type AssessmentSummary } from '../api/get-person-assessments';

function StatusTag({ assessment }: { assessment: AssessmentSummary }) {
  if (assessment.status === 'draft') return <Tag colour="grey">Draft</Tag>;
  if (assessment.revision > 1) return <Tag colour="blue">Amended</Tag>;
  return <Tag colour="green">Submitted</Tag>;
}

/** Newest first: the order staff read a record in. */
function newestFirst(a: AssessmentSummary, b: AssessmentSummary): number {
  return b.assessed_on.localeCompare(a.assessed_on);
}

/** The person's assessments (referral, review, discharge) with their status and links. */
export function Timeline({ personId, canAssess }: { personId: string; canAssess: boolean }) {
  const assessments = usePersonAssessments(personId);
  return (
    <section aria-labelledby="timeline-heading" className="nhsuk-u-margin-top-7">
      <h2 className="nhsuk-heading-m" id="timeline-heading">
        Assessments
      </h2>
      {canAssess && (
        <p className="nhsuk-body">
          <Link
            className="nhsuk-action-link"
            to={paths.assessments.create.getHref(personId)}
            data-testid="start-assessment"
          >
            <svg
              className="nhsuk-icon nhsuk-icon--arrow-right-circle"
              xmlns="http://www.w3.org/2000/svg"
              viewBox="0 0 24 24"
              width="36"
              height="36"
              focusable="false"
              aria-hidden="true"
            >
              <path d="M12 2a10 10 0 0 0-10 9h11.7l-4-4a1 1 0 0 1 1.5-1.4l5.6 5.7a1 1 0 0 1 0 1.4l-5.6 5.7a1 1 0 0 1-1.5 0 1 1 0 0 1 0-1.4l4-4H2A10 10 0 1 0 12 2z" />
            </svg>
            <span className="nhsuk-action-link__text">Start a new assessment</span>
          </Link>
        </p>
      )}
      {assessments.isPending && <Loading label="Loading their assessments…" />}
      {assessments.isError && <ProblemSummary error={assessments.error} />}
      {assessments.isSuccess && assessments.data.length === 0 && (
        <p className="nhsuk-body" data-testid="timeline-empty">
          No assessments yet.
        </p>
      )}
      {assessments.isSuccess && assessments.data.length > 0 && (
        <ol className="nhsuk-list" data-testid="timeline">
          {[...assessments.data].sort(newestFirst).map((a) => (
            <li key={a.id} className="nhsuk-card nhsuk-u-margin-bottom-3">
              <div className="nhsuk-card__content">
                <h3 className="nhsuk-card__heading nhsuk-heading-s">
                  {episodeLabel(a.episode_type)}, {formatDate(a.assessed_on)}{' '}
                  <StatusTag assessment={a} />
                </h3>
                <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">
                  {a.instrument.toUpperCase()} {a.variant === 'standard' ? '' : `(${a.variant}) `}
                  version {a.instrument_version}
                </p>
                <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                  {a.status === 'draft' ? (
                    <li>
                      <Link to={paths.assessments.detail.getHref(a.id)}>
                        Continue this draft
                        <span className="nhsuk-u-visually-hidden">
                          {' '}
                          ({episodeLabel(a.episode_type)}, {formatDate(a.assessed_on)})
                        </span>
                      </Link>
                    </li>
                  ) : (
                    <>
                      <li>
                        <Link to={paths.assessments.detail.getHref(a.id)}>
                          View answers
                          <span className="nhsuk-u-visually-hidden">
                            {' '}
                            ({episodeLabel(a.episode_type)}, {formatDate(a.assessed_on)})
                          </span>
                        </Link>
                      </li>
                      <li>
                        <Link to={paths.assessments.profile.getHref(a.id)}>
                          See profile
                          <span className="nhsuk-u-visually-hidden">
                            {' '}
                            ({episodeLabel(a.episode_type)}, {formatDate(a.assessed_on)})
                          </span>
                        </Link>
                      </li>
                    </>
                  )}
                </ul>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
