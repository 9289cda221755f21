import { PageTitle } from '@/components/seo/page-title';
import { seesServiceEquity } from '@/lib/access';

import { Guard } from './guard';

// Placeholder: features/equity replaces this with its own routes.
export default function EquityRoute() {
  return (
    <Guard allowed={seesServiceEquity}>
      {() => (
        <>
          <PageTitle title="Service equity" />
          <h1 className="nhsuk-heading-l">Service equity</h1>
        </>
      )}
    </Guard>
  );
}
