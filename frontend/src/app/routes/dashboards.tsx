import { PageTitle } from '@/components/seo/page-title';
import { DashboardPage } from '@/features/dashboards/components/dashboard-page';
import { seesDashboards } from '@/lib/access';

import { Guard } from './guard';

export default function DashboardsRoute() {
  return (
    <Guard allowed={seesDashboards}>
      {() => (
        <>
          <PageTitle title="Dashboards" />
          <DashboardPage />
        </>
      )}
    </Guard>
  );
}
