import { PageTitle } from '@/components/seo/page-title';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminAuditRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Audit log" />
          <h1 className="nhsuk-heading-l">Audit log</h1>
        </>
      )}
    </Guard>
  );
}
