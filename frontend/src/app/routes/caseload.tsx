import { PageTitle } from '@/components/seo/page-title';
import { keepsCaseload } from '@/lib/access';

import { Guard } from './guard';

export default function CaseloadRoute() {
  return (
    <Guard allowed={keepsCaseload}>
      {() => (
        <>
          <PageTitle title="Your caseload" />
          <h1 className="nhsuk-heading-l">Your caseload</h1>
        </>
      )}
    </Guard>
  );
}
