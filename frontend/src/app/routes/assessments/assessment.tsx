import { useParams } from 'react-router';

import { AssessmentLoader } from '@/features/assessments/components/assessment-loader';
import { DraftForm } from '@/features/assessments/components/draft-form';
import { SubmittedAssessment } from '@/features/assessments/components/submitted-assessment';
import { can } from '@/lib/access';

import { Guard } from '../guard';

export default function AssessmentRoute() {
  const { assessmentId = '' } = useParams();
  return (
    <Guard allowed={(me) => can(me, 'assessment:read')}>
      {() => (
        <AssessmentLoader assessmentId={assessmentId}>
          {(loaded) =>
            loaded.assessment.status === 'draft' ? (
              <DraftForm key={loaded.assessment.id} {...loaded} />
            ) : (
              <SubmittedAssessment {...loaded} />
            )
          }
        </AssessmentLoader>
      )}
    </Guard>
  );
}
