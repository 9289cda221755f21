import { Link, useParams } from 'react-router';

import { PageTitle } from '@/components/seo/page-title';
import { paths } from '@/config/paths';
import { AssessmentLoader } from '@/features/assessments/components/assessment-loader';
import { SubjectBanner } from '@/features/assessments/components/subject-banner';
import { PersonProfile } from '@/features/profile/components/person-profile';
import { can } from '@/lib/access';

import { Guard } from '../guard';

export default function ProfileRoute() {
  const { assessmentId = '' } = useParams();
  return (
    <Guard allowed={(me) => can(me, 'assessment:read')}>
      {() => (
        <AssessmentLoader assessmentId={assessmentId}>
          {({ assessment, definition, subject }) => (
            <>
              <PageTitle title={`${definition.title} profile`} />
              <SubjectBanner subject={subject} />
              <h1 className="nhsuk-heading-l">{definition.title} profile</h1>
              <PersonProfile
                personId={assessment.person_id}
                assessmentId={assessment.id}
                assessmentStatus={assessment.status}
                definition={definition}
              />
              <ul className="nhsuk-list">
                <li>
                  <Link to={paths.assessments.detail.getHref(assessment.id)}>
                    See the answers
                  </Link>
                </li>
                <li>
                  <Link to={paths.person.getHref(assessment.person_id)}>Back to the person</Link>
                </li>
              </ul>
            </>
          )}
        </AssessmentLoader>
      )}
    </Guard>
  );
}
