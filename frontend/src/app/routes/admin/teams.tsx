import { PageTitle } from '@/components/seo/page-title';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminTeamsRoute() {
  return (
    <Guard allowed={administers}>
      {() => (
        <>
          <PageTitle title="Teams" />
          <h1 className="nhsuk-heading-l">Teams</h1>
        </>
      )}
    </Guard>
  );
}
