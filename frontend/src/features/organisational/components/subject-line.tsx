import { formatDate } from '@/lib/format';

import { useProjects, type OrgAssessment } from '../api/assessments';

/** Whose assessment it is: the organisation, or the project or programme for HEAT. */
export function SubjectLine({ assessment }: { assessment: OrgAssessment }) {
  const projects = useProjects(assessment.project_id !== null);
  const project = projects.data?.find((p) => p.id === assessment.project_id);
  return (
    <p className="nhsuk-body" data-testid="subject-line">
      {project ? `${project.name} (${project.kind}), ` : ''}
      {assessment.organisation_code}, assessed on {formatDate(assessment.assessed_on)}
      {assessment.status === 'draft' ? ' (draft)' : ''}
    </p>
  );
}
