import { PageTitle } from '@/components/seo/page-title';
import { AuditPage } from '@/features/admin/components/audit-page';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminAuditRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Audit log" />
          <AuditPage />
        </>
      )}
    </Guard>
  );
}
