import { PageTitle } from '@/components/seo/page-title';
import { keepsCaseload } from '@/lib/access';

import { Guard } from './guard';

export default function PersonRoute() {
  return (
    <Guard allowed={keepsCaseload}>
      {() => (
        <>
          <PageTitle title="Person" />
          <h1 className="nhsuk-heading-l">Person</h1>
        </>
      )}
    </Guard>
  );
}
