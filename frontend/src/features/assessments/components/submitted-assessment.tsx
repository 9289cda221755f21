import { Link } from 'react-router';

import { PageTitle } from '@/components/seo/page-title';
import { paths } from '@/config/paths';

import type { LoadedAssessment } from './assessment-loader';
import { AssessmentSummary } from './assessment-summary';
import { PersonalDetailsWarning } from './notes-field';
import { formatDate, SubjectBanner } from './subject-banner';

/** A submitted assessment: its answers, and where to go next (profile, amend, revisions). */
export function SubmittedAssessment({ assessment, definition, subject }: LoadedAssessment) {
  const episode =
    definition.episode_types.find((e) => e.code === assessment.episode_type)?.label ??
    assessment.episode_type;
  const title = `${definition.title}: ${episode}, ${formatDate(assessment.assessed_on)}`;
  return (
    <>
      <PageTitle title={title} />
      <SubjectBanner subject={subject} />
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-l">Submitted assessment</span>
        {title}
      </h1>
      <ul className="nhsuk-list">
        <li>
          <Link to={paths.assessments.profile.getHref(assessment.id)}>View the profile</Link>
        </li>
        <li>
          <Link to={paths.assessments.amend.getHref(assessment.id)}>Amend this assessment</Link>
        </li>
        <li>
          <Link to={paths.assessments.revisions.getHref(assessment.id)}>
            Revisions and amendment reasons
          </Link>
        </li>
        <li>
          <Link to={paths.person.getHref(assessment.person_id)}>Back to the person</Link>
        </li>
      </ul>
      {assessment.free_text_flags.length > 0 && (
        <PersonalDetailsWarning flags={assessment.free_text_flags} />
      )}
      <AssessmentSummary assessment={assessment} definition={definition} />
    </>
  );
}
