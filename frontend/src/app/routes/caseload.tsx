import { PageTitle } from '@/components/seo/page-title';
import { BreakGlassList } from '@/features/break-glass/components/break-glass-list';
import { CaseloadPage } from '@/features/caseload/components/caseload-page';
import { keepsCaseload, leadsATeam } from '@/lib/access';

import { Guard } from './guard';

export default function CaseloadRoute() {
  return (
    <Guard allowed={keepsCaseload}>
      {(me) => (
        <>
          <PageTitle title="Your caseload" />
          <CaseloadPage teams={me.teams} />
          {leadsATeam(me) && (
            // Team leads are shown who broke the glass to see the people their teams
            // care for, and why (decision 0014).
            <section aria-labelledby="break-glass-heading" className="nhsuk-u-margin-top-7">
              <h2 className="nhsuk-heading-m" id="break-glass-heading">
                Break-glass access to your teams&apos; people
              </h2>
              <BreakGlassList headingLevel={3} auditLink={false} />
            </section>
          )}
        </>
      )}
    </Guard>
  );
}
