import { PageTitle } from '@/components/seo/page-title';
import { CaseloadPage } from '@/features/caseload/components/caseload-page';
import { keepsCaseload } from '@/lib/access';

import { Guard } from './guard';

export default function CaseloadRoute() {
  return (
    <Guard allowed={keepsCaseload}>
      {(me) => (
        <>
          <PageTitle title="Your caseload" />
          <CaseloadPage teams={me.teams} />
        </>
      )}
    </Guard>
  );
}
