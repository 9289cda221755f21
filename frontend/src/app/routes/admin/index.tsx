import { PageTitle } from '@/components/seo/page-title';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminHomeRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Admin" />
          <h1 className="nhsuk-heading-l">Admin</h1>
        </>
      )}
    </Guard>
  );
}
