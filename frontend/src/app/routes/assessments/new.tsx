import { useParams } from 'react-router';

import { useSubject } from '@/features/assessments/api/get-subject';
import { LoadFailure } from '@/features/assessments/components/assessment-loader';
import { StartAssessment } from '@/features/assessments/components/start-assessment';
import { can } from '@/lib/access';

import { Guard } from '../guard';

function NewAssessment({ personId }: { personId: string }) {
  const subject = useSubject(personId);
  // Whether the person can be seen decides the page; their details are only a banner.
  if (subject.isError) return <LoadFailure error={subject.error} what="person" />;
  return <StartAssessment personId={personId} subject={subject.data} />;
}

export default function NewAssessmentRoute() {
  const { personId = '' } = useParams();
  return (
    <Guard allowed={(me) => can(me, 'assessment:write')}>
      {() => <NewAssessment personId={personId} />}
    </Guard>
  );
}
