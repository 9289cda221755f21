import { PageTitle } from '@/components/seo/page-title';
import { TeamsPage } from '@/features/admin/components/teams-page';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminTeamsRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Teams and memberships" />
          <TeamsPage />
        </>
      )}
    </Guard>
  );
}
