import { PageTitle } from '@/components/seo/page-title';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminTeamRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Team" />
          <h1 className="nhsuk-heading-l">Team</h1>
        </>
      )}
    </Guard>
  );
}
