import { Link } from 'react-router';

import { formatDate } from '@/lib/format';

import { useProjects, type OrgAssessment } from '../api/assessments';
import { boardPaths } from '../paths';

/** Whose assessment it is: the organisation, or the project or programme for HEAT. */
export function SubjectLine({
  assessment,
  editable = false,
}: {
  assessment: OrgAssessment;
  /** A submitted one: offer to amend it (a new revision with a reason). */
  editable?: boolean;
}) {
  const projects = useProjects(assessment.project_id !== null);
  const project = projects.data?.find((p) => p.id === assessment.project_id);
  return (
    <p className="nhsuk-body" data-testid="subject-line">
      {project ? `${project.name} (${project.kind}), ` : ''}
      {assessment.organisation_code}, assessed on {formatDate(assessment.assessed_on)}
      {assessment.status === 'draft' ? ' (draft)' : ''}
      {assessment.revision > 1 ? `, revision ${String(assessment.revision)}` : ''}
      {editable && assessment.status === 'submitted' && (
        <>
          {' '}
          <Link to={boardPaths.amend.href(assessment.id)}>
            Amend<span className="nhsuk-u-visually-hidden"> this assessment</span>
          </Link>
        </>
      )}
    </p>
  );
}
