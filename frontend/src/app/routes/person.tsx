import { useParams } from 'react-router';

import { DischargeFromCaseload } from '@/features/caseload/components/discharge-from-caseload';
import { PersonPage } from '@/features/people/components/person-page';
import { can, keepsCaseload } from '@/lib/access';

import { Guard } from './guard';

export default function PersonRoute() {
  const { personId = '' } = useParams();
  return (
    <Guard allowed={keepsCaseload}>
      {(me) => (
        <PersonPage
          key={personId}
          personId={personId}
          canCorrect={can(me, 'person:write')}
          canAssess={can(me, 'assessment:write')}
          actions={
            can(me, 'person:write')
              ? (person) => <DischargeFromCaseload person={person} teams={me.teams} />
              : undefined
          }
        />
      )}
    </Guard>
  );
}
