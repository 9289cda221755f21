import { PageTitle } from '@/components/seo/page-title';
import { usesBoardTools } from '@/lib/access';

import { Guard } from './guard';

// Placeholder: features/organisational replaces this with its own routes.
export default function BoardRoute() {
  return (
    <Guard allowed={usesBoardTools}>
      {() => (
        <>
          <PageTitle title="Board and HEAT" />
          <h1 className="nhsuk-heading-l">Board and HEAT</h1>
        </>
      )}
    </Guard>
  );
}
