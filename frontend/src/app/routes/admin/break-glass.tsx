import { PageTitle } from '@/components/seo/page-title';
import { useStaffNames } from '@/features/admin/api/staff-names';
import { BackToAdmin } from '@/features/admin/components/back-to-admin';
import { BreakGlassList } from '@/features/break-glass/components/break-glass-list';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

function BreakGlassWithNames() {
  const nameOf = useStaffNames();
  return <BreakGlassList nameOf={nameOf} />;
}

export default function AdminBreakGlassRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Break-glass access" />
          <BackToAdmin />
          <h1 className="nhsuk-heading-l">Break-glass access</h1>
          <BreakGlassWithNames />
        </>
      )}
    </Guard>
  );
}
