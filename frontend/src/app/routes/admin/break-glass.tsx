import { PageTitle } from '@/components/seo/page-title';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminBreakGlassRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Break-glass access" />
          <h1 className="nhsuk-heading-l">Break-glass access</h1>
        </>
      )}
    </Guard>
  );
}
