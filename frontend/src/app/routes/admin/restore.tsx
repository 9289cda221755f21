import { PageTitle } from '@/components/seo/page-title';
import { RestorePage } from '@/features/admin/components/restore-page';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminRestoreRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Restore a deleted assessment" />
          <RestorePage />
        </>
      )}
    </Guard>
  );
}
