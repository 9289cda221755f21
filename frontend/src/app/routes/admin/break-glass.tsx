import { PageTitle } from '@/components/seo/page-title';
import { BreakGlassPage } from '@/features/admin/components/break-glass-page';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminBreakGlassRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Break-glass access" />
          <BreakGlassPage />
        </>
      )}
    </Guard>
  );
}
