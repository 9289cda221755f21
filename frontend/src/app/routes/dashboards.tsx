import { PageTitle } from '@/components/seo/page-title';
import { seesDashboards } from '@/lib/access';

import { Guard } from './guard';

// openapi/aggregation.yaml serves no summaries yet; this page says so rather than
// showing empty charts. The chart-with-table component (components/charts) is ready for
// them.
export default function DashboardsRoute() {
  return (
    <Guard allowed={seesDashboards}>
      {() => (
        <>
          <PageTitle title="Dashboards" />
          <h1 className="nhsuk-heading-l">Dashboards</h1>
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>
              Team and organisation summaries are coming when the aggregation service serves
              them: breakdowns by deprivation, ethnicity, age and sex, and change over time,
              with small numbers suppressed.
            </p>
          </div>
        </>
      )}
    </Guard>
  );
}
