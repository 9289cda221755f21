import { PageTitle } from '@/components/seo/page-title';
import { BackToAdmin } from '@/features/admin/components/back-to-admin';
import { BreakGlassList } from '@/features/break-glass/components/break-glass-list';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminBreakGlassRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Break-glass access" />
          <BackToAdmin />
          <h1 className="nhsuk-heading-l">Break-glass access</h1>
          <BreakGlassList />
        </>
      )}
    </Guard>
  );
}
