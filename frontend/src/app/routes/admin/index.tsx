import { PageTitle } from '@/components/seo/page-title';
import { AdminHome } from '@/features/admin/components/admin-home';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminHomeRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Admin" />
          <AdminHome />
        </>
      )}
    </Guard>
  );
}
