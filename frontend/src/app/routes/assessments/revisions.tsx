import { useParams } from 'react-router';

import { AssessmentLoader } from '@/features/assessments/components/assessment-loader';
import { RevisionsList } from '@/features/assessments/components/revisions-list';
import { can } from '@/lib/access';

import { Guard } from '../guard';

export default function RevisionsRoute() {
  const { assessmentId = '' } = useParams();
  return (
    <Guard allowed={(me) => can(me, 'assessment:read')}>
      {() => (
        <AssessmentLoader assessmentId={assessmentId}>
          {(loaded) => <RevisionsList {...loaded} />}
        </AssessmentLoader>
      )}
    </Guard>
  );
}
