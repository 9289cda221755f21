import { Link, useParams } from 'react-router';

import { PageTitle } from '@/components/seo/page-title';
import { paths } from '@/config/paths';
import { AmendForm } from '@/features/assessments/components/amend-form';
import { AssessmentLoader } from '@/features/assessments/components/assessment-loader';
import { can } from '@/lib/access';

import { Guard } from '../guard';

export default function AmendRoute() {
  const { assessmentId = '' } = useParams();
  return (
    <Guard allowed={(me) => can(me, 'assessment:write')}>
      {() => (
        <AssessmentLoader assessmentId={assessmentId}>
          {(loaded) =>
            loaded.assessment.status === 'submitted' ? (
              <AmendForm {...loaded} />
            ) : (
              <>
                <PageTitle title="This assessment is still a draft" />
                <h1 className="nhsuk-heading-l">This assessment is still a draft</h1>
                <p className="nhsuk-body">
                  Only a submitted assessment is amended.{' '}
                  <Link to={paths.assessments.detail.getHref(assessmentId)}>
                    Continue the draft
                  </Link>{' '}
                  instead.
                </p>
              </>
            )
          }
        </AssessmentLoader>
      )}
    </Guard>
  );
}
