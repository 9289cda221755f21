import { PageTitle } from '@/components/seo/page-title';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminRestoreRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Restore a deleted assessment" />
          <h1 className="nhsuk-heading-l">Restore a deleted assessment</h1>
        </>
      )}
    </Guard>
  );
}
